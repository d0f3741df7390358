package io.zerodrop.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.engine.Experiment;
import io.zerodrop.engine.OutputDirectory;
import io.zerodrop.runtime.RuntimeFactory;
import io.zerodrop.runtime.kubernetes.Cluster;
import io.zerodrop.runtime.kubernetes.ClusterOptions;
import io.zerodrop.runtime.kubernetes.ClusterTarget;
import io.zerodrop.runtime.kubernetes.Deployer;
import io.zerodrop.runtime.kubernetes.KubernetesRuntime;
import io.zerodrop.runtime.kubernetes.LiveSettings;
import io.zerodrop.runtime.kubernetes.Preflight;
import io.zerodrop.runtime.kubernetes.SettingsUnderTest;
import io.zerodrop.runtime.kubernetes.TrafficPath;
import io.zerodrop.runtime.local.ImageMap;
import io.zerodrop.runtime.local.LocalRuntime;
import io.zerodrop.runtime.local.LocalSettings;
import io.zerodrop.scenario.LoadFrom;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.scenario.ScenarioLoader;
import io.zerodrop.traffic.fleet.LocalProcessFleet;
import io.zerodrop.workload.ManifestLoader;
import io.zerodrop.workload.Workload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

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
        if (!where.equals("local") && !where.equals("kubernetes")) {
            throw ZerodropException.usage("--runtime \"" + where + "\" is invalid: expected local or kubernetes");
        }
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
        if (where.equals("kubernetes")) {
            return onCluster(s);
        }
        if (deploy) {
            throw ZerodropException.usage("--deploy applies to --runtime kubernetes; the local runtime always starts the"
                    + " workload from target.manifests");
        }
        if (s.manifests() == null) {
            throw ZerodropException.usage(scenarioFile + ": the local runtime needs 'target.manifests'; this scenario"
                    + " names workload " + s.workload() + " in namespace " + s.namespace() + " of a cluster");
        }
        ImageMap imageMap = ImageMap.withDefaults();
        s.local().images().forEach((image, command) -> imageMap.with(image + "=" + command));
        images.forEach(imageMap::with);
        Workload w = s.settings().applyTo(ManifestLoader.load(s.manifests()));
        imageMap.resolve(w.image());
        if (s.load().from().cluster()) {
            int n = s.load().from().generatorCount(s.load().rate(), s.load().simulation());
            String problem = LocalProcessFleet.capacityProblem(n, s.load().heapMb());
            if (problem != null) {
                throw ZerodropException.usage(n + " load generators: " + problem);
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        if (dryRun) {
            o.print(plan(s, w));
            o.flush();
            return 0;
        }
        Path outDir = OutputDirectory.create(out, "--out", "");
        LocalSettings local = new LocalSettings(s.local().nodes(), s.local().endpointPropagation().toMillis(),
                s.local().endpointJitter().toMillis(), s.local().kubeletNotice().toMillis(), seed, imageMap,
                outDir.resolve("local"), s.local().service(), s.local().generatorClockSkewsMs());
        Map<String, Object> underTest = new LinkedHashMap<>();
        underTest.put("scenario", scenarioFile.toString());
        underTest.put("manifests", s.manifests().toString());
        underTest.put("settingsOverrides", s.settings());
        underTest.put("workload", summary(w));
        Experiment.Outcome outcome = Experiment.runOn(LocalRuntime.factory(local), w, new Experiment.Plan("zerodrop run — " + s.name(),
                "run", s.load(), s.toSteps(), s.expectations(), outDir, gatlingReport, underTest),
                spec.commandLine().getErr());
        last = outcome;
        o.print(outcome.summary());
        o.flush();
        return outcome.exitCode();
    }

    /**
     * The Kubernetes runtime: everything that can be refused is refused before anything changes — a system or
     * protected namespace, an unreachable cluster, a missing workload, a missing permission, a port-forward URL.
     */
    private Integer onCluster(Scenario s) {
        if (deploy) {
            return deployOnCluster(s);
        }
        if (s.workload() == null) {
            throw ZerodropException.usage(scenarioFile + ": the kubernetes runtime attaches to a workload in a cluster:"
                    + " set target.workload (deployment/<name>) and target.namespace");
        }
        LiveSettings live = live(s.settings());
        String givenUrl = url != null ? url : s.trafficUrl();
        if (givenUrl != null) {
            TrafficPath.check(givenUrl, "");
        }
        ClusterOptions opts = cluster.options();
        Cluster.refuseSystemNamespace(opts.namespace() != null ? opts.namespace()
                : s.namespace());
        Cluster c = Cluster.connect(opts, s.namespace());
        try {
            ClusterTarget target = ClusterTarget.find(
                    c.client(), c.namespace(), s.workload());
            String[] discovered = givenUrl != null ? null : s.load().from().cluster()
                    ? TrafficPath.inCluster(c, target)
                    : TrafficPath.discover(c, target);
            String trafficUrl = givenUrl != null ? givenUrl : discovered[0];
            String how = givenUrl == null ? discovered[1] : url != null ? "--url" : "traffic.url in the scenario";
            List<Preflight.Permission> needed = new ArrayList<>(
                    Preflight.needed(s.steps().stream().map(Scenario.StepSpec::action)
                            .distinct().toList()));
            Preflight.forSettings(live, target).stream()
                    .filter(p -> !needed.contains(p)).forEach(needed::add);
            Preflight.forLoad(s.load().from().cluster()).stream()
                    .filter(p -> !needed.contains(p)).forEach(needed::add);
            Preflight.check(c.client(), c.namespace(), needed);
            PrintWriter o = spec.commandLine().getOut();
            if (dryRun) {
                o.print(clusterPlan(s, c, target, trafficUrl));
                if (!live.isEmpty()) {
                    new SettingsUnderTest(c.client(), c.namespace(), c.hasNativeSleep())
                            .plan(target, live).forEach(line -> o.println("  settings   " + line));
                }
                o.flush();
                return 0;
            }
            Path outDir = OutputDirectory.create(out, "--out", "");
            Workload w = new Workload(target.kind(), target.name(), live.replicas() != null ? live.replicas()
                    : target.replicas(), target.podLabels(), "", "", List.of(),
                    List.of(), Map.of(), List.of(), 0, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), 30, "25%", "25%", Optional.empty(),
                    Optional.empty());
            Map<String, Object> underTest = new LinkedHashMap<>();
            underTest.put("scenario", scenarioFile.toString());
            underTest.put("workload", target.kind() + " " + target.name() + " in namespace " + c.namespace());
            underTest.put("settingsOverrides", live.describe());
            return runAndReport(s, (timeline, undo) -> new KubernetesRuntime(c, target,
                    live, trafficUrl, how, timeline, undo), w, outDir, underTest);
        } finally {
            c.close();
        }
    }

    private static LiveSettings live(Scenario.Settings st) {
        return new LiveSettings(st.replicas(), st.terminationGracePeriodSeconds(),
                st.preStopSleepSeconds(), st.env(), st.readinessPeriodSeconds(), st.readinessFailureThreshold(),
                st.readinessInitialDelaySeconds(), st.maxSurge(), st.maxUnavailable(), st.pdbMinAvailable(),
                st.pdbMaxUnavailable());
    }

    /**
     * {@code --deploy}: the manifests rendered and checked (exit 2) and the cluster asked (exit 3) before anything is
     * created; then the run creates its own namespace, the objects in it, and deletes the namespace at the end.
     */
    private Integer deployOnCluster(Scenario s) {
        if (s.manifests() == null) {
            throw ZerodropException.usage(scenarioFile + ": --deploy creates the scenario's target.manifests; this"
                    + " scenario has none");
        }
        if (cluster.options().namespace() != null) {
            throw ZerodropException.usage("--namespace cannot be combined with --deploy: --deploy creates a namespace"
                    + " of its own for the run");
        }
        List<HasMetadata> objects = ManifestLoader.render(s.manifests());
        Workload w = ManifestLoader.fromObjects(objects, s.manifests().toString());
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern(
                "yyyyMMdd-HHmmss")) + "-" + Integer.toHexString(0x10000 | ThreadLocalRandom.current()
                .nextInt(0x10000)).substring(1);
        String ns = Deployer.namespaceFor(runId);
        Deployer deployer = new Deployer(objects, ns,
                runId, s.manifests().toString());
        LiveSettings live = live(s.settings());
        String givenUrl = url != null ? url : s.trafficUrl();
        if (givenUrl != null) {
            TrafficPath.check(givenUrl, "");
        }
        Cluster c = Cluster.connectToCreate(
                cluster.options(), ns);
        try {
            if (givenUrl == null && !s.load().from().cluster()) {
                TrafficPath.requireLocal(c);
            }
            String ref = w.kind().toLowerCase(Locale.ROOT) + "/" + w.name();
            ClusterTarget planned = new ClusterTarget(
                    w.kind(), w.name(), ns, w.podLabels(), w.podLabels(), w.replicas(), w.service().map(x -> List.of(
                    x.name())).orElse(List.of()), w.budget().map(b -> List.of(b.name())).orElse(List.of()));
            List<Preflight.Permission> needed = new ArrayList<>(deployer.permissions());
            Preflight.needed(s.steps().stream().map(Scenario.StepSpec::action)
                    .distinct().toList()).stream().filter(p -> !needed.contains(p)).forEach(needed::add);
            Preflight.forSettings(live, planned).stream()
                    .filter(p -> !needed.contains(p)).forEach(needed::add);
            Preflight.forLoad(s.load().from().cluster()).stream()
                    .filter(p -> !needed.contains(p)).forEach(needed::add);
            Preflight.check(c.client(), ns, needed);
            PrintWriter o = spec.commandLine().getOut();
            if (dryRun) {
                o.print(clusterPlan(s, c, planned, givenUrl != null ? givenUrl : "(the NodePort discovered once"
                        + " deployed)"));
                deployer.plan().forEach(line -> o.println("  deploy     " + line));
                live.describe().forEach(line -> o.println("  settings   " + line + " (patched after the deployment is"
                        + " ready, reverted before the namespace goes)"));
                o.flush();
                return 0;
            }
            Path outDir = OutputDirectory.create(out, "--out", "");
            Map<String, Object> underTest = new LinkedHashMap<>();
            underTest.put("scenario", scenarioFile.toString());
            underTest.put("manifests", s.manifests().toString());
            underTest.put("workload", summary(w));
            underTest.put("settingsOverrides", live.describe());
            String how = givenUrl == null ? null : url != null ? "--url" : "traffic.url in the scenario";
            String runtimeUrl = givenUrl != null ? givenUrl : s.load().from().cluster()
                    ? TrafficPath.IN_CLUSTER : null;
            return runAndReport(s, (timeline, undo) -> KubernetesRuntime.deploying(c,
                    deployer, ref, live, runtimeUrl, how, timeline, undo), w, outDir, underTest);
        } finally {
            c.close();
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

    /** Where the load comes from, for the dry runs: nothing for the default (this host). */
    static String origin(Scenario s) {
        LoadFrom f = s.load().from();
        if (!f.cluster()) {
            return "";
        }
        int n = f.generatorCount(s.load().rate(), s.load().simulation());
        return String.format(Locale.ROOT, "  load from  inside the cluster: %d generator(s) of %.1f req/s"
                + " each (Indexed Job, image %s; the local runtime plays it with processes), clock resolution %d"
                + " ms%n", n, s.load().rate() / n, f.imageOrDefault(), f.clockResolutionMs());
    }

    /** The dry run on a cluster: the calls zerodrop would make, by step; nothing is changed. */
    static String clusterPlan(Scenario s, Cluster c,
            ClusterTarget t, String url) {
        StringBuilder b = new StringBuilder();
        b.append("zerodrop run --dry-run: ").append(s.name()).append(" (nothing was changed)\n");
        c.describe().forEach((k, v) -> b.append("  ").append(k).append(": ").append(v).append('\n'));
        b.append("  target     ").append(t.kind()).append(' ').append(t.name()).append(", ").append(t.replicas())
                .append(" replicas, pods ").append(t.selector()).append(", Services ").append(t.services())
                .append(", PodDisruptionBudgets ").append(t.budgets()).append('\n');
        b.append("  load       ").append(s.load().simulation()).append(" at ").append(s.load().rate())
                .append(" req/s to ").append(url).append(", warm-up ").append(s.load().warmupSeconds())
                .append(" s, then ").append(s.load().durationSeconds()).append(" s\n");
        b.append(origin(s));
        String pods = "/api/v1/namespaces/" + c.namespace() + "/pods/";
        for (Scenario.StepSpec st : s.steps()) {
            String call = switch (st.action()) {
                case "delete" -> "DELETE " + pods + "<" + st.selector().describe() + ">"
                        + (st.graceSeconds() != null ? " gracePeriodSeconds=" + st.graceSeconds() : "");
                case "kill" -> "DELETE " + pods + "<" + st.selector().describe() + "> gracePeriodSeconds=0";
                case "evict" -> "POST " + pods + "<" + st.selector().describe() + ">/eviction (policy/v1 Eviction),"
                        + " retried on 429 DisruptionBudget";
                case "drain-node" -> "PATCH /api/v1/nodes/<node> {\"spec\":{\"unschedulable\":true}}, POST"
                        + " <each pod on it>/eviction, PATCH back {\"unschedulable\":false}";
                case "rollout-restart" -> "PATCH /apis/apps/v1/namespaces/" + c.namespace() + "/deployments/"
                        + t.name() + " (merge: template annotation kubectl.kubernetes.io/restartedAt)";
                case "scale" -> "PATCH /apis/apps/v1/namespaces/" + c.namespace() + "/deployments/" + t.name()
                        + " (merge: spec.replicas " + t.replicas() + " → " + Math.max(0, t.replicas() + st.by())
                        + ", and back)";
                default -> st.action();
            };
            b.append("  step       ").append(st.id()).append(" at +").append(st.at().toMillis()).append(" ms: ")
                    .append(call).append('\n');
        }
        return b.toString();
    }

    static Map<String, Object> summary(Workload w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", w.kind() + " " + w.name());
        m.put("replicas", w.replicas());
        m.put("image", w.image());
        m.put("terminationGracePeriodSeconds", w.terminationGracePeriodSeconds());
        m.put("preStop", w.preStop().map(p -> p.describe()).orElse("none"));
        m.put("startupProbe", w.startupProbe().map(p -> p.describe()).orElse("none"));
        m.put("readinessProbe", w.readinessProbe().map(p -> p.describe() + " every " + p.periodSeconds() + " s")
                .orElse("none"));
        m.put("livenessProbe", w.livenessProbe().map(p -> p.describe()).orElse("none"));
        m.put("env", w.env());
        m.put("rollingUpdate", "maxSurge " + w.maxSurge() + ", maxUnavailable " + w.maxUnavailable());
        m.put("service", w.service().map(x -> x.name() + " :" + x.port() + " -> " + x.targetPort()).orElse("none"));
        m.put("podDisruptionBudget", w.budget().map(b -> b.name() + (b.minAvailable() != null ? " minAvailable "
                + b.minAvailable() : " maxUnavailable " + b.maxUnavailable())).orElse("none"));
        return m;
    }

    private static String plan(Scenario s, Workload w) {
        StringBuilder b = new StringBuilder();
        b.append("zerodrop run --dry-run: ").append(s.name()).append(" (nothing was started)\n");
        b.append("  manifests  ").append(s.manifests()).append('\n');
        summary(w).forEach((k, v) -> b.append("    ").append(k).append(": ").append(v).append('\n'));
        b.append("  load       ").append(s.load().simulation()).append(" at ").append(s.load().rate())
                .append(" req/s, warm-up ").append(s.load().warmupSeconds()).append(" s, then ")
                .append(s.load().durationSeconds()).append(" s, paths ").append(s.load().paths()).append('\n');
        b.append(origin(s));
        for (Scenario.StepSpec st : s.steps()) {
            b.append("  step       ").append(st.id()).append(": ").append(st.toStep().disruption().describe())
                    .append(" at +").append(st.at().toMillis()).append(" ms after the warm-up");
            if (st.times() > 1) {
                b.append(", every ").append(st.every().toMillis()).append(" ms, ").append(st.times()).append(" times");
            }
            b.append('\n');
        }
        b.append("  expect     ").append(s.expectations()).append('\n');
        return b.toString();
    }
}
