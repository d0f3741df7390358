package io.zerodrop.cli;

import io.zerodrop.core.ZerodropException;
import io.zerodrop.engine.Experiment;
import io.zerodrop.engine.OutputDirectory;
import io.zerodrop.engine.RunRequest;
import io.zerodrop.engine.RuntimeProvider;
import io.zerodrop.engine.ScenarioRunner;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.scenario.ScenarioLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code zerodrop run <scenario>}: the scenario's workload, load and disruptions on a runtime; verdict and reports. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a scenario file: deploy the workload on a runtime, send load, apply the disruptions, "
                + "judge and report.")
final class RunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "The scenario file (YAML).")
    Path scenarioFile;

    @Option(names = "--runtime", paramLabel = "local|kubernetes",
            description = "Where to run; overrides the scenario's target.runtime.")
    String runtime;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory, new or empty (an earlier run's is refused). "
            + "Default: zerodrop-out/<time>.")
    Path out;

    @Option(names = "--dry-run", description = "Validate the scenario and the manifests, print the plan, change nothing.")
    boolean dryRun;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for random pod choices and jitter. "
            + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--image", paramLabel = "IMAGE=COMMAND",
            description = "Local runtime: the command that runs a container image here (repeatable).")
    List<String> images = new ArrayList<>();

    @Option(names = "--gatling-report", description = "Also write Gatling's own HTML report (a few seconds more).")
    boolean gatlingReport;

    @Option(names = "--url", paramLabel = "URL", description = "Kubernetes runtime: where the load enters the cluster"
            + " (Ingress, LoadBalancer or NodePort); overrides the scenario's traffic.url. kubectl port-forward is"
            + " refused.")
    String url;

    @Option(names = "--deploy", description = "Kubernetes runtime: create the scenario's target.manifests in a namespace"
            + " zerodrop creates for the run and deletes afterwards, instead of attaching to a running workload.")
    boolean deploy;

    @Option(names = "--verify-fixes", description = "Run the scenario, then run it again with every fix its findings"
            + " propose applied as settings under test (reports in <out>/verify-fixes), and compare the two. Exit code:"
            + " the second run's.")
    boolean verifyFixes;

    @CommandLine.Mixin
    StartBudgetOption startBudget = new StartBudgetOption();

    @CommandLine.Mixin
    ClusterOptionsMixin cluster = new ClusterOptionsMixin();

    @CommandLine.ArgGroup(exclusive = false, heading = "Load from inside the cluster:%n")
    LoadFromOptions loadFrom = new LoadFromOptions();

    @Override
    public Integer call() {
        Scenario s = (loadFrom != null ? loadFrom : new LoadFromOptions()).apply(ScenarioLoader.load(scenarioFile,
                seed));
        String where = runtime != null ? runtime : s.runtime();
        RuntimeProvider.named(where); // an unknown name is refused before anything else
        if (gatlingReport && s.load().from().cluster()) {
            throw ZerodropException.usage("--gatling-report applies to the load from this host; with the load from"
                    + " inside the cluster each generator's simulation.log is in <out>/gatling/<generator>/ and"
                    + " report.html has a row per generator");
        }
        if (out != null) {
            OutputDirectory.check(out, "--out");
        }
        PrintWriter o = spec.commandLine().getOut();
        ScenarioRunner runner = new ScenarioRunner(spec.commandLine().getErr());
        RunRequest request = cluster.request(scenarioFile, seed, images, url, deploy,
                startBudget.get());
        ScenarioRunner.Options options = ScenarioRunner.Options.run(where, out, gatlingReport);
        if (dryRun) {
            o.print(runner.dryRun(s, request, options));
            o.flush();
            return 0;
        }
        if (verifyFixes) {
            return new FixVerification(runner, request, options, o).run(s);
        }
        Experiment.Outcome outcome = runner.run(s, request, options);
        o.print(outcome.summary());
        o.flush();
        return outcome.exitCode();
    }
}
