package io.zerodrop.cli;

import io.zerodrop.core.RunMarker;
import io.zerodrop.engine.Leftovers;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code zerodrop cleanup}: removes what runs that were killed (SIGKILL, a CI timeout) left on this machine. */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = "Remove what killed zerodrop runs left on this machine: their pod, hook and Gatling processes"
                + " and network namespaces, found by the marker each run writes before it starts (in"
                + " ${java.io.tmpdir}/zerodrop-runs-<user>). Runs still alive are left alone. Every run does this first too.")
final class CleanupCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<RunMarker.Removed> removed = Leftovers.removeAndReport(spec.commandLine().getErr());
        spec.commandLine().getOut().println(removed.isEmpty() ? "zerodrop cleanup: nothing left behind by earlier runs"
                + " (markers in " + RunMarker.directory() + ")" : "zerodrop cleanup: " + removed.size()
                + " run(s) cleaned up");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
