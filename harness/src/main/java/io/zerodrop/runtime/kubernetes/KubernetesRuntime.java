package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.zerodrop.core.RunId;
import io.zerodrop.core.RunMarker;
import io.zerodrop.core.Undo;
import io.zerodrop.ledger.DataPath;
import io.zerodrop.ledger.LedgerSource;
import io.zerodrop.runtime.Eviction;
import io.zerodrop.runtime.PodInfo;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.scenario.Scenario.Settings;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.traffic.fleet.GeneratorFleet;
import io.zerodrop.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The workload as it runs in a real cluster, reached through the API only. It attaches to an existing Deployment
 * (nothing changes until the first disruption), observes with informers (pods, and the EndpointSlices of every
 * Service that selects the pods), disrupts through {@link ApiCalls}, and registers the undo of every mutation
 * before making it (scale back, uncordon). Only pods of the target workload can ever be disrupted: every pod name
 * a disruption passes in is checked against the informer's view of the workload's own pods.
 *
 * <p>What a cluster does not show is not passed off as seen: preStop, SIGTERM and SIGKILL are not observable
 * through the API, so {@link KubeletInference} places them from what is, and marks each as inferred; pod deletion,
 * container exits (with their code and termination message) and endpoint transitions are observed, stamped with the
 * moment zerodrop received them.
 */
public final class KubernetesRuntime implements Runtime {
    private final Cluster cluster;
    private volatile ClusterTarget target;
    private final Settings settings;
    private final List<String> settingsApplied = new CopyOnWriteArrayList<>();
    private volatile String url;
    private volatile String urlSource;
    /** {@code --deploy}: what to create before attaching, and the workload to attach to then; null: attach only. */
    private final Deployer deployer;
    private final String deployedWorkload;
    private final Timeline timeline;
    private final Undo undo;
    /** What the watches have seen of the run's pods; they write it, the runtime reads it. */
    private final PodsSeen seen = new PodsSeen();
    private final EventTranslator slices = new EventTranslator(seen.incarnations);
    private final Watches watches;
    /** The run's start budget, given at start: the load Job's pods have it too. */
    private Duration startBudget = Duration.ofMillis(JOB_START_TIMEOUT_MS);
    /** Why traffic may reach a pod after its endpoint is marked terminating, found at attach (report header). */
    private final List<String> routingCaveats = new CopyOnWriteArrayList<>();
    private final Deque<Undo.Registration> undos = new ConcurrentLinkedDeque<>();
    private SharedIndexInformer<Pod> pods;
    private long attachedMs;
    /** The API server's clock against this host's, measured at attach; empty with the reason in clockNotes. */
    private Optional<ServerClock> serverClock = Optional.empty();
    private final List<String> clockNotes = new CopyOnWriteArrayList<>();
    /** The Deployment under test's watcher: rollout progress, its worst surge and unavailability. */
    private final DeploymentWatch deployment;
    /** What the disruptions do to the workload, through {@link ApiCalls}. */
    private final ClusterActions actions;
    /** The servers' accounts: the ended pods' last words and the live pods' counts. */
    private final ServerAccounts accounts;

    public KubernetesRuntime(Cluster cluster, ClusterTarget target, String url, String urlSource, Timeline timeline,
            Undo undo) {
        this(cluster, target, Settings.NONE, url, urlSource, timeline, undo);
    }

    /** With settings under test: applied at {@link #start} (revert registered first), reverted at {@link #close}. */
    public KubernetesRuntime(Cluster cluster, ClusterTarget target, Settings settings, String url, String urlSource,
            Timeline timeline, Undo undo) {
        this(cluster, target, null, null, settings, url, urlSource, timeline, undo);
    }

    /**
     * {@code --deploy}: {@link #start} creates the run's namespace and the manifests' objects in it, then finds
     * {@code workload} ("deployment/name") there and attaches; {@code url} null: discovered then.
     */
    public static KubernetesRuntime deploying(Cluster cluster, Deployer deployer, String workload, Settings settings,
            String url, String urlSource, Timeline timeline, Undo undo) {
        return new KubernetesRuntime(cluster, null, deployer, workload, settings, url, urlSource, timeline, undo);
    }

    private KubernetesRuntime(Cluster cluster, ClusterTarget target, Deployer deployer, String deployedWorkload,
            Settings settings, String url, String urlSource, Timeline timeline, Undo undo) {
        this.cluster = cluster;
        this.target = target;
        this.deployer = deployer;
        this.deployedWorkload = deployedWorkload;
        this.settings = settings;
        this.url = url;
        this.urlSource = urlSource;
        this.timeline = timeline;
        this.deployment = new DeploymentWatch(timeline);
        this.undo = undo;
        this.runId = deployer != null ? deployer.runId()
                : RunMarker.current().map(RunMarker::id).orElseGet(RunId::next); // the run's one id
        this.actions = new ClusterActions(cluster, new ApiCalls(cluster.client(), cluster.namespace()), seen,
                deployment, timeline, undo, undos, () -> this.target, this::pods, this::records);
        this.accounts = new ServerAccounts(cluster, seen);
        this.watches = new Watches(cluster);
    }

    private final String runId;
    private RunRecords records;

    /**
     * The run's records in the cluster, opened (its Lease created) before the first change it records; a run that
     * changes nothing leaves no trace.
     */
    private synchronized RunRecords records() {
        if (records == null) {
            records = RunRecords.open(cluster.client(), cluster.namespace(), runId, this::serverNow, undo);
        }
        return records;
    }

    @Override
    public String name() {
        return "kubernetes (" + cluster.server() + ", namespace " + cluster.namespace() + ")";
    }

    /**
     * The load generators as an Indexed Job in the target's namespace, sending to this runtime's traffic URL (the
     * Service's cluster address unless a URL was given); the Job's deletion is undone with the runtime's other changes.
     */
    @Override
    public Optional<GeneratorFleet> loadFleet(String image) {
        records(); // the Job carries the run's label: created under its Lease
        return Optional.of(new JobFleet(cluster.client(), cluster.namespace(), image, url, runId, undo,
                undos::push, startBudget.toMillis()));
    }

    /** How long the load generator pods may take to run and answer (a first image pull included), before a start. */
    static final long JOB_START_TIMEOUT_MS = 300_000;

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>(cluster.describe());
        m.put("runtime", "kubernetes");
        if (deployer != null) {
            m.put("deployed", "the manifests' objects were created in namespace " + deployer.namespace() + ", which"
                    + " zerodrop created for the run and deletes afterwards (an undo step in the journal)");
        }
        if (target != null) {
            m.put("target", target.kind() + " " + target.name() + (deployer != null ? " (deployed for the run)"
                    : " (attached: nothing changed until the first disruption)"));
            m.put("services", target.services());
            m.put("podDisruptionBudgets", target.budgets());
        }
        m.put("trafficUrl", url == null ? "not chosen yet" : url + " (" + urlSource + ")");
        m.put("clock", "event times are when zerodrop received each change; the server's own timestamps (whole"
                + " seconds, its clock or the node's) are kept as attributes");
        m.put("apiServerClock", serverClock.map(ServerClock::describe).orElse(attachedMs == 0 ? "not measured yet"
                : "not measured: " + String.join("; ", clockNotes)));
        m.put("inferred", "preStop, SIGTERM and SIGKILL are not visible through the API: their times are inferred from"
                + " the deletion zerodrop saw, the pod's preStop and grace period, FailedPreStopHook events and exit"
                + " codes, and every such event says \"inferred\" with its basis");
        if (!settings.isEmpty()) {
            m.put("settingsUnderTest", settingsApplied.isEmpty() ? List.of("not applied: " + String.join(", ",
                    settings.describe())) : List.of(settingsApplied, "reverted at the end of the run: each revert is an"
                    + " undo step in the journal, with its result"));
        }
        if (attachedMs > 0 && target != null && target.deployment()) {
            m.put("rollout", "at most " + deployment.maxSurge() + " pods beyond the desired count and " + deployment.maxUnavailable()
                    + " desired replicas unavailable at once during the run (Deployment status)");
        }
        if (!routingCaveats.isEmpty()) {
            m.put("routingCaveats", routingCaveats);
        }
        if (!seen.watchGaps.isEmpty()) {
            m.put("watchGaps", seen.watchGaps);
        }
        return m;
    }

    /** The API server's clock now: this host's plus the offset measured at attach (none measured: this host's). */
    private long serverNow() {
        return System.currentTimeMillis() + serverClock.map(ServerClock::offsetMs).orElse(0L);
    }

    /** Attaches: the workload must be fully ready; the informers are seen.synced before the load starts. */
    @Override
    public void start(Workload ignored, Duration timeout) {
        attachedMs = System.currentTimeMillis();
        startBudget = timeout;
        serverClock = ServerClock.measure(cluster.client(), System::currentTimeMillis, clockNotes);
        long deadline = attachedMs + timeout.toMillis();
        if (deployer == null) {
            ClusterLeftovers.putBack(cluster, serverNow(), timeline);
        }
        if (deployer != null) {
            deployer.deploy(cluster.client(), undo, undos::push);
            target = ClusterTarget.find(cluster.client(), cluster.namespace(), deployedWorkload);
            if (url == null || url.equals(TrafficPath.IN_CLUSTER)) {
                String[] found = url == null ? TrafficPath.discover(cluster, target)
                        : TrafficPath.inCluster(cluster, target);
                url = found[0];
                urlSource = found[1];
            }
        }
        TargetReads.awaitReady(cluster, target, deadline, timeout, deployer != null ? "starts the run" : "attaches");
        if (!settings.isEmpty()) {
            settingsApplied.addAll(new SettingsUnderTest(cluster.client(), cluster.namespace(), cluster.hasNativeSleep(),
                    this::records).apply(target, settings, undo, undos::push, Math.max(1, deadline
                    - System.currentTimeMillis())));
            target = ClusterTarget.find(cluster.client(), cluster.namespace(), target.kind().toLowerCase(
                    Locale.ROOT) + "/" + target.name());
            timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE, "settings under test applied"
                    + " and rolled out: " + String.join("; ", settingsApplied)));
        }
        routingCaveats.addAll(TargetReads.routingCaveats(cluster, target));
        routingCaveats.forEach(c -> timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE, c)));
        pods = watches.watchPods(target, timeline, seen);
        watches.watchAround(target, timeline, seen, slices, deployment);
        watches.awaitListed(deadline, timeout);
        Watches.knowListed(pods, seen);
        seen.synced = true;
        timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE, "attached to " + target.kind()
                + " " + target.name() + ": " + pods().size() + " pods, watches synced"));
    }

    /** The workload as last found (after the settings under test, when there were any). */
    ClusterTarget target() {
        return target;
    }

    @Override
    public String serviceUrl() {
        return url;
    }

    @Override
    public List<PodInfo> pods() {
        if (pods == null) {
            return List.of();
        }
        return TargetReads.live(pods.getStore().list());
    }

    @Override
    public void deletePod(String pod, Long graceSeconds, String cause) {
        actions.deletePod(pod, graceSeconds, cause);
    }

    @Override
    public Optional<BudgetStatus> budget() {
        return actions.budget();
    }

    @Override
    public Eviction evict(String pod, String cause) {
        return actions.evict(pod, cause);
    }

    @Override
    public void rolloutRestart(String cause) {
        actions.rolloutRestart(cause);
    }

    @Override
    public void scale(int replicas, String cause) {
        actions.scale(replicas, cause);
    }

    @Override
    public boolean cordon(String node, boolean unschedulable, String cause) {
        return actions.cordon(node, unschedulable, cause);
    }

    @Override
    public List<String> nodes() {
        return cluster.client().nodes().list().getItems().stream().map(Node::getMetadata).map(m -> m.getName())
                .sorted().toList();
    }

    @Override
    public String nodeOf(String pod) {
        return pods().stream().filter(p -> p.name().equals(pod)).map(PodInfo::node).findFirst().orElse("");
    }

    @Override
    public boolean awaitSettled(Duration timeout) {
        return TargetReads.awaitSettled(cluster, target, () -> pods == null ? List.of() : pods.getStore().list(),
                timeout);
    }

    /** A pod exists until the API removes its object: running, or marked for deletion and still terminating. */
    @Override
    public boolean exists(String pod) {
        return pods != null && pods.getStore().list().stream().anyMatch(p -> p.getMetadata().getName().equals(pod));
    }

    private DataPath.Allowance routingAllowance = RoutingAllowance.KUBE_PROXY;

    /**
     * The scenario's {@code traffic.routingAllowance} instead of kube-proxy's default sync (an ingress, a mesh or a
     * kube-proxy configured slower route to a pod longer after the API took it out of rotation); null keeps it.
     */
    public KubernetesRuntime withRoutingAllowance(Duration stated) {
        if (stated != null) {
            routingAllowance = RoutingAllowance.stated(stated);
        }
        return this;
    }

    @Override
    public DataPath.Allowance routingAllowance() {
        return routingAllowance;
    }

    /** Server-side ledgers are not files on this host: see {@link #ledgerSource()}. */
    @Override
    public List<Path> ledgers() {
        return List.of();
    }

    /** The servers' accounts: see {@link ServerAccounts}. */
    @Override
    public LedgerSource ledgerSource() {
        return accounts.source(timeline);
    }

    /**
     * Reads the live pods' counts, stops the watches, then puts back what this run changed (newest first; each undo
     * runs once): scale back, uncordon, the settings under test.
     */
    @Override
    public void close() {
        accounts.readLive(pods == null ? List.of() : pods.getStore().list());
        // the watches stop first: what the undos cause (a scale back, the revert's rollout) is not part of the run
        watches.close();
        for (Undo.Registration r; (r = undos.poll()) != null; ) {
            r.undoNow();
        }
    }
}
