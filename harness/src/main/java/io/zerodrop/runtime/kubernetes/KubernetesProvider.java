package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.zerodrop.core.RunId;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.disruption.ApiTarget;
import io.zerodrop.engine.PreparedRun;
import io.zerodrop.engine.RunRequest;
import io.zerodrop.engine.RuntimeProvider;
import io.zerodrop.runtime.RuntimeFactory;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.scenario.Scenario.Settings;
import io.zerodrop.workload.ManifestLoader;
import io.zerodrop.workload.Workload;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The Kubernetes runtime as the commands choose it ({@code --runtime kubernetes}): everything that can be refused is
 * refused before anything changes — a system or protected namespace, an unreachable cluster, a missing workload, a
 * missing permission, a port-forward URL. Attaches to a running workload, or with {@code --deploy} creates the
 * scenario's manifests in a namespace of the run's own.
 */
public final class KubernetesProvider implements RuntimeProvider {
    @Override
    public String name() {
        return "kubernetes";
    }

    /** Image pulls on a fresh node, readiness, the rollout of the settings under test and the budget controller. */
    @Override
    public Duration defaultStartBudget() {
        return Duration.ofMinutes(5);
    }

    @Override
    public PreparedRun prepare(Scenario s, RunRequest r) {
        return r.deploy() ? deploying(s, r) : attaching(s, r);
    }

    /** What killed runs left in the cluster, from the records they wrote there ({@link ClusterLeftovers}). */
    @Override
    public Cleanup cleanUp(RunRequest r) {
        try (Cluster c = Cluster.connectForCleanup(options(r))) {
            ClusterLeftovers.Result result = ClusterLeftovers.at(c.client(), r.namespace()).clean();
            return new Cleanup(result.done(), result.leftAlone(), result.couldNotRead());
        }
    }

    private static ClusterOptions options(RunRequest r) {
        return new ClusterOptions(r.kubeconfig(), r.context(), r.namespace());
    }

    private static PreparedRun attaching(Scenario s, RunRequest r) {
        if (s.workload() == null) {
            throw ZerodropException.usage(r.scenarioFile() + ": the kubernetes runtime attaches to a workload in a"
                    + " cluster: set target.workload (deployment/<name>) and target.namespace");
        }
        Settings live = s.settings();
        String givenUrl = r.url() != null ? r.url() : s.trafficUrl();
        if (givenUrl != null) {
            TrafficPath.check(givenUrl, "");
        }
        ClusterOptions opts = options(r);
        Cluster.refuseSystemNamespace(opts.namespace() != null ? opts.namespace() : s.namespace());
        Cluster c = Cluster.connect(opts, s.namespace());
        try {
            ClusterTarget target = ClusterTarget.find(c.client(), c.namespace(), s.workload());
            refuseDeploymentOnlySteps(s, target);
            String[] discovered = givenUrl != null ? null : s.load().from().cluster()
                    ? TrafficPath.inCluster(c, target) : TrafficPath.discover(c, target);
            String trafficUrl = givenUrl != null ? givenUrl : discovered[0];
            String how = givenUrl == null ? discovered[1] : r.url() != null ? "--url" : "traffic.url in the scenario";
            Preflight.check(c.client(), c.namespace(), Preflight.forRun(List.of(), s, target));
            Workload w = new Workload(target.kind(), target.name(), live.replicas() != null ? live.replicas()
                    : target.replicas(), target.podLabels(), "", "", List.of(), List.of(), Map.of(), List.of(), 0,
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 30, "25%", "25%",
                    Optional.empty(), Optional.empty());
            Map<String, Object> underTest = new LinkedHashMap<>();
            underTest.put("scenario", r.scenarioFile().toString());
            underTest.put("workload", target.kind() + " " + target.name() + " in namespace " + c.namespace());
            underTest.put("settingsOverrides", live.describe());
            return prepared(c, w, underTest, () -> {
                StringBuilder b = new StringBuilder(plan(s, c, target, trafficUrl));
                if (!live.isEmpty()) {
                    new SettingsUnderTest(c.client(), c.namespace(), c.hasNativeSleep(), null).plan(target, live)
                            .forEach(line -> b.append("  settings   ").append(line).append('\n'));
                }
                return b.toString();
            }, (timeline, undo) -> new KubernetesRuntime(c, target, live, trafficUrl, how, timeline, undo)
                    .withRoutingAllowance(s.routingAllowance()));
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * {@code --deploy}: the manifests rendered and checked (exit 2) and the cluster asked (exit 3) before anything is
     * created; then the run creates its own namespace, the objects in it, and deletes the namespace at the end.
     */
    private static PreparedRun deploying(Scenario s, RunRequest r) {
        if (s.manifests() == null) {
            throw ZerodropException.usage(r.scenarioFile() + ": --deploy creates the scenario's target.manifests; this"
                    + " scenario has none");
        }
        if (r.namespace() != null) {
            throw ZerodropException.usage("--namespace cannot be combined with --deploy: --deploy creates a namespace"
                    + " of its own for the run");
        }
        List<HasMetadata> objects = ManifestLoader.render(s.manifests());
        Workload w = ManifestLoader.fromObjects(objects, s.manifests().toString());
        String runId = RunId.next();
        String ns = Deployer.namespaceFor(runId);
        Deployer deployer = new Deployer(objects, ns, runId, s.manifests().toString());
        Settings live = s.settings();
        String givenUrl = r.url() != null ? r.url() : s.trafficUrl();
        if (givenUrl != null) {
            TrafficPath.check(givenUrl, "");
        }
        Cluster c = Cluster.connectToCreate(options(r), ns);
        try {
            if (givenUrl == null && !s.load().from().cluster()) {
                TrafficPath.requireLocal(c);
            }
            String ref = w.kind().toLowerCase(Locale.ROOT) + "/" + w.name();
            ClusterTarget planned = new ClusterTarget(w.kind(), w.name(), ns, w.podLabels(), w.podLabels(),
                    w.replicas(), w.service().map(x -> List.of(x.name())).orElse(List.of()), w.budget().map(b ->
                    List.of(b.name())).orElse(List.of()));
            Preflight.check(c.client(), ns, Preflight.forRun(deployer.permissions(), s, planned));
            Map<String, Object> underTest = new LinkedHashMap<>();
            underTest.put("scenario", r.scenarioFile().toString());
            underTest.put("manifests", s.manifests().toString());
            underTest.put("workload", w.summary());
            underTest.put("settingsOverrides", live.describe());
            String how = givenUrl == null ? null : r.url() != null ? "--url" : "traffic.url in the scenario";
            String runtimeUrl = givenUrl != null ? givenUrl : s.load().from().cluster() ? TrafficPath.IN_CLUSTER : null;
            return prepared(c, w, underTest, () -> {
                StringBuilder b = new StringBuilder(plan(s, c, planned, givenUrl != null ? givenUrl
                        : "(the NodePort discovered once deployed)"));
                deployer.plan().forEach(line -> b.append("  deploy     ").append(line).append('\n'));
                live.describe().forEach(line -> b.append("  settings   ").append(line).append(" (patched after the"
                        + " deployment is ready, reverted before the namespace goes)\n"));
                return b.toString();
            }, (timeline, undo) -> KubernetesRuntime.deploying(c, deployer, ref, live, runtimeUrl, how, timeline,
                    undo).withRoutingAllowance(s.routingAllowance()), runId);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static PreparedRun prepared(Cluster c, Workload w, Map<String, Object> underTest, Supplier<String> plan,
            RuntimeFactory factory) {
        return prepared(c, w, underTest, plan, factory, null);
    }

    /** {@code runId}: the run's, chosen while preparing (its namespace is named after it); null: chosen at start. */
    private static PreparedRun prepared(Cluster c, Workload w, Map<String, Object> underTest, Supplier<String> plan,
            RuntimeFactory factory, String runId) {
        return PreparedRun.of(plan, w, underTest, outDir -> factory, c::close, runId);
    }

    /**
     * A step whose calls patch a Deployment (rollout-restart, scale: as their kinds declare) on a workload of another
     * kind is refused before anything changes, naming the step: the Kubernetes runtime drives those only on
     * Deployments today.
     */
    static void refuseDeploymentOnlySteps(Scenario s, ClusterTarget target) {
        if (target.deployment()) {
            return;
        }
        for (Scenario.StepSpec st : s.steps()) {
            if (st.kind().access().stream().anyMatch(a -> a.resource().equals("deployments"))) {
                throw ZerodropException.usage("step " + st.id() + " (" + st.action() + ") patches a Deployment, but"
                        + " the target is " + target.kind() + " " + target.name() + ": the Kubernetes runtime runs "
                        + st.action() + " on Deployments only (delete, kill, evict and drain-node work on both)");
            }
        }
    }

    /** The dry run on a cluster: the calls zerodrop would make, by step; nothing is changed. */
    static String plan(Scenario s, Cluster c, ClusterTarget t, String url) {
        StringBuilder b = new StringBuilder();
        b.append("zerodrop run --dry-run: ").append(s.name()).append(" (nothing was changed)\n");
        c.describe().forEach((k, v) -> b.append("  ").append(k).append(": ").append(v).append('\n'));
        b.append("  target     ").append(t.kind()).append(' ').append(t.name()).append(", ").append(t.replicas())
                .append(" replicas, pods ").append(t.selector()).append(", Services ").append(t.services())
                .append(", PodDisruptionBudgets ").append(t.budgets()).append('\n');
        b.append("  load       ").append(s.load().simulation()).append(" at ").append(s.load().rate())
                .append(" req/s to ").append(url).append(", warm-up ").append(s.load().warmupSeconds())
                .append(" s, then ").append(s.load().durationSeconds()).append(" s\n");
        b.append(s.loadOrigin());
        // what is put back at the end (settings, a scale, a cordon) or created (the load Job) is recorded first
        boolean recorded = !s.settings().isEmpty() || s.load().from().cluster() || s.steps().stream()
                .anyMatch(st -> st.kind().putsBack());
        if (recorded) {
            RunRecords.dryRun(c.namespace()).forEach(line -> b.append("  record     ").append(line).append('\n'));
        }
        ApiTarget api = new ApiTarget(c.namespace(), t.name(), t.replicas());
        for (Scenario.StepSpec st : s.steps()) {
            String call = st.kind().apiCalls(st.options(), api);
            b.append("  step       ").append(st.id()).append(" at +").append(st.at().toMillis()).append(" ms: ")
                    .append(call).append('\n');
        }
        return b.toString();
    }
}
