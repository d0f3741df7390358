package io.zerodrop.runtime.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Finds what runs that were killed left changed in a cluster, from the records they wrote ({@link RunRecords}), and
 * puts it back: each recorded change reverted (newest first), each object created for such a run deleted, its
 * Lease last. A run is abandoned when its Lease has not been renewed for three lease durations by the API server's
 * clock (a live run renews every quarter duration), or, for records without a Lease, when they are that old; runs
 * whose Lease is fresh are left alone and named. Everything found is reported, also what could not be read.
 */
public final class ClusterLeftovers {
    private static final ObjectMapper JSON = Serialization.jsonMapper();

    /** What one cleanup did and left alone, one line each. */
    public record Result(List<String> done, List<String> leftAlone, List<String> couldNotRead) {
        public boolean nothingFound() {
            return done.isEmpty() && leftAlone.isEmpty();
        }
    }

    private final KubernetesClient client;
    /** null: every namespace the credentials can list. */
    private final String namespace;
    private final long serverNowMs;

    /** {@code serverNowMs}: the API server's clock now, as measured (this host's clock plus the offset). */
    public ClusterLeftovers(KubernetesClient client, String namespace, long serverNowMs) {
        this.client = client;
        this.namespace = namespace;
        this.serverNowMs = serverNowMs;
    }

    /**
     * A cleanup judged on the API server's clock: this host's clock plus the offset measured against the server's
     * {@code Date} answers ({@link ServerClock}); the host's own clock where the server gives none.
     */
    public static ClusterLeftovers at(KubernetesClient client, String namespace) {
        long offset = ServerClock.measure(client, System::currentTimeMillis, new ArrayList<>())
                .map(ServerClock::offsetMs).orElse(0L);
        return new ClusterLeftovers(client, namespace, System.currentTimeMillis() + offset);
    }

    /**
     * Before attaching, what runs killed outright left in this namespace is put back ({@link ClusterLeftovers}), so
     * that the workload measured is the workload as its owners configured it; each thing done, or left alone because
     * its run is alive, is a note on the timeline. What cannot be read here (nodes, without the rights) is skipped:
     * {@code zerodrop cleanup} reports it.
     */
    static void putBack(Cluster cluster, long serverNowMs, Timeline timeline) {
        ClusterLeftovers.Result r = new ClusterLeftovers(cluster.client(), cluster.namespace(), serverNowMs).clean();
        r.done().forEach(line -> timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE,
                "put back what an abandoned zerodrop run left: " + line)));
        r.leftAlone().forEach(line -> timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE,
                "another zerodrop run: " + line)));
    }

    /** How old (server clock) a Lease's last renewal, or an orphaned record, must be before its run is abandoned. */
    static long abandonedAfterMs(long leaseSeconds) {
        return 3 * leaseSeconds * 1000;
    }

    private record Change(String run, int order, String key, String what, Resource<GenericKubernetesResource> object,
            long recordedAtServerMs) {
    }

    public Result clean() {
        Sweep sweep = new Sweep();
        sweep.readLeases();
        sweep.revertChanges();
        sweep.deleteCreated();
        sweep.deleteLeases();
        return new Result(sweep.done, sweep.alone, sweep.unread);
    }

    /** One cleanup: what it did, what it left alone (and why), what it could not read or undo. */
    private final class Sweep {
        final List<String> done = new ArrayList<>();
        final List<String> alone = new ArrayList<>();
        final List<String> unread = new ArrayList<>();
        final Map<String, Lease> leases = new HashMap<>();
        final Set<String> abandoned = new LinkedHashSet<>();
        final Set<String> alive = new LinkedHashSet<>();

        /** 1. The runs, alive or abandoned, by their Leases. */
        void readLeases() {
            for (Lease l : list(unread, "Leases", () -> (namespace == null ? client.leases().inAnyNamespace()
                    : client.leases().inNamespace(namespace)).withLabel(SettingsUnderTest.MANAGED_BY, "zerodrop").list()
                    .getItems())) {
                String run = l.getMetadata().getLabels() == null ? null
                        : l.getMetadata().getLabels().get(Deployer.RUN_LABEL);
                if (run == null) {
                    continue;
                }
                leases.put(run, l);
                long duration = l.getSpec().getLeaseDurationSeconds() == null ? RunRecords.LEASE_SECONDS
                        : l.getSpec().getLeaseDurationSeconds();
                ZonedDateTime renewed = l.getSpec().getRenewTime() != null ? l.getSpec().getRenewTime()
                        : l.getSpec().getAcquireTime();
                long ageMs = renewed == null ? Long.MAX_VALUE : serverNowMs - renewed.toInstant().toEpochMilli();
                if (ageMs > abandonedAfterMs(duration)) {
                    abandoned.add(run);
                } else {
                    alive.add(run);
                    alone.add("run " + run + ": its Lease " + where(l) + " was renewed " + Math.max(0, ageMs / 1000)
                            + " s ago (abandoned only after " + abandonedAfterMs(duration) / 1000 + " s): a live run;"
                            + " nothing of it touched");
                }
            }
        }

        /** 2. The recorded changes on Deployments, budgets and nodes, reverted for abandoned runs, latest first. */
        void revertChanges() {
            List<Change> changes = new ArrayList<>();
            collect(changes, unread, "Deployments", "apps/v1", "Deployment", true);
            collect(changes, unread, "PodDisruptionBudgets", "policy/v1", "PodDisruptionBudget", true);
            collect(changes, unread, "Nodes", "v1", "Node", false);
            changes.sort(Comparator.comparing(Change::run).thenComparing(Change::order, Comparator.reverseOrder()));
            for (Change c : changes) {
                boolean go = abandoned.contains(c.run()) || (!leases.containsKey(c.run())
                        && serverNowMs - c.recordedAtServerMs() > abandonedAfterMs(RunRecords.LEASE_SECONDS));
                if (!go) {
                    if (!alive.contains(c.run())) {
                        alone.add("run " + c.run() + ": " + c.what() + " (recorded " + Math.max(0, (serverNowMs
                                - c.recordedAtServerMs()) / 1000) + " s ago, no Lease found): too recent to call"
                                + " abandoned; left as it is");
                    }
                    continue;
                }
                try {
                    if (RunRecords.revert(c.object(), c.key(), c.what())) {
                        done.add("run " + c.run() + ": reverted " + c.what());
                    }
                } catch (ZerodropException | KubernetesClientException e) {
                    unread.add("run " + c.run() + ": " + e.getMessage());
                }
            }
        }

        /** 3. What the abandoned runs created: budgets and load Jobs in namespaces, --deploy namespaces. */
        void deleteCreated() {
            Function<HasMetadata, String> runOf = o -> o.getMetadata().getLabels() == null ? null
                    : o.getMetadata().getLabels().get(Deployer.RUN_LABEL);
            for (String[] kind : List.of(new String[] {"policy/v1", "PodDisruptionBudget"},
                    new String[] {"batch/v1", "Job"})) {
                var op = client.genericKubernetesResources(kind[0], kind[1]);
                for (GenericKubernetesResource o : list(unread, kind[1] + "s", () -> (namespace == null
                        ? op.inAnyNamespace() : op.inNamespace(namespace)).withLabel(SettingsUnderTest.MANAGED_BY,
                        "zerodrop").list().getItems())) {
                    deleteIfAbandoned(o, runOf.apply(o), kind[1], abandoned, leases, alone, done, unread, () -> client
                            .genericKubernetesResources(kind[0], kind[1]).inNamespace(o.getMetadata().getNamespace())
                            .withName(o.getMetadata().getName()).withPropagationPolicy(
                                    DeletionPropagation.BACKGROUND).delete());
                }
            }
            // a --namespace cleanup reads (and may delete) only that namespace, as its credentials may allow no more
            for (var ns : list(unread, "Namespaces", () -> namespace == null ? client.namespaces().withLabel(
                    SettingsUnderTest.MANAGED_BY, "zerodrop").list().getItems() : Stream.of(
                    client.namespaces().withName(namespace).get()).filter(Objects::nonNull).filter(n -> n
                    .getMetadata().getLabels() != null && "zerodrop".equals(n.getMetadata().getLabels()
                    .get(SettingsUnderTest.MANAGED_BY))).toList())) {
                deleteIfAbandoned(ns, runOf.apply(ns), "Namespace", abandoned, leases, alone, done, unread,
                        () -> client.namespaces().withName(ns.getMetadata().getName()).delete());
            }
        }

        /** 4. The abandoned runs' Leases, last. */
        void deleteLeases() {
            for (String run : abandoned) {
                Lease l = leases.get(run);
                try {
                    client.leases().inNamespace(l.getMetadata().getNamespace()).withName(l.getMetadata().getName())
                            .delete();
                    done.add("run " + run + ": deleted its expired Lease " + where(l));
                } catch (KubernetesClientException e) {
                    unread.add("run " + run + ": deleting its Lease " + where(l) + " failed: "
                            + Cluster.reason(e, client));
                }
            }
        }
    }

    private void deleteIfAbandoned(HasMetadata o, String run, String kind, Set<String> abandoned,
            Map<String, Lease> leases, List<String> alone, List<String> done, List<String> unread, Runnable delete) {
        if (run == null) {
            return;
        }
        String what = kind + " " + (o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace() + "/")
                + o.getMetadata().getName();
        long created = o.getMetadata().getCreationTimestamp() == null ? serverNowMs
                : Instant.parse(o.getMetadata().getCreationTimestamp()).toEpochMilli();
        boolean orphanOldEnough = !leases.containsKey(run) && serverNowMs - created
                > abandonedAfterMs(RunRecords.LEASE_SECONDS);
        if (!abandoned.contains(run) && !orphanOldEnough) {
            if (!leases.containsKey(run)) {
                alone.add("run " + run + ": " + what + " (created " + Math.max(0, (serverNowMs - created) / 1000)
                        + " s ago, no Lease found): too recent to call abandoned; left as it is");
            }
            return;
        }
        try {
            delete.run();
            done.add("run " + run + ": deleted " + what + " (created for the run)");
        } catch (KubernetesClientException e) {
            unread.add("run " + run + ": deleting " + what + " failed: " + Cluster.reason(e, client));
        }
    }

    private void collect(List<Change> into, List<String> unread, String plural, String apiVersion, String kind,
            boolean namespaced) {
        var op = client.genericKubernetesResources(apiVersion, kind);
        List<GenericKubernetesResource> items = list(unread, plural, () -> (!namespaced ? op.list()
                : namespace == null ? op.inAnyNamespace().list() : op.inNamespace(namespace).list()).getItems());
        for (GenericKubernetesResource o : items) {
            Map<String, String> annotations = o.getMetadata().getAnnotations();
            if (annotations == null) {
                continue;
            }
            annotations.forEach((key, value) -> {
                if (!key.startsWith(RunRecords.ANNOTATION_PREFIX)) {
                    return;
                }
                String what = kind + " " + (namespaced ? o.getMetadata().getNamespace() + "/" : "")
                        + o.getMetadata().getName();
                try {
                    JsonNode r = JSON.readTree(value);
                    Resource<GenericKubernetesResource> res = namespaced ? op.inNamespace(o.getMetadata()
                            .getNamespace()).withName(o.getMetadata().getName()) : op.withName(o.getMetadata().getName());
                    into.add(new Change(r.path("run").asText(), r.path("order").asInt(), key, r.path("what").asText(what)
                            + " (" + what + ")", res, r.path("recordedAtServerMs").asLong(0)));
                } catch (Exception e) {
                    unread.add(what + ": annotation " + key + " is not a zerodrop record (" + e.getMessage()
                            + "): left as it is");
                }
            });
        }
    }

    private <T> List<T> list(List<String> unread, String what, Supplier<List<T>> call) {
        try {
            return Reads.read("listing " + what, call);
        } catch (ZerodropException | KubernetesClientException e) {
            unread.add("could not list " + what + (namespace == null ? " in all namespaces" : " in namespace "
                    + namespace) + ": " + e.getMessage() + (namespace == null ? " (give --namespace to look in one)"
                    : ""));
            return List.of();
        }
    }

    private static String where(Lease l) {
        return l.getMetadata().getNamespace() + "/" + l.getMetadata().getName();
    }
}
