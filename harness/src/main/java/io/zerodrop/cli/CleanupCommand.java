package io.zerodrop.cli;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.engine.RunRequest;
import io.zerodrop.engine.RuntimeProvider;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code zerodrop cleanup}: puts back what killed runs (SIGKILL, a CI timeout) left behind — on this machine, or with
 * {@code --runtime kubernetes} in a cluster, from any machine.
 */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Put back what killed zerodrop runs left behind; runs still alive are left alone.",
            "local (default): their pod, hook and Gatling processes and network namespaces on this machine, found by"
                + " the marker each run writes before it starts (in ${java.io.tmpdir}/zerodrop-runs-<user>). Every"
                + " run does this first too.",
            "kubernetes: in the cluster the options name (one namespace with --namespace, else every namespace the"
                + " credentials can list), from any machine: the settings, scale and cordons such runs recorded on"
                + " the objects they changed are set back, the budgets, load Jobs and --deploy namespaces they created"
                + " are deleted, then their expired Leases. Exit 0 when everything found was handled, 3 when something"
                + " could not be read or put back (each named)."})
final class CleanupCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--runtime", paramLabel = "local|kubernetes", defaultValue = "local",
            description = "Where to clean up. Default: ${DEFAULT-VALUE}.")
    String runtime;

    @CommandLine.Mixin
    ClusterOptionsMixin cluster = new ClusterOptionsMixin();

    @Override
    public Integer call() {
        RuntimeProvider provider = RuntimeProvider.named(runtime);
        RuntimeProvider.Cleanup c = provider.cleanUp(cluster.request(null, 0, List.of(), null, false, null));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        c.done().forEach(line -> out.println("zerodrop cleanup: " + line));
        c.leftAlone().forEach(line -> out.println("zerodrop cleanup: left alone: " + line));
        c.problems().forEach(line -> err.println("zerodrop cleanup: warning: " + line));
        if (c.done().isEmpty()) {
            out.println("zerodrop cleanup: nothing left behind by earlier runs");
        } else {
            out.println("zerodrop cleanup: " + c.done().size() + " thing(s) put back");
        }
        out.flush();
        err.flush();
        return c.problems().isEmpty() ? ExitCodes.PASSED : ExitCodes.ENVIRONMENT;
    }
}
