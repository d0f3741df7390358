package io.zerodrop.runtime.local;

import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.workload.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A new pod, from the ReplicaSet's request to a started container: its name (the template hash and a random
 * suffix), its own loopback address in the run's subnet, a node (the least loaded schedulable one; Pending while
 * every node is cordoned), its directory and its process, whose stop is registered before it starts.
 */
final class PodCreator {
    private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final long PENDING_RETRY_MS = 500;

    /** What a pod is made of: one run's workload behind its Service front. */
    record Parts(Workload workload, int subnet, List<String> launcher) {
    }

    private final LocalSettings settings;
    private final Timeline timeline;
    private final Undo undo;
    private final List<Undo.Registration> undos;
    private final ScheduledExecutorService scheduler;
    private final Random random;
    private final PodTable pods;
    private final LocalNodes nodes;
    private final ReplicaSetController replicaSets;
    private final PodReports reports;
    private final BooleanSupplier tearingDown;
    private final AtomicInteger nextAddress = new AtomicInteger();
    private volatile Parts parts;

    PodCreator(LocalSettings settings, Timeline timeline, Undo undo, List<Undo.Registration> undos,
            ScheduledExecutorService scheduler, Random random, PodTable pods, LocalNodes nodes,
            ReplicaSetController replicaSets, PodReports reports, BooleanSupplier tearingDown) {
        this.settings = settings;
        this.timeline = timeline;
        this.undo = undo;
        this.undos = undos;
        this.scheduler = scheduler;
        this.random = random;
        this.pods = pods;
        this.nodes = nodes;
        this.replicaSets = replicaSets;
        this.reports = reports;
        this.tearingDown = tearingDown;
    }

    /** The workload and the Service front the pods of this run are made for; set once, before the first pod. */
    void use(Parts parts) {
        this.parts = parts;
    }

    /** Creates a pod, or leaves it Pending (tried again every 500 ms) while no node is schedulable. */
    void create(String cause, String replaces) {
        Workload workload = parts.workload();
        String hash = replicaSets.templateHash();
        String name = workload.name() + "-" + hash + "-" + suffix();
        int n = nextAddress.getAndIncrement();
        String ip = "127." + parts.subnet() + "." + (n / 250) + "." + (n % 250 + 2);
        String node = nodes.leastLoaded(pods.all());
        if (node == null) {
            timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, name, cause,
                    "Pending: no schedulable node (all cordoned)"));
            scheduler.schedule(() -> createWhenSchedulable(cause, replaces), PENDING_RETRY_MS, TimeUnit.MILLISECONDS);
            return;
        }
        Path dir = settings.workDir().resolve("pods").resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw ZerodropException.environment("cannot create the pod directory " + dir + ": " + e.getMessage());
        }
        LocalPod pod = new LocalPod(name, ip, node, dir, cause, replaces, workload,
                settings.images().resolve(workload.image()), parts.launcher(), scheduler, reports);
        replicaSets.stamp(name, hash);
        undos.add(undo.register("stop pod " + name, () -> LocalPod.killTree(pod.process())));
        pods.add(pod);
        if (!replaces.isEmpty()) {
            timeline.add(new TimelineEvent(System.currentTimeMillis(), EventType.REPLACEMENT_STARTED, name, cause,
                    "on " + node, Map.of(Attribute.REPLACES, replaces)));
        }
        try {
            pod.start();
        } catch (IOException e) {
            throw ZerodropException.environment("cannot start pod " + name + " (" + workload.image() + " mapped to "
                    + settings.images().describe().get(workload.image()) + "): " + e.getMessage());
        }
    }

    private void createWhenSchedulable(String cause, String replaces) {
        if (tearingDown.getAsBoolean()) {
            return;
        }
        if (nodes.leastLoaded(pods.all()) == null) {
            scheduler.schedule(() -> createWhenSchedulable(cause, replaces), PENDING_RETRY_MS, TimeUnit.MILLISECONDS);
        } else {
            create(cause, replaces);
        }
    }

    private String suffix() {
        StringBuilder sb = new StringBuilder(5);
        synchronized (random) {
            for (int i = 0; i < 5; i++) {
                sb.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
            }
        }
        return sb.toString();
    }
}
