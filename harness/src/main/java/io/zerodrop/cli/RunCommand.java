package io.zerodrop.cli;

import io.zerodrop.core.ZerodropException;
import io.zerodrop.engine.Experiment;
import io.zerodrop.engine.OutputDirectory;
import io.zerodrop.engine.PreparedRun;
import io.zerodrop.engine.RunRequest;
import io.zerodrop.engine.RuntimeProvider;
import io.zerodrop.runtime.RuntimeFactory;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.scenario.ScenarioLoader;
import io.zerodrop.workload.Workload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    ClusterOptionsMixin cluster = new ClusterOptionsMixin();

    @CommandLine.ArgGroup(exclusive = false, heading = "Load from inside the cluster:%n")
    LoadFromOptions loadFrom = new LoadFromOptions();

    /** The outcome of the last run this command made (for --verify-fixes). */
    private Experiment.Outcome last;

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
        return verifyFixes && !dryRun ? new FixVerification(this).run(s, where) : runScenario(s, where);
    }

    /** The run's output directory from now on (--verify-fixes runs twice, into two directories). */
    void outTo(Path dir) {
        out = dir;
    }

    Experiment.Outcome lastOutcome() {
        return last;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** One run of the scenario on the runtime named {@code where}; its exit code. */
    int runScenario(Scenario s, String where) {
        RunRequest request = new RunRequest(scenarioFile, seed, images, url, deploy, cluster.kubeconfig,
                cluster.context, cluster.namespace);
        try (PreparedRun prepared = RuntimeProvider.named(where).prepare(s, request)) {
            if (dryRun) {
                PrintWriter o = spec.commandLine().getOut();
                o.print(prepared.dryRunPlan());
                o.flush();
                return 0;
            }
            Path outDir = OutputDirectory.create(out, "--out", "");
            return runAndReport(s, prepared.factory(outDir), prepared.workload(), outDir, prepared.underTest());
        }
    }

    /** Runs the scenario on the runtime the factory makes, prints the summary; the exit code. */
    private int runAndReport(Scenario s, RuntimeFactory runtime, Workload w, Path outDir,
            Map<String, Object> underTest) {
        Experiment.Outcome outcome = Experiment.runOn(runtime, w, new Experiment.Plan("zerodrop run — " + s.name(),
                "run", s.load(), s.toSteps(), s.expectations(), outDir, gatlingReport, underTest),
                spec.commandLine().getErr());
        last = outcome;
        PrintWriter o = spec.commandLine().getOut();
        o.print(outcome.summary());
        o.flush();
        return outcome.exitCode();
    }
}
