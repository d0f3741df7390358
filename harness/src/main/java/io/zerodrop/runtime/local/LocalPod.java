package io.zerodrop.runtime.local;

import io.zerodrop.core.ProcessTrees;
import io.zerodrop.core.RunMarker;
import io.zerodrop.workload.Probe;
import io.zerodrop.workload.Workload;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pod: its container is one OS process, started with the pod's env, its own loopback address and the
 * container port. Plays the kubelet for it: startup, readiness and liveness probes with their delays, periods,
 * timeouts and thresholds; liveness failure restarts the container; termination runs preStop, then SIGTERM, then
 * SIGKILL of the whole process tree when the grace period (counted from deletion, preStop included) runs out.
 *
 * <p>PID 1: the process the mapped command starts plays PID 1 and is the one SIGTERM goes to, as in a container;
 * a shell wrapper that does not forward signals swallows it here too. SIGKILL goes to every process of the pod,
 * as a cgroup kill does.
 */
final class LocalPod {
    /** What the pod tells the runtime. */
    interface Listener {
        void readinessChanged(LocalPod pod, boolean ready);

        void containerExited(LocalPod pod, int exitCode, long atMs);

        void note(LocalPod pod, String what);

        /** The container's process has a socket listening on the pod's address and container port. */
        void listening(LocalPod pod, long atMs, long afterStartMs);
    }

    /** How often a starting container is looked at for its listening socket (and for how long at most). */
    static final long LISTEN_POLL_MS = 50;
    static final long LISTEN_WATCH_MAX_MS = 10 * 60_000;

    final String name;
    final String ip;
    final String node;
    final Path dir;
    final String cause;
    final String replaces;
    final long createdMs = System.currentTimeMillis();
    private final Workload workload;
    private final List<String> command;
    private final List<String> launcher;
    private final Map<String, String> env;
    private final ScheduledExecutorService scheduler;
    private final Listener listener;
    /** The last answer of each probe ("startup", "readiness", "liveness"), for the evidence when a start fails. */
    final Map<String, String> lastProbe = new ConcurrentHashMap<>();
    private final List<ScheduledFuture<?>> probeTasks = new CopyOnWriteArrayList<>();
    private volatile Process process;
    private volatile boolean started;
    private volatile boolean ready;
    private volatile boolean terminating;
    private volatile boolean restarting;
    private final AtomicInteger restarts = new AtomicInteger();

    LocalPod(String name, String ip, String node, Path dir, String cause, String replaces, Workload workload,
            ImageMap.Mapping mapping, List<String> launcher, ScheduledExecutorService scheduler, Listener listener) {
        this.name = name;
        this.ip = ip;
        this.node = node;
        this.dir = dir;
        this.cause = cause;
        this.replaces = replaces;
        this.workload = workload;
        this.scheduler = scheduler;
        this.listener = listener;
        Map<String, String> e = new LinkedHashMap<>();
        for (String keep : List.of("PATH", "HOME", "LANG", "TZ", "JAVA_HOME")) {
            String v = System.getenv(keep);
            if (v != null) {
                e.put(keep, v);
            }
        }
        e.putAll(workload.env());
        for (String v : workload.envFromPodName()) {
            e.put(v, name);
        }
        e.put("POD_NAME", name);
        e.put("POD_IP", ip);
        e.put("HOSTNAME", name);
        mapping.env().forEach((k, v) -> e.put(k, expand(v)));
        this.env = Map.copyOf(e);
        List<String> cmd = new ArrayList<>(launcher);
        mapping.command().stream().map(this::expand).forEach(cmd::add);
        this.command = List.copyOf(cmd);
        this.launcher = List.copyOf(launcher);
    }

    /** The prefix that puts a process in the pods' network (empty with the userspace proxy). */
    List<String> launcher() {
        return launcher;
    }

    private String expand(String s) {
        return s.replace("${POD_NAME}", name).replace("${POD_IP}", ip).replace("${POD_DIR}", dir.toString());
    }

    Map<String, String> env() {
        return env;
    }

    boolean isReady() {
        return ready;
    }

    boolean isTerminating() {
        return terminating;
    }

    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Starts the container and its probes. */
    void start() throws IOException {
        spawn();
    }

    /**
     * Starts the container process and its probes (first start and restarts): as the kubelet does for a new
     * container, the probes begin again after their initial delays with fresh success and failure counts.
     */
    private void spawn() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("stderr.log").toFile()));
        pb.environment().clear();
        pb.environment().putAll(env);
        RunMarker.tag(pb.environment());
        started = workload.startupProbe().isEmpty();
        Process p = pb.start();
        process = p;
        p.onExit().thenAccept(this::exited);
        watchListening(p);
        scheduleProbes();
        if (workload.readinessProbe().isEmpty() && started) {
            setReady(true); // no readiness probe: Ready as soon as the container runs, listening or not
        }
    }

    private void scheduleProbes() {
        cancelProbes();
        workload.startupProbe().ifPresent(pr -> schedule(pr, true, this::startupResult));
        workload.readinessProbe().ifPresent(pr -> schedule(pr, false, this::readinessResult));
        workload.livenessProbe().ifPresent(pr -> schedule(pr, false, this::livenessResult));
    }

    /**
     * Reports when the container first listens on the pod's address and container port: the moment a pod without
     * a readiness probe, in rotation since it started, stops refusing connections. Nothing is sent to the app.
     */
    private void watchListening(Process p) {
        if (ListenWatch.supported()) {
            long startedMs = System.currentTimeMillis();
            scheduler.execute(() -> lookForListener(p, startedMs));
        }
    }

    private void lookForListener(Process p, long startedMs) {
        long now = System.currentTimeMillis();
        if (p != process || !p.isAlive() || now - startedMs > LISTEN_WATCH_MAX_MS) {
            return;
        }
        if (ListenWatch.listening(p.pid(), ip, workload.containerPort())) {
            listener.listening(this, now, now - startedMs);
        } else {
            scheduler.schedule(() -> lookForListener(p, startedMs), LISTEN_POLL_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** The exit code of the last container that exited, or null while none has. */
    volatile Integer lastExitCode;

    private void exited(Process done) {
        int code = done.exitValue();
        if (done != process) {
            return;
        }
        lastExitCode = code;
        setReady(false);
        if (restarting) {
            listener.note(this, "container exited with code " + code + " and is restarted");
            return;
        }
        listener.containerExited(this, code, System.currentTimeMillis());
    }

    private interface Result {
        void accept(boolean success);
    }

    private void schedule(Probe probe, boolean isStartup, Result result) {
        long period = Math.max(1, probe.periodSeconds()) * 1000L;
        int[] streak = new int[2]; // consecutive successes, failures
        probeTasks.add(scheduler.scheduleWithFixedDelay(() -> {
            if (terminating || !isAlive()) {
                return;
            }
            if (isStartup ? started : !started) {
                return; // the startup probe runs until it succeeds; the others wait for it
            }
            Prober.Result r = Prober.probe(probe, ip, probe.timeoutSeconds() * 1000L, env, dir, launcher);
            lastProbe.put(isStartup ? "startup" : probe == workload.readinessProbe().orElse(null) ? "readiness"
                    : "liveness", r.detail());
            boolean ok = r.ok();
            if (ok) {
                streak[0]++;
                streak[1] = 0;
                if (streak[0] >= probe.successThreshold()) {
                    result.accept(true);
                }
            } else {
                streak[1]++;
                streak[0] = 0;
                if (streak[1] >= probe.failureThreshold()) {
                    result.accept(false);
                }
            }
        }, probe.initialDelaySeconds() * 1000L, period, TimeUnit.MILLISECONDS));
    }

    private void startupResult(boolean ok) {
        if (ok && !started) {
            started = true;
            if (workload.readinessProbe().isEmpty()) {
                setReady(true);
            }
        } else if (!ok && !started) {
            listener.note(this, "startup probe failed " + workload.startupProbe().get().failureThreshold()
                    + " times: restarting the container");
            restart();
        }
    }

    private void readinessResult(boolean ok) {
        setReady(ok);
    }

    private void livenessResult(boolean ok) {
        if (!ok) {
            listener.note(this, "liveness probe failed " + workload.livenessProbe().get().failureThreshold()
                    + " times: restarting the container");
            restart();
        }
    }

    private synchronized void setReady(boolean r) {
        if (ready != r && !(r && terminating)) {
            ready = r;
            listener.readinessChanged(this, r);
        }
    }

    private void restart() {
        if (restarting) {
            return;
        }
        restarting = true;
        cancelProbes(); // the old container's probes end with it
        Process old = process;
        setReady(false);
        scheduler.execute(() -> {
            stopProcess(old, workload.terminationGracePeriodSeconds() * 1000L);
            if (!terminating) {
                restarts.incrementAndGet();
                try {
                    spawn();
                } catch (IOException e) {
                    listener.note(this, "restart failed: " + e.getMessage());
                }
            }
            restarting = false;
        });
    }

    int restarts() {
        return restarts.get();
    }

    private void cancelProbes() {
        probeTasks.forEach(t -> t.cancel(false));
        probeTasks.clear();
    }

    /** Signals that a termination begins; probes stop. */
    void markTerminating() {
        terminating = true;
        cancelProbes();
    }

    Process process() {
        return process;
    }

    Optional<Probe> preStop() {
        return workload.preStop();
    }

    /** SIGTERM, wait, SIGKILL of the tree: used by restarts and teardown. */
    static void stopProcess(Process p, long graceMs) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.toHandle().destroy();
        try {
            if (!p.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
                killTree(p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(p);
        }
    }

    static void killTree(Process p) {
        ProcessTrees.kill(p);
    }
}
