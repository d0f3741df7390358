package io.zerodrop.runtime.local;

import io.zerodrop.core.Sleep;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Eviction;
import io.zerodrop.runtime.PodInfo;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.runtime.RuntimeFactory;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.traffic.fleet.GeneratorFleet;
import io.zerodrop.traffic.fleet.LocalProcessFleet;
import io.zerodrop.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * zerodrop's embedded cluster: the workload's pods are local processes on their own loopback addresses
 * (127.S.x.y, S random per run), a Service address (127.S.255.1) spreads new connections over ready endpoints, the
 * endpoint table follows deletions and readiness after a propagation delay, a ReplicaSet replaces deleted pods at
 * once, and each pod's kubelet runs probes, preStop, SIGTERM and SIGKILL. Everything is reported on the shared
 * timeline with one host clock.
 */
public final class LocalRuntime implements Runtime {
    private final LocalSettings settings;
    private final Timeline timeline;
    private final Undo undo;
    private final Random random;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "zerodrop-local");
        t.setDaemon(true);
        return t;
    });
    private final Endpoints endpoints;
    private final PodReports reports;
    private final Kubelet kubelet;
    private final ReplicaSetController replicaSets;
    private final LocalNodes nodes;
    private final PodTable pods = new PodTable();
    private final PodCreator creator;
    private final List<Undo.Registration> undos = new CopyOnWriteArrayList<>();
    private Workload workload;
    private ServiceFront proxy;
    private String vip;
    private volatile boolean tearingDown;
    /** This runtime as a run pipeline makes it: one fresh local runtime per run, with these settings. */
    public static RuntimeFactory factory(LocalSettings settings) {
        return (timeline, undo) -> new LocalRuntime(settings, timeline, undo);
    }

    private final Object evictionLock = new Object();
    private final AvailabilitySampler availability = new AvailabilitySampler();
    private volatile boolean sampling;

    public LocalRuntime(LocalSettings settings, Timeline timeline, Undo undo) {
        this.settings = settings;
        this.timeline = timeline;
        this.undo = undo;
        this.random = new Random(settings.seed());
        this.kubelet = new Kubelet(timeline, settings.kubeletNoticeMs());
        this.endpoints = new Endpoints(timeline, scheduler, settings, random);
        this.reports = new PodReports(timeline, endpoints, () -> workload, () -> tearingDown);
        this.nodes = new LocalNodes(settings.nodes(), timeline, undo, undos);
        this.replicaSets = new ReplicaSetController(timeline, new ReplicaSetController.Pods() {
            @Override
            public void create(String cause, String replaces) {
                creator.create(cause, replaces);
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
                return pods.running();
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
        this.creator = new PodCreator(settings, timeline, undo, undos, scheduler, random, pods, nodes, replicaSets,
                reports, () -> tearingDown);
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
        ServiceFronts.Opened front = ServiceFronts.open(settings.serviceMode(), port, undo, endpoints.table());
        proxy = front.front();
        endpoints.serve(proxy);
        vip = front.vip();
        creator.use(new PodCreator.Parts(w, front.subnet(), proxy.launcher()));
        if (proxy.port() != port) {
            portNote = "Service port " + port + " is served on " + vip + ":" + proxy.port() + " (ports below 1024"
                    + " need root; the userspace Service listens on a free unprivileged port instead)";
            timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE, portNote));
        }
        for (int i = 0; i < w.replicas(); i++) {
            creator.create("", "");
        }
        awaitReady(w, timeout);
        timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE,
                w.replicas() + " pods ready behind " + serviceUrl()));
        sampling = true;
        scheduler.scheduleAtFixedRate(() -> {
            if (sampling) {
                availability.sample(replicaSets.desired(), AvailabilitySampler.look(pods.all(), endpoints::isReady));
            }
        }, 50, 50, TimeUnit.MILLISECONDS);
    }

    /** Waits until every replica is ready; a container that exited meanwhile, or the start budget spent, ends it. */
    private void awaitReady(Workload w, Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (readyLive() < w.replicas()) {
            Set<String> crashed = reports.crashed();
            if (!crashed.isEmpty()) { // the kubelet would restart it into CrashLoopBackOff: no point waiting
                throw ZerodropException.environment("the workload cannot start: the container of " + crashed
                        + " exited before " + w.replicas() + " pods were ready. Evidence:\n" + StartEvidence.of(pods.all(), workload));
            }
            if (System.currentTimeMillis() > deadline) {
                throw ZerodropException.environment("the workload was not ready " + Runtime.budgetSpent(timeout) + ": "
                        + readyLive() + " of " + w.replicas() + " pods ready; still pending: " + String.join(", ",
                        pods.all().stream().filter(p -> !p.isReady()).map(p -> p.name).toList())
                        + ". Evidence:\n" + StartEvidence.of(pods.all(), workload));
            }
            sleep(50);
        }
    }

    /** Live pods that are Ready and whose endpoint is in rotation. */
    private long readyLive() {
        return pods.all().stream().filter(p -> !p.isTerminating() && p.isReady() && endpoints.isReady(p.name))
                .count();
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
        return pods.exists(pod);
    }

    @Override
    public Optional<BudgetStatus> budget() {
        return workload.budget().map(b -> DisruptionController.statusOf(b, replicaSets.desired(), pods.ready()));
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

    /** What the Service mechanism routes new connections to now, {@code ip:port} sorted (diagnostics, tests). */
    List<String> routed() {
        return endpoints.routed();
    }

    /** The endpoints that are ready now, {@code ip:port} sorted: what {@link #routed()} must equal once settled. */
    List<String> readyEndpoints() {
        return endpoints.readyEndpoints();
    }

    @Override
    public String serviceUrl() {
        return "http://" + vip + ":" + proxy.port();
    }

    @Override
    public List<PodInfo> pods() {
        return pods.live();
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
        reports.terminating(name, cause);
        pod.markTerminating();
        timeline.add(new TimelineEvent(t0, EventType.POD_MARKED_FOR_DELETION, name, cause,
                "grace " + graceMs / 1000 + " s", Map.of(Attribute.GRACE_SECONDS, String.valueOf(graceMs / 1000))));
        endpoints.terminating(name, pod.ip, cause);
        Thread kubelet = new Thread(() -> this.kubelet.terminate(pod, t0, graceMs, cause), "kubelet-" + name);
        kubelet.setDaemon(true);
        kubelet.start();
        if (replace) {
            creator.create(cause, name);
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
            boolean terminatingLeft = pods.terminatingLeft();
            List<PodInfo> live = pods();
            boolean rolling = replicaSets.rolling();
            boolean endpointsSettled = endpoints.settled(live);
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
        return pods.ledgers();
    }

    @Override
    public Map<String, Path> requestLogs() {
        return pods.requestLogs();
    }

    /** Stops every pod (SIGTERM, then SIGKILL after 5 s), closes the Service address, ends the threads. */
    @Override
    public void close() {
        if (!tearingDown && proxy != null) {
            try {
                proxy.staleConnects().forEach((pod, n) -> timeline.add(new TimelineEvent(System.currentTimeMillis(),
                        EventType.STALE_CONNECTS, pod, reports.causeOf(pod), n
                        + " new connection(s) reached this pod after it had left the Service's rules, through conntrack"
                        + " entries that outlived its endpoint", Map.of(Attribute.CONNECTS, String.valueOf(n)))));
            } catch (RuntimeException e) {
                timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, "", "",
                        "stale connects could not be counted: " + e.getMessage()));
            }
        }
        tearingDown = true;
        sampling = false;
        List<Thread> stoppers = new ArrayList<>();
        for (LocalPod p : pods.all()) {
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
