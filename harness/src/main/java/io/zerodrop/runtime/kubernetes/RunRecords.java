package io.zerodrop.runtime.kubernetes;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.zerodrop.core.Sleep;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What a run changes in a cluster, written into the cluster before each change, so that a run killed outright (a CI
 * job's timeout sends SIGKILL: no undo runs) can be put right later from any machine.
 *
 * <ul>
 *   <li>A <b>Lease</b> {@code zerodrop-run-<run id>} in the run's namespace, renewed while the run lives. Its
 *   {@code renewTime} is this host's clock corrected by the offset measured against the API server, so that whoever
 *   judges it later compares it with the server's clock, not with their own.</li>
 *   <li>On every object the run <em>changes</em>, an annotation {@code zerodrop.io/undo-<run id>-<n>}, written in the
 *   same request as the change (one request: both or neither): the run, its Lease, the order, and the changed fields
 *   with the values to set back (or that they were absent), plus tests that must still hold (the container's
 *   name).</li>
 *   <li>On every object the run <em>creates</em> (a budget, the load Job, a {@code --deploy} namespace), the label
 *   {@code zerodrop.io/run=<run id>}.</li>
 * </ul>
 *
 * The run's own undo of a change is the same revert its record describes ({@link #revert}), so there is one way
 * back whether the run ends normally or {@code zerodrop cleanup} finds it abandoned ({@link ClusterLeftovers}).
 */
public final class RunRecords implements AutoCloseable {
    /** Annotation keys of change records: this prefix, the run id, the change's order. */
    public static final String ANNOTATION_PREFIX = "zerodrop.io/undo-";
    public static final String LEASE_PREFIX = "zerodrop-run-";
    /**
     * How long a Lease holds without renewal; cleanup waits three times this past the last renewal before it calls
     * a run abandoned (the run renews every {@link #RENEW_SECONDS}: a live run would have missed eleven renewals).
     */
    static final int LEASE_SECONDS = Integer.getInteger("zerodrop.leaseSeconds", 60);
    static final int RENEW_SECONDS = Math.max(1, LEASE_SECONDS / 4);
    private static final ObjectMapper JSON = Serialization.jsonMapper();
    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** One field as it was before the change: its value, or absent (then the revert removes it). */
    public record Field(String path, JsonNode value) {
        public static Field of(String path, Object before) {
            return new Field(path, before == null ? null : JSON.valueToTree(before));
        }
    }

    /** A change's record: the annotation's key and value. */
    public record Record(String key, String value) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String runId;
    private final LongSupplier serverNow;
    private final AtomicInteger order = new AtomicInteger();
    private ScheduledExecutorService renewer;
    private volatile String renewTrouble;

    private RunRecords(KubernetesClient client, String namespace, String runId, LongSupplier serverNow) {
        this.client = client;
        this.namespace = namespace;
        this.runId = runId;
        this.serverNow = serverNow;
    }

    /**
     * Creates the run's Lease (its deletion registered first, so it runs after every other undo of the run) and
     * starts renewing it. {@code serverNow}: this host's clock corrected by the measured API server offset.
     */
    public static RunRecords open(KubernetesClient client, String namespace, String runId, LongSupplier serverNow,
            Undo undo) {
        RunRecords r = new RunRecords(client, namespace, runId, serverNow);
        undo.register("delete Lease " + r.leaseName() + " (the run's record of being alive)", r::close);
        ZonedDateTime now = Instant.ofEpochMilli(serverNow.getAsLong()).atZone(ZoneOffset.UTC);
        Lease lease = new LeaseBuilder().withNewMetadata().withName(r.leaseName()).withNamespace(namespace)
                .withLabels(Map.of(SettingsUnderTest.MANAGED_BY, "zerodrop", Deployer.RUN_LABEL, runId))
                .withAnnotations(Map.of("zerodrop.io/holder", holder(), "zerodrop.io/clock", "renewTime is the"
                        + " zerodrop host's clock corrected by the offset it measured against this API server"))
                .endMetadata().withNewSpec().withHolderIdentity("zerodrop " + runId).withLeaseDurationSeconds(
                        LEASE_SECONDS).withAcquireTime(now).withRenewTime(now)
                .endSpec().build();
        try {
            client.leases().inNamespace(namespace).resource(lease).create();
        } catch (KubernetesClientException e) {
            throw ZerodropException.environment("creating Lease " + r.leaseName() + " in namespace " + namespace
                    + " (the run's record that it is alive, so that what it changes can be put back should it be"
                    + " killed) failed: " + Cluster.reason(e, client));
        }
        r.renewer = Executors.newSingleThreadScheduledExecutor(t -> {
            Thread th = new Thread(t, "zerodrop-lease");
            th.setDaemon(true);
            return th;
        });
        r.renewer.scheduleWithFixedDelay(r::renew, RENEW_SECONDS, RENEW_SECONDS, TimeUnit.SECONDS);
        return r;
    }

    /**
     * What the dry run says of the records a run that changes something writes first: the Lease's creation, its
     * renewal and deletion, and the record each change carries.
     */
    static List<String> dryRun(String namespace) {
        return List.of("POST /apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases (Lease " + LEASE_PREFIX
                + "<run id>: the run is alive) before the first change below; PATCH every " + RENEW_SECONDS + " s"
                + " while it runs; its DELETE registered first, so it runs last",
                "each change below carries its record in the same request (annotation " + ANNOTATION_PREFIX
                        + "<run id>-<n>: the fields to set back); what the run creates is labelled " + Deployer.RUN_LABEL
                        + "=<run id>: should the run be killed, zerodrop cleanup --runtime kubernetes puts it back once"
                        + " the Lease has expired");
    }

    private static String holder() {
        return ManagementFactory.getRuntimeMXBean().getName(); // pid@host
    }

    public String runId() {
        return runId;
    }

    public String leaseName() {
        return leaseName(runId);
    }

    static String leaseName(String runId) {
        return LEASE_PREFIX + runId.toLowerCase(Locale.ROOT);
    }

    /** Why renewing the Lease last failed, or null (for the report). */
    public String renewTrouble() {
        return renewTrouble;
    }

    private void renew() {
        try {
            client.leases().inNamespace(namespace).withName(leaseName()).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"renewTime\":\"" + MICRO.format(Instant.ofEpochMilli(serverNow.getAsLong())) + "\"}}");
            renewTrouble = null;
        } catch (RuntimeException e) {
            renewTrouble = e.getMessage();
        }
    }

    /** Labels for an object the run creates. */
    public Map<String, String> createdLabels() {
        return Map.of(Deployer.RUN_LABEL, runId, SettingsUnderTest.MANAGED_BY, "zerodrop");
    }

    /** The record of a change about to be made: {@code before} holds every field it changes, as it is now. */
    public Record record(String what, List<Field> before, Map<String, String> tests) {
        int n = order.incrementAndGet();
        ObjectNode v = JSON.createObjectNode();
        v.put("run", runId).put("lease", namespace + "/" + leaseName()).put("order", n).put("what", what)
                .put("recordedAtServerMs", serverNow.getAsLong());
        ArrayNode restore = v.putArray("restore");
        for (Field f : before) {
            ObjectNode o = restore.addObject().put("path", f.path());
            if (f.value() == null || f.value().isNull()) {
                o.put("absent", true);
            } else {
                o.set("value", f.value());
            }
        }
        ObjectNode test = v.putObject("test");
        tests.forEach(test::put);
        return new Record(ANNOTATION_PREFIX + runId.toLowerCase(Locale.ROOT) + "-" + n, v.toString());
    }

    /**
     * JSON Patch operations that add the record to an object whose annotations are as {@code annotations} (null:
     * none yet). Send them in the same patch as the change, after a {@code test} of the resourceVersion.
     */
    public static List<ObjectNode> addOps(Record r, Map<String, String> annotations) {
        List<ObjectNode> ops = new ArrayList<>();
        if (annotations == null) {
            ops.add(JSON.createObjectNode().put("op", "add").put("path", "/metadata/annotations")
                    .set("value", JSON.createObjectNode()));
        }
        ops.add(JSON.createObjectNode().put("op", "add").put("path", "/metadata/annotations/" + escape(r.key()))
                .put("value", r.value()));
        return ops;
    }

    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /**
     * Puts back what the record {@code key} on the object says, in one JSON Patch that also removes the record: each
     * field set to its value before (or removed, when it was absent), guarded by the record's tests (a patch that no
     * longer fits the object, e.g. a field removed meanwhile, is read again and recomputed, a few times). Fields the
     * record does not name are left as they are now — what somebody else changed meanwhile stays. Nothing to do when
     * the record is gone.
     * A patch that met no answer or a busy server (timeout, 429, 5xx) is tried again from a fresh read, as reads
     * are: it may have landed, and then the record is gone. Returns whether the record was found and reverted.
     */
    public static boolean revert(Resource<GenericKubernetesResource> object, String key, String what) {
        boolean sent = false; // a patch went out whose answer was lost: it may have landed
        Reads.Backoff backoff = new Reads.Backoff();
        for (int changedAttempt = 1, transientAttempt = 1; ; ) {
            GenericKubernetesResource now = Reads.read("reading " + what + " for its revert", object::get);
            if (now == null || now.getMetadata().getAnnotations() == null
                    || !now.getMetadata().getAnnotations().containsKey(key)) {
                return sent;
            }
            String ops = revertOps(JSON.valueToTree(now), key).toString();
            try {
                object.patch(PatchContext.of(PatchType.JSON), ops);
                return true;
            } catch (KubernetesClientException e) {
                if (Reads.transientAnswer(e) && transientAttempt++ < Reads.ATTEMPTS) {
                    sent |= e.getCode() <= 0;
                    backoff.pause(e);
                    continue;
                }
                boolean changed = e.getCode() == 409 || e.getCode() == 422;
                if (!changed || changedAttempt++ >= SettingsUnderTest.CONFLICT_RETRIES) {
                    throw ZerodropException.environment("the revert of " + what + " failed: " + Cluster.reason(e)
                            + " (patch " + ops + ")");
                }
                Sleep.forMs(200L * (changedAttempt - 1)); // changed between read and patch: read it again
            }
        }
    }

    /** The JSON Patch that reverts record {@code key} on {@code object} as it is now, and removes the record. */
    static ArrayNode revertOps(JsonNode object, String key) {
        JsonNode record;
        try {
            record = JSON.readTree(object.path("metadata").path("annotations").path(key).asText());
        } catch (Exception e) {
            throw ZerodropException.environment("the record " + key + " on " + object.path("kind").asText() + " "
                    + object.path("metadata").path("name").asText() + " is not readable JSON: " + e.getMessage());
        }
        // no test of the resourceVersion: the object's controller writes its status all the time, and the revert
        // touches only the recorded fields, whatever else changed meanwhile
        ArrayNode ops = JSON.createArrayNode();
        record.path("test").fields().forEachRemaining(t -> ops.addObject().put("op", "test").put("path", t.getKey())
                .set("value", t.getValue()));
        for (JsonNode f : record.path("restore")) {
            String path = f.path("path").asText();
            if (f.path("absent").asBoolean()) {
                if (!object.at(JsonPointer.compile(path)).isMissingNode()) {
                    ops.addObject().put("op", "remove").put("path", path);
                }
            } else {
                ops.addObject().put("op", "add").put("path", path).set("value", f.get("value"));
            }
        }
        ops.addObject().put("op", "remove").put("path", "/metadata/annotations/" + escape(key));
        return ops;
    }

    /** Stops renewing and deletes the Lease: the run's last undo. */
    @Override
    public void close() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
        Reads.repeatable("deleting Lease " + leaseName(), () -> client.leases().inNamespace(namespace)
                .withName(leaseName()).delete());
    }

    /** For tests: stop renewing without deleting anything, as a killed run would. */
    void abandon() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
    }
}
