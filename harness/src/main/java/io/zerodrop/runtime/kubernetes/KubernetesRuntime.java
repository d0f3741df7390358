package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.zerodrop.core.Sleep;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.ledger.DataPath;
import io.zerodrop.ledger.LedgerSnapshot;
import io.zerodrop.ledger.LedgerSource;
import io.zerodrop.runtime.Eviction;
import io.zerodrop.runtime.PodInfo;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.traffic.fleet.GeneratorFleet;
import io.zerodrop.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;

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
    private final LiveSettings settings;
    private final List<String> settingsApplied = new CopyOnWriteArrayList<>();
    private volatile String url;
    private volatile String urlSource;
    /** {@code --deploy}: what to create before attaching, and the workload to attach to then; null: attach only. */
    private final Deployer deployer;
    private final String deployedWorkload;
    private final Timeline timeline;
    private final Undo undo;
    private final ApiCalls api;
    /** What the watches have seen of the run's pods; they write it, the runtime reads it. */
    private final PodsSeen seen = new PodsSeen();
    private final EventTranslator slices = new EventTranslator(seen.incarnations);
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    /** What each informer watches, for the errors. */
    private final List<String> watched = new ArrayList<>();
    /** The run's start budget, given at start: the load Job's pods have it too. */
    private Duration startBudget = Duration.ofMillis(JOB_START_TIMEOUT_MS);
    /** Why traffic may reach a pod after its endpoint is marked terminating, found at attach (report header). */
    private final List<String> routingCaveats = new CopyOnWriteArrayList<>();
    /** Live pods' counts read through the pod proxy at teardown. */
    private final List<LedgerSnapshot> liveCounts = new CopyOnWriteArrayList<>();
    private final Deque<Undo.Registration> undos = new ConcurrentLinkedDeque<>();
    /** The nodes this run cordoned, with their uncordon: only these are ever uncordoned. */
    private final Map<String, Undo.Registration> cordonedHere = new ConcurrentHashMap<>();
    private SharedIndexInformer<Pod> pods;
    private long attachedMs;
    private final AtomicBoolean scaleUndoRegistered =
            new AtomicBoolean();
    /** The API server's clock against this host's, measured at attach; empty with the reason in clockNotes. */
    private Optional<ServerClock> serverClock = Optional.empty();
    private final List<String> clockNotes = new CopyOnWriteArrayList<>();
    /** The Deployment under test's watcher: rollout progress, its worst surge and unavailability. */
    private final DeploymentWatch deployment;

    public KubernetesRuntime(Cluster cluster, ClusterTarget target, String url, String urlSource, Timeline timeline,
            Undo undo) {
        this(cluster, target, LiveSettings.NONE, url, urlSource, timeline, undo);
    }

    /** With settings under test: applied at {@link #start} (revert registered first), reverted at {@link #close}. */
    public KubernetesRuntime(Cluster cluster, ClusterTarget target, LiveSettings settings, String url, String urlSource,
            Timeline timeline, Undo undo) {
        this(cluster, target, null, null, settings, url, urlSource, timeline, undo);
    }

    /**
     * {@code --deploy}: {@link #start} creates the run's namespace and the manifests' objects in it, then finds
     * {@code workload} ("deployment/name") there and attaches; {@code url} null: discovered then.
     */
    public static KubernetesRuntime deploying(Cluster cluster, Deployer deployer, String workload, LiveSettings settings,
            String url, String urlSource, Timeline timeline, Undo undo) {
        return new KubernetesRuntime(cluster, null, deployer, workload, settings, url, urlSource, timeline, undo);
    }

    private KubernetesRuntime(Cluster cluster, ClusterTarget target, Deployer deployer, String deployedWorkload,
            LiveSettings settings, String url, String urlSource, Timeline timeline, Undo undo) {
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
        this.api = new ApiCalls(cluster.client(), cluster.namespace());
        this.runId = deployer != null ? deployer.runId() : RunRecords.newRunId();
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
        if (attachedMs > 0 && target != null && target.kind().equals("Deployment")) {
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

    /**
     * Before attaching, what runs killed outright left in this namespace is put back ({@link ClusterLeftovers}), so
     * that the workload measured is the workload as its owners configured it; each thing done, or left alone because
     * its run is alive, is a note on the timeline. What cannot be read here (nodes, without the rights) is skipped:
     * {@code zerodrop cleanup} reports it.
     */
    private void putBackAbandonedRuns() {
        ClusterLeftovers.Result r = new ClusterLeftovers(cluster.client(), cluster.namespace(), serverNow()).clean();
        r.done().forEach(line -> timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE,
                "put back what an abandoned zerodrop run left: " + line)));
        r.leftAlone().forEach(line -> timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE,
                "another zerodrop run: " + line)));
    }

    /** Attaches: the workload must be fully ready; the informers are seen.synced before the load starts. */
    @Override
    public void start(Workload ignored, Duration timeout) {
        attachedMs = System.currentTimeMillis();
        startBudget = timeout;
        serverClock = ServerClock.measure(cluster.client(), System::currentTimeMillis, clockNotes);
        long deadline = attachedMs + timeout.toMillis();
        if (deployer == null) {
            putBackAbandonedRuns();
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
        while (!ready()) {
            if (System.currentTimeMillis() > deadline) {
                throw ZerodropException.environment(target.kind() + " " + target.name() + " in namespace "
                        + cluster.namespace() + " is not fully ready " + Runtime.budgetSpent(timeout) + ": "
                        + readyReplicas() + " of " + target.replicas() + " replicas ready" + waiting() + ". zerodrop "
                        + (deployer != null ? "starts the run" : "attaches") + " only on a settled workload, so that"
                        + " what it measures is caused by its own disruptions");
            }
            Sleep.forMs(500);
        }
        if (!settings.isEmpty()) {
            settingsApplied.addAll(new SettingsUnderTest(cluster.client(), cluster.namespace(), cluster.hasNativeSleep(),
                    this::records).apply(target, settings, undo, undos::push, Math.max(1, deadline - System.currentTimeMillis())));
            target = ClusterTarget.find(cluster.client(), cluster.namespace(), target.kind().toLowerCase(
                    Locale.ROOT) + "/" + target.name());
            timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE, "settings under test applied"
                    + " and rolled out: " + String.join("; ", settingsApplied)));
        }
        routingCaveats.addAll(routingCaveats(target));
        routingCaveats.forEach(c -> timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE, c)));
        watchTarget(deadline, timeout);
        knowListedPods();
        seen.synced = true;
        timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE, "attached to " + target.kind()
                + " " + target.name() + ": " + pods().size() + " pods, watches synced"));
    }

    /**
     * Watches the target's pods, its Services' EndpointSlices, the namespace's events, the Deployment and its budgets,
     * and waits until every watch has listed its objects, by {@code deadline}.
     */
    private void watchTarget(long deadline, Duration timeout) {
        String ns = " in namespace " + cluster.namespace();
        pods = watch("the pods of " + target.kind() + " " + target.name() + ns, () -> cluster.client().pods()
                .inNamespace(cluster.namespace()).withLabels(target.selector()).inform(new PodWatch(timeline, seen), 0));
        // the first list is in the store when inform returns, but its onAdd notifications are delivered on the
        // informer's own thread, possibly later (seen at load 21: an existing pod's arrived after this point and was
        // taken for a pod created during the run): every listed pod is known before a later add may count as new
        knowListedPods();
        seen.listed = true;
        for (String service : target.services()) {
            watch("the EndpointSlices of Service " + service + ns, () -> cluster.client().discovery().v1()
                    .endpointSlices().inNamespace(cluster.namespace()).withLabel("kubernetes.io/service-name", service)
                    .inform(new SliceWatch(timeline, seen, slices, service), 0));
        }
        watch("the events" + ns, () -> cluster.client().v1().events().inNamespace(cluster.namespace())
                .inform(new EventWatch(timeline, seen), 0));
        if (target.kind().equals("Deployment")) {
            watch("Deployment " + target.name() + ns, () -> cluster.client().apps().deployments()
                    .inNamespace(cluster.namespace()).withName(target.name()).inform(deployment, 0));
        }
        for (String b : target.budgets()) {
            watch("PodDisruptionBudget " + b + ns, () -> cluster.client().policy().v1().podDisruptionBudget()
                    .inNamespace(cluster.namespace()).withName(b).inform(new BudgetWatch(timeline), 0));
        }
        for (int k = 0; k < informers.size(); k++) {
            try {
                informers.get(k).start().toCompletableFuture().get(Math.max(1, deadline - System.currentTimeMillis()),
                        TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw ZerodropException.environment("the watch on " + watched.get(k) + " on " + cluster.server()
                        + " had not listed its objects " + Runtime.budgetSpent(timeout));
            } catch (Exception e) {
                throw ZerodropException.environment("the watch on " + watched.get(k) + " on " + cluster.server()
                        + " could not list its objects: " + (e.getCause() != null ? e.getCause() : e));
            }
        }
    }

    /**
     * Every pod in the pod watch's store is known as there before the run (first seen 0), so that its add, however
     * late the informer delivers it, is not taken for a pod created during the run.
     */
    private void knowListedPods() {
        pods.getStore().list().forEach(p -> seen.firstSeen.putIfAbsent(seen.key(p), 0L));
    }

    /**
     * Starts an informer ({@code inform} lists before it returns); a first list the server refuses is an environment
     * error naming what was watched and the server's words.
     */
    private <T> SharedIndexInformer<T> watch(String what, Supplier<SharedIndexInformer<T>> inform) {
        try {
            SharedIndexInformer<T> i = inform.get();
            informers.add(i);
            watched.add(what);
            return i;
        } catch (KubernetesClientException e) {
            throw ZerodropException.environment("cannot watch " + what + " on " + cluster.server() + ": "
                    + Cluster.reason(e, cluster.client()), e);
        }
    }

    /**
     * What keeps traffic flowing to a pod after its endpoint is marked terminating, so that "out of rotation" as the
     * EndpointSlice says it is not when traffic stops: a Service that publishes not-ready addresses (its endpoints
     * stay routable), and a single replica (kube-proxy, since 1.28, routes to terminating-but-serving endpoints when
     * a Service has no other).
     */
    private List<String> routingCaveats(ClusterTarget t) {
        List<String> out = new ArrayList<>();
        for (String name : t.services()) {
            Service svc = Reads.read("reading Service " + name, () -> cluster.client().services()
                    .inNamespace(cluster.namespace()).withName(name).get());
            if (svc != null && svc.getSpec() != null
                    && Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses())) {
                out.add("Service " + name + " publishes not-ready addresses: its endpoints stay routable while their"
                        + " pods terminate, so traffic does not stop when the EndpointSlice marks a pod terminating");
            }
        }
        if (t.replicas() == 1) {
            out.add("one replica: while its only endpoint is terminating but still serving, kube-proxy (1.28+) keeps"
                    + " routing to it, so traffic reaches the pod until it stops serving, not until it is marked"
                    + " terminating");
        }
        return out;
    }

    /** Which pods are not Ready and why, as the scheduler and the kubelet say it; empty if the pods cannot be read. */
    private String waiting() {
        try {
            return PendingPods.describe(cluster.client().pods().inNamespace(cluster.namespace())
                    .withLabels(target.selector()).list().getItems());
        } catch (KubernetesClientException e) {
            return "; the pods could not be read: " + Cluster.reason(e, cluster.client());
        }
    }

    private boolean ready() {
        return readyReplicas() >= target.replicas();
    }

    /** The workload's ready replicas as its controller reports them (Deployment or StatefulSet status). */
    private int readyReplicas() {
        String what = target.kind() + " " + target.name();
        Integer ready;
        if (target.kind().equals("StatefulSet")) {
            StatefulSet s = Reads.read("reading " + what, () -> cluster.client().apps().statefulSets()
                    .inNamespace(cluster.namespace()).withName(target.name()).get());
            if (s == null) {
                throw gone(what);
            }
            ready = s.getStatus() == null ? null : s.getStatus().getReadyReplicas();
        } else {
            Deployment d = Reads.read("reading " + what, () -> cluster.client().apps().deployments()
                    .inNamespace(cluster.namespace()).withName(target.name()).get());
            if (d == null) {
                throw gone(what);
            }
            ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
        }
        return ready == null ? 0 : ready;
    }

    private ZerodropException gone(String what) {
        return ZerodropException.environment(what + " disappeared from namespace " + cluster.namespace());
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
        return pods.getStore().list().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .map(p -> new PodInfo(p.getMetadata().getName(), p.getSpec() == null ? "" : String.valueOf(
                        p.getSpec().getNodeName()), created(p), readyCondition(p)))
                .sorted(Comparator.comparingLong(PodInfo::createdMs).thenComparing(PodInfo::name)).toList();
    }

    private static long created(Pod p) {
        String ts = p.getMetadata().getCreationTimestamp();
        return ts == null ? 0 : Instant.parse(ts).toEpochMilli();
    }

    private static boolean readyCondition(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Only a live pod of the target workload may be disrupted. */
    private void requireOwnPod(String pod) {
        if (pods().stream().noneMatch(p -> p.name().equals(pod))) {
            throw ZerodropException.usage("pod \"" + pod + "\" is not a live pod of " + target.kind() + " "
                    + target.name() + ": zerodrop only ever disrupts the target workload's own pods");
        }
    }

    @Override
    public void deletePod(String pod, Long graceSeconds, String cause) {
        requireOwnPod(pod);
        seen.causeByPod.put(seen.incarnations.current(pod), cause);
        if (graceSeconds != null && graceSeconds == 0) {
            seen.killed.add(seen.incarnations.current(pod));
        }
        api.delete(pod, graceSeconds);
    }

    @Override
    public Optional<BudgetStatus> budget() {
        if (target.budgets().isEmpty()) {
            return Optional.empty();
        }
        PodDisruptionBudget b = cluster.client().policy().v1().podDisruptionBudget().inNamespace(cluster.namespace())
                .withName(target.budgets().get(0)).get();
        if (b == null || b.getStatus() == null) {
            return Optional.empty();
        }
        return Optional.of(new BudgetStatus(b.getMetadata().getName(), n(b.getStatus().getDisruptionsAllowed()),
                n(b.getStatus().getCurrentHealthy()), n(b.getStatus().getDesiredHealthy()),
                n(b.getStatus().getExpectedPods())));
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }

    @Override
    public Eviction evict(String pod, String cause) {
        requireOwnPod(pod);
        seen.causeByPod.put(seen.incarnations.current(pod), cause);
        return api.evict(pod);
    }

    @Override
    public void rolloutRestart(String cause) {
        requireDeployment("rollout-restart");
        pods().forEach(p -> seen.causeByPod.put(seen.incarnations.current(p.name()), cause));
        deployment.rolloutStarted(cause);
        api.rolloutRestart(target.name());
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.ROLLOUT_PROGRESS, "", cause,
                "rollout restart: kubectl.kubernetes.io/restartedAt patched"));
    }

    @Override
    public void scale(int replicas, String cause) {
        requireDeployment("scale");
        int original = target.replicas();
        pods().forEach(p -> seen.causeByPod.putIfAbsent(seen.incarnations.current(p.name()), cause));
        deployment.scaling(cause);
        // the restore is registered and recorded once, with the first change; it sets the count back, so the
        // step's own scale back is harmless
        if (scaleUndoRegistered.compareAndSet(false, true)) {
            undos.push(api.scaleRecorded(target.name(), original, replicas, records(), undo));
        } else {
            api.scale(target.name(), replicas);
        }
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.ROLLOUT_PROGRESS, "", cause,
                "scaled to " + replicas + " replicas"));
    }

    private void requireDeployment(String what) {
        if (!target.kind().equals("Deployment")) {
            throw ZerodropException.usage(what + " on the Kubernetes runtime supports Deployments; the target is a "
                    + target.kind());
        }
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
    public boolean cordon(String node, boolean unschedulable, String cause) {
        if (unschedulable) {
            Optional<Undo.Registration> cordoned = api.cordonUnlessCordoned(node, undo, records());
            cordoned.ifPresent(r -> {
                undos.push(r);
                cordonedHere.put(node, r);
            });
            timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, "", cause, cordoned.isPresent()
                    ? "cordoned " + node : node + " was already cordoned (not by this run): left as it was"));
            return cordoned.isPresent();
        }
        Undo.Registration mine = cordonedHere.remove(node);
        if (mine == null) {
            timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, "", cause, node + " was not"
                    + " cordoned by this run: left as it was"));
            return false;
        }
        mine.undoNow(); // the uncordon registered when this run cordoned it, run once
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, "", cause, "uncordoned " + node));
        return true;
    }

    /** A pod exists until the API removes its object: running, or marked for deletion and still terminating. */
    @Override
    public boolean exists(String pod) {
        return pods != null && pods.getStore().list().stream().anyMatch(p -> p.getMetadata().getName().equals(pod));
    }

    @Override
    public boolean awaitSettled(Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            try {
                boolean terminating = pods != null && pods.getStore().list().stream()
                        .anyMatch(p -> p.getMetadata().getDeletionTimestamp() != null);
                if (!terminating && ready()) {
                    return true;
                }
            } catch (KubernetesClientException e) {
                return false;
            }
            if (!Sleep.forMs(500)) {
                return false;
            }
        }
        return false;
    }

    /**
     * Each node's kube-proxy applies an EndpointSlice change on its own schedule, rate-limited by its iptables
     * {@code minSyncPeriod} (1 s by default): a node may keep routing to a pod up to that long after the API took it
     * out of rotation (plus its own watch lag; longer through an ingress or a mesh).
     */
    static final DataPath.Allowance KUBE_PROXY = new DataPath.Allowance(1000, "kube-proxy applies an EndpointSlice"
            + " change rate-limited by its minSyncPeriod (1 s by default), later through an ingress or a mesh; measure"
            + " it instead with traffic.podHeader (a response header naming the serving pod)");

    private DataPath.Allowance routingAllowance = KUBE_PROXY;

    /**
     * The scenario's {@code traffic.routingAllowance} instead of kube-proxy's default sync (an ingress, a mesh or a
     * kube-proxy configured slower route to a pod longer after the API took it out of rotation); null keeps it.
     */
    public KubernetesRuntime withRoutingAllowance(Duration stated) {
        if (stated != null) {
            routingAllowance = new DataPath.Allowance(stated.toMillis(), "traffic.routingAllowance in the scenario ("
                    + stated.toMillis() + " ms: the data path's stated lag behind the EndpointSlice); measure it"
                    + " instead with traffic.podHeader (a response header naming the serving pod)");
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

    /**
     * The servers' accounts on a cluster: every pod that ended during the run left its counts in its termination
     * message (target-app writes them there; read from containerStatuses before the pod object went); every pod
     * still running was asked for its {@code /metrics} through the API server's pod proxy at teardown. A pod that
     * said neither (another app, a missing permission) is named in the notes and the ground truth is left out.
     */
    @Override
    public LedgerSource ledgerSource() {
        return last -> {
            List<LedgerSnapshot> all = new ArrayList<>(seen.lastWords.values());
            all.addAll(liveCounts);
            if (!seen.truthNotes.isEmpty()) {
                timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE,
                        "ground truth left out: " + String.join("; ", seen.truthNotes)));
                return List.of();
            }
            return all;
        };
    }

    /** Reads every live pod's counts through the pod proxy; a pod that cannot be read is noted, not guessed. */
    private void readLiveCounts() {
        if (pods == null) {
            return;
        }
        for (Pod p : pods.getStore().list()) {
            String k = seen.key(p);
            String n = p.getMetadata().getName();
            if (seen.lastWords.containsKey(k)) {
                continue;
            }
            int port = p.getSpec() == null || p.getSpec().getContainers() == null ? 0 : p.getSpec().getContainers()
                    .stream().flatMap(c -> c.getPorts() == null ? Stream.empty() : c.getPorts().stream())
                    .map(ContainerPort::getContainerPort).findFirst().orElse(0);
            String path = ApiCalls.url(cluster.client(), "/api/v1/namespaces/" + cluster.namespace() + "/pods/" + n
                    + (port > 0 ? ":" + port : "") + "/proxy/metrics");
            try {
                String text = cluster.client().raw(path);
                Optional<LedgerSnapshot> s = text == null ? Optional.empty()
                        : LedgerSnapshot.fromMetrics(k, text, System.currentTimeMillis());
                if (s.isPresent()) {
                    liveCounts.add(s.get());
                } else {
                    seen.truthNotes.add("pod " + n + " has no target-app metrics at " + path);
                }
            } catch (KubernetesClientException e) {
                seen.truthNotes.add("pod " + n + "'s metrics could not be read through the pod proxy (" + Cluster.reason(e, cluster.client())
                        + "; the Role needs get pods/proxy)");
            }
        }
    }

    /**
     * Reads the live pods' counts, stops the watches, then puts back what this run changed (newest first; each undo
     * runs once): scale back, uncordon, the settings under test.
     */
    @Override
    public void close() {
        readLiveCounts();
        // the watches stop first: what the undos cause (a scale back, the revert's rollout) is not part of the run
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
        watched.clear();
        for (Undo.Registration r; (r = undos.poll()) != null; ) {
            r.undoNow();
        }
    }
}
