package io.zerodrop.runtime.local;

import io.zerodrop.core.Sleep;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Eviction;
import io.zerodrop.runtime.PodInfo;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.runtime.RuntimeFactory;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.traffic.fleet.GeneratorFleet;
import io.zerodrop.traffic.fleet.LocalProcessFleet;
import io.zerodrop.workload.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * zerodrop's embedded cluster: the workload's pods are local processes on their own loopback addresses
 * (127.S.x.y, S random per run), a Service address (127.S.255.1) spreads new connections over ready endpoints, the
 * endpoint table follows deletions and readiness after a propagation delay, a ReplicaSet replaces deleted pods at
 * once, and each pod's kubelet runs probes, preStop, SIGTERM and SIGKILL. Everything is reported on the shared
 * timeline with one host clock.
 */
public final class LocalRuntime implements Runtime, LocalPod.Listener {
    private final LocalSettings settings;
    private final Timeline timeline;
    private final Undo undo;
    private final Random random;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "zerodrop-local");
        t.setDaemon(true);
        return t;
    });
    private final EndpointTable endpoints = new EndpointTable();
    private final Kubelet kubelet;
    private final ReplicaSetController replicaSets;
    private final LocalNodes nodes;
    private final Map<String, LocalPod> pods = new ConcurrentHashMap<>();
    private final Map<String, String> terminationCause = new ConcurrentHashMap<>();
    private final List<Undo.Registration> undos = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextAddress = new AtomicInteger();
    private Workload workload;
    private ServiceFront proxy;
    private String vip;
    private int subnet;
    private volatile boolean tearingDown;
    /** This runtime as a run pipeline makes it: one fresh local runtime per run, with these settings. */
    public static RuntimeFactory factory(LocalSettings settings) {
        return (timeline, undo) -> new LocalRuntime(settings, timeline, undo);
    }

    /** Pods whose container exited while nobody was terminating them. */
    private final Set<String> crashed = ConcurrentHashMap.newKeySet();
    private final Object evictionLock = new Object();
    private final AvailabilitySampler availability = new AvailabilitySampler();
    private volatile boolean sampling;

    public LocalRuntime(LocalSettings settings, Timeline timeline, Undo undo) {
        this.settings = settings;
        this.timeline = timeline;
        this.undo = undo;
        this.random = new Random(settings.seed());
        this.kubelet = new Kubelet(timeline, settings.kubeletNoticeMs());
        this.nodes = new LocalNodes(settings.nodes(), timeline, undo, undos);
        this.replicaSets = new ReplicaSetController(timeline, new ReplicaSetController.Pods() {
            @Override
            public void create(String cause, String replaces) {
                createPod(cause, replaces);
            }

            @Override
            public void delete(String pod, String cause) {
                LocalRuntime.this.delete(pod, null, cause, false);
            }

            @Override
            public List<PodInfo> live() {
                return pods();
            }

            @Override
            public List<LocalPod> running() {
                return pods.values().stream().filter(p -> !p.isTerminating())
                        .sorted(Comparator.comparingLong(p -> p.createdMs)).toList();
            }

            @Override
            public boolean inRotation(String pod) {
                return endpoints.isReady(pod);
            }

            @Override
            public boolean tearingDown() {
                return tearingDown;
            }
        });
    }

    @Override
    public String name() {
        return "local (pods are processes on 127.0.0.0/8; " + (proxy instanceof NetfilterFront
                ? "netfilter DNAT in a private network namespace" : "userspace Service proxy") + ")";
    }

    /** The local runtime plays the load Job: one process per generator on this host, where the Service is reachable. */
    @Override
    public Optional<GeneratorFleet> loadFleet(String image) {
        return Optional.of(new LocalProcessFleet(serviceUrl(), processLauncher(),
                undo, settings.generatorClockSkewsMs()));
    }

    @Override
    public List<String> processLauncher() {
        return proxy == null ? List.of() : proxy.launcher();
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runtime", "local");
        m.put("serviceMechanism", proxy == null ? settings.serviceMode() : proxy.describe());
        m.put("serviceAddress", vip == null ? "" : vip + ":" + (proxy == null ? 0 : proxy.port()));
        if (portNote != null) {
            m.put("servicePort", portNote);
        }
        m.put("nodes", settings.nodes());
        m.put("endpointPropagationMs", settings.endpointDelayMs() + " ± " + settings.endpointJitterMs());
        m.put("kubeletNoticeMs", settings.kubeletNoticeMs());
        m.put("seed", settings.seed());
        m.put("images", settings.images().describe());
        m.put("workDir", settings.workDir().toString());
        availability.describe(m);
        return m;
    }

    private String portNote;

    @Override
    public void start(Workload w, Duration timeout) {
        if (w.containerPort() <= 0) {
            throw ZerodropException.usage(w.kind() + " " + w.name() + " declares no containerPort: the local runtime"
                    + " needs the port the app listens on");
        }
        this.workload = w;
        replicaSets.start(w);
        int port = w.service().map(Workload.Service::port).orElse(w.containerPort());
        Undo.Registration closeProxy = undo.register("close the Service proxy", () -> {
            if (proxy != null) {
                proxy.close();
            }
        });
        undos.add(closeProxy);
        ServiceFronts.Opened front = ServiceFronts.open(settings.serviceMode(), port, undo, endpoints);
        proxy = front.front();
        subnet = front.subnet();
        vip = front.vip();
        if (proxy.port() != port) {
            portNote = "Service port " + port + " is served on " + vip + ":" + proxy.port() + " (ports below 1024"
                    + " need root; the userspace Service listens on a free unprivileged port instead)";
            timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE, portNote));
        }
        for (int i = 0; i < w.replicas(); i++) {
            createPod("", "");
        }
        awaitReady(w, timeout);
        timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE,
                w.replicas() + " pods ready behind " + serviceUrl()));
        sampling = true;
        scheduler.scheduleAtFixedRate(() -> {
            if (sampling) {
                availability.sample(replicaSets.desired(), AvailabilitySampler.look(pods.values(), endpoints::isReady));
            }
        }, 50, 50, TimeUnit.MILLISECONDS);
    }

    /** Waits until every replica is ready; a container that exited meanwhile, or the start budget spent, ends it. */
    private void awaitReady(Workload w, Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (readyLive() < w.replicas()) {
            if (!crashed.isEmpty()) { // the kubelet would restart it into CrashLoopBackOff: no point waiting
                throw ZerodropException.environment("the workload cannot start: the container of " + crashed
                        + " exited before " + w.replicas() + " pods were ready. Evidence:\n" + StartEvidence.of(pods.values(), workload));
            }
            if (System.currentTimeMillis() > deadline) {
                throw ZerodropException.environment("the workload was not ready " + Runtime.budgetSpent(timeout) + ": "
                        + readyLive() + " of " + w.replicas() + " pods ready; still pending: " + String.join(", ",
                        pods.values().stream().filter(p -> !p.isReady()).map(p -> p.name).toList())
                        + ". Evidence:\n" + StartEvidence.of(pods.values(), workload));
            }
            sleep(50);
        }
    }


    /** Live pods that are Ready and whose endpoint is in rotation. */
    private long readyLive() {
        return pods.values().stream().filter(p -> !p.isTerminating() && p.isReady() && endpoints.isReady(p.name))
                .count();
    }

    private LocalPod createPod(String cause, String replaces) {
        String hash = replicaSets.templateHash();
        String name = workload.name() + "-" + hash + "-" + suffix();
        int n = nextAddress.getAndIncrement();
        String ip = "127." + subnet + "." + (n / 250) + "." + (n % 250 + 2);
        String node = leastLoadedNode();
        if (node == null) {
            timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, name, cause,
                    "Pending: no schedulable node (all cordoned)"));
            scheduler.schedule(() -> createPodWhenSchedulable(cause, replaces), 500, TimeUnit.MILLISECONDS);
            return null;
        }
        Path dir = settings.workDir().resolve("pods").resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw ZerodropException.environment("cannot create the pod directory " + dir + ": " + e.getMessage());
        }
        LocalPod pod = new LocalPod(name, ip, node, dir, cause, replaces, workload,
                settings.images().resolve(workload.image()), proxy.launcher(), scheduler, this);
        replicaSets.stamp(name, hash);
        undos.add(undo.register("stop pod " + name, () -> LocalPod.killTree(pod.process())));
        pods.put(name, pod);
        if (!replaces.isEmpty()) {
            timeline.add(new TimelineEvent(System.currentTimeMillis(), EventType.REPLACEMENT_STARTED, name, cause,
                    "on " + node, Map.of("replaces", replaces)));
        }
        try {
            pod.start();
        } catch (IOException e) {
            throw ZerodropException.environment("cannot start pod " + name + " (" + workload.image() + " mapped to "
                    + settings.images().describe().get(workload.image()) + "): " + e.getMessage());
        }
        return pod;
    }

    private void createPodWhenSchedulable(String cause, String replaces) {
        if (tearingDown) {
            return;
        }
        if (leastLoadedNode() == null) {
            scheduler.schedule(() -> createPodWhenSchedulable(cause, replaces), 500, TimeUnit.MILLISECONDS);
        } else {
            createPod(cause, replaces);
        }
    }

    private String suffix() {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder sb = new StringBuilder(5);
        synchronized (random) {
            for (int i = 0; i < 5; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return sb.toString();
    }

    private String leastLoadedNode() {
        return nodes.leastLoaded(pods.values());
    }

    @Override
    public List<String> nodes() {
        return nodes.names();
    }

    @Override
    public String nodeOf(String pod) {
        LocalPod p = pods.get(pod);
        if (p == null) {
            throw ZerodropException.usage("no pod named \"" + pod + "\"");
        }
        return p.node;
    }

    @Override
    public boolean cordon(String node, boolean unschedulable, String cause) {
        return nodes.cordon(node, unschedulable, cause);
    }

    @Override
    public boolean exists(String pod) {
        LocalPod p = pods.get(pod);
        return p != null && (!p.isTerminating() || p.isAlive()); // a terminating pod is gone once its process is
    }

    @Override
    public Optional<BudgetStatus> budget() {
        return workload.budget().map(b -> DisruptionController.statusOf(b, replicaSets.desired(), (int) pods.values().stream()
                .filter(p -> !p.isTerminating() && p.isReady()).count()));
    }

    @Override
    public Eviction evict(String name, String cause) {
        synchronized (evictionLock) {
            LocalPod pod = pods.get(name);
            if (pod == null || pod.isTerminating()) {
                return Eviction.notFound("pod " + name + " not found (already deleted)");
            }
            Optional<BudgetStatus> budget = budget();
            Optional<String> refused = budget.flatMap(b -> DisruptionController.refusal(b, pod.isReady(),
                    workload.budget().get().unhealthyPodEvictionPolicy()));
            if (refused.isPresent()) {
                return Eviction.refused(refused.get());
            }
            deletePod(name, null, cause);
            return Eviction.allowed();
        }
    }

    /**
     * One endpoint change, published to the Service front in the order the changes are made: two changes that each
     * read the table and then apply it out of order would lose one (a ready pod never in rotation, or a dead one
     * back in). Returns whether the endpoint changed.
     */
    private boolean publishEndpoint(EndpointTable.Backend b, boolean ready) {
        synchronized (endpoints) {
            if (endpoints.isReady(b.pod()) == ready) {
                return false;
            }
            endpoints.setReady(b, ready);
            proxy.apply(endpoints.readyBackends());
            return true;
        }
    }

    /** What the Service mechanism routes new connections to now, {@code ip:port} sorted (diagnostics, tests). */
    List<String> routed() {
        List<String> out = new ArrayList<>(proxy.routed());
        out.sort(null);
        return out;
    }

    /** The endpoints that are ready now, {@code ip:port} sorted: what {@link #routed()} must equal once settled. */
    List<String> readyEndpoints() {
        synchronized (endpoints) {
            return endpoints.readyBackends().stream().map(EndpointTable.Backend::address).sorted().toList();
        }
    }

    private long propagationDelay() {
        long jitter = settings.endpointJitterMs();
        synchronized (random) {
            return Math.max(0, settings.endpointDelayMs() + (jitter == 0 ? 0 : random.nextLong(-jitter, jitter + 1)));
        }
    }

    @Override
    public void readinessChanged(LocalPod pod, boolean ready) {
        long now = System.currentTimeMillis();
        if (ready && !pod.replaces.isEmpty()) {
            timeline.add(new TimelineEvent(now, EventType.REPLACEMENT_READY, pod.name, pod.cause, "",
                    Map.of("replaces", pod.replaces)));
        }
        EndpointTable.Backend b = new EndpointTable.Backend(pod.name, pod.ip, workload.service()
                .map(Workload.Service::targetPort).orElse(workload.containerPort()));
        scheduler.schedule(() -> {
            if (ready && pod.isTerminating()) {
                return;
            }
            if (!ready && !pod.isTerminating() && endpoints.isReady(pod.name)) {
                timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.ENDPOINT_NOT_READY, pod.name,
                        terminationCause.getOrDefault(pod.name, ""), "readiness failing"));
            }
            if (ready && !endpoints.isReady(pod.name) && !pod.replaces.isEmpty()) {
                timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.ENDPOINT_READY, pod.name, pod.cause,
                        "endpoint ready: new connections come here"));
            }
            publishEndpoint(b, ready);
        }, propagationDelay(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void containerExited(LocalPod pod, int exitCode, long atMs) {
        if (tearingDown) {
            return; // teardown after the measurement is not part of the run's story
        }
        String cause = terminationCause.getOrDefault(pod.name, "");
        String reason = exitCode == 137 ? "Killed (SIGKILL)" : exitCode == 143 ? "Terminated by SIGTERM"
                : exitCode == 0 ? "Completed" : "Error";
        timeline.add(new TimelineEvent(atMs, EventType.CONTAINER_EXITED, pod.name, cause, reason,
                Map.of("exitCode", String.valueOf(exitCode), "reason", reason)));
        if (pod.isTerminating()) {
            // The pod object goes once its container is gone; the proxies learn of it after the propagation delay.
            // Until the deletion itself has propagated (ENDPOINT_TERMINATING), new connections still come here.
            scheduler.schedule(() -> timeline.add(TimelineEvent.of(System.currentTimeMillis(),
                    EventType.ENDPOINT_REMOVED, pod.name, cause, "pod object deleted")), propagationDelay(),
                    TimeUnit.MILLISECONDS);
        } else {
            crashed.add(pod.name);
            timeline.add(TimelineEvent.of(atMs, EventType.NOTE, pod.name, cause,
                    "container exited with code " + exitCode + " while not terminating (crash)"));
        }
    }

    @Override
    public void listening(LocalPod pod, long atMs, long afterStartMs) {
        if (tearingDown) {
            return;
        }
        timeline.add(TimelineEvent.of(atMs, EventType.CONTAINER_LISTENING, pod.name, pod.cause, "port "
                + workload.containerPort() + " accepting connections " + afterStartMs + " ms after the container started"));
    }

    @Override
    public void note(LocalPod pod, String what) {
        if (tearingDown) {
            return;
        }
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, pod.name,
                terminationCause.getOrDefault(pod.name, ""), what));
    }

    @Override
    public String serviceUrl() {
        return "http://" + vip + ":" + proxy.port();
    }

    @Override
    public List<PodInfo> pods() {
        List<PodInfo> out = new ArrayList<>();
        for (LocalPod p : pods.values()) {
            if (!p.isTerminating()) {
                out.add(new PodInfo(p.name, p.node, p.createdMs, p.isReady()));
            }
        }
        out.sort(Comparator.comparingLong(PodInfo::createdMs).thenComparing(PodInfo::name));
        return out;
    }

    @Override
    public void deletePod(String name, Long graceSeconds, String cause) {
        delete(name, graceSeconds, cause, true);
    }

    /** Deletes a pod; {@code replace}: the ReplicaSet creates a replacement (not when scaling down or rolling). */
    private void delete(String name, Long graceSeconds, String cause, boolean replace) {
        LocalPod pod = pods.get(name);
        if (pod == null || pod.isTerminating()) {
            throw ZerodropException.usage("no live pod named \"" + name + "\" (live: "
                    + pods().stream().map(PodInfo::name).toList() + ")");
        }
        long t0 = System.currentTimeMillis();
        long graceMs = (graceSeconds == null ? workload.terminationGracePeriodSeconds() : graceSeconds) * 1000L;
        terminationCause.put(name, cause);
        pod.markTerminating();
        timeline.add(new TimelineEvent(t0, EventType.POD_MARKED_FOR_DELETION, name, cause,
                "grace " + graceMs / 1000 + " s", Map.of("graceSeconds", String.valueOf(graceMs / 1000))));
        long propagation = propagationDelay();
        scheduler.schedule(() -> {
            if (publishEndpoint(new EndpointTable.Backend(name, pod.ip, 0), false)) {
                timeline.add(new TimelineEvent(System.currentTimeMillis(), EventType.ENDPOINT_TERMINATING, name, cause,
                        "endpoint ready=false, terminating=true: no new connections", Map.of("plannedPropagationMs",
                        String.valueOf(propagation))));
            }
        }, propagation, TimeUnit.MILLISECONDS);
        Thread kubelet = new Thread(() -> this.kubelet.terminate(pod, t0, graceMs, cause), "kubelet-" + name);
        kubelet.setDaemon(true);
        kubelet.start();
        if (replace) {
            createPod(cause, name);
        }
    }

    @Override
    public void scale(int replicas, String cause) {
        replicaSets.scale(replicas, cause);
    }

    @Override
    public void rolloutRestart(String cause) {
        replicaSets.rolloutRestart(cause);
    }

    @Override
    public boolean awaitSettled(Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            boolean terminatingLeft = pods.values().stream().anyMatch(p -> p.isTerminating() && p.isAlive());
            List<PodInfo> live = pods();
            boolean rolling = replicaSets.rolling();
            boolean endpointsSettled;
            synchronized (endpoints) { // an endpoint change counts once the Service mechanism has it
                endpointsSettled = live.stream().allMatch(p -> endpoints.isReady(p.name()))
                        && endpoints.readyBackends().size() == live.size(); // and no endpoint of a gone pod is left
            }
            if (!terminatingLeft && !rolling && live.size() == replicaSets.desired() && live.stream().allMatch(PodInfo::ready)
                    && endpointsSettled) {
                return true;
            }
            sleep(100);
        }
        return false;
    }

    @Override
    public List<Path> ledgers() {
        List<Path> out = new ArrayList<>();
        for (LocalPod p : pods.values()) {
            Path l = p.dir.resolve("ledger.json");
            if (Files.exists(l)) {
                out.add(l);
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public Map<String, Path> requestLogs() {
        Map<String, Path> out = new TreeMap<>();
        for (LocalPod p : pods.values()) {
            Path l = p.dir.resolve("requests.log");
            if (Files.exists(l)) {
                out.put(p.name, l);
            }
        }
        return out;
    }

    /** Stops every pod (SIGTERM, then SIGKILL after 5 s), closes the Service address, ends the threads. */
    @Override
    public void close() {
        if (!tearingDown && proxy != null) {
            try {
                proxy.staleConnects().forEach((pod, n) -> timeline.add(new TimelineEvent(System.currentTimeMillis(),
                        EventType.STALE_CONNECTS, pod, terminationCause.getOrDefault(pod, ""), n
                        + " new connection(s) reached this pod after it had left the Service's rules, through conntrack"
                        + " entries that outlived its endpoint", Map.of("connects", String.valueOf(n)))));
            } catch (RuntimeException e) {
                timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, "", "",
                        "stale connects could not be counted: " + e.getMessage()));
            }
        }
        tearingDown = true;
        sampling = false;
        List<Thread> stoppers = new ArrayList<>();
        for (LocalPod p : pods.values()) {
            p.markTerminating();
            Thread t = new Thread(() -> LocalPod.stopProcess(p.process(), 5_000), "teardown-" + p.name);
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Undo.Registration r : undos) {
            r.undoNow();
        }
        scheduler.shutdownNow();
    }

    private static void sleep(long ms) {
        Sleep.forMs(ms);
    }
}
