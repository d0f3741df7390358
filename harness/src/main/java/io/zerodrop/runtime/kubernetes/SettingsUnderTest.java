package io.zerodrop.runtime.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.zerodrop.core.Durations;
import io.zerodrop.core.Sleep;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.scenario.Scenario.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scenario's settings applied to the live workload for the run, and put back afterwards. For each object it
 * changes, the revert — the same fields set back to the values read just before — is registered with {@link Undo}
 * before the change is sent, so it runs on success, failure, SIGINT and SIGTERM. The Deployment's change is a JSON
 * Patch touching only the fields the settings name, guarded by a test of the resourceVersion it was computed from
 * (a concurrent change is refused rather than overwritten); a budget's is a merge patch of its two numbers. A PodDisruptionBudget the workload lacks is created for the run and deleted afterwards.
 *
 * <p>After the change the run waits until the Deployment's controller reports the rollout complete (and a new or
 * changed budget has been processed by its controller), so that what is measured is the settings under test and
 * not the rollout they caused.
 */
public final class SettingsUnderTest {
    /** Label on objects zerodrop created for a run. */
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    private static final ObjectMapper JSON = Serialization.jsonMapper();

    private final KubernetesClient client;
    private final String namespace;
    private final boolean nativeSleep;
    private final Supplier<RunRecords> records;
    /** The budget part of the settings. */
    private final BudgetUnderTest budget;

    /**
     * {@code nativeSleep}: the API server (≥ 1.30) has the preStop {@code sleep} action; else {@code exec sleep}.
     * {@code records}: where each change is recorded in the cluster as it is made (null: planning only).
     */
    public SettingsUnderTest(KubernetesClient client, String namespace, boolean nativeSleep,
            Supplier<RunRecords> records) {
        this.client = client;
        this.namespace = namespace;
        this.nativeSleep = nativeSleep;
        this.records = records;
        this.budget = new BudgetUnderTest(client, namespace, records, this);
    }

    /**
     * Whether the native preStop {@code sleep} action can be used: the API server must accept it (1.30 and later) and
     * every node's kubelet must run it (its {@code kubeletVersion}, e.g. {@code v1.30.2+k3s1}) — nodes may lag the
     * control plane by several minor versions, and a kubelet without the action would not sleep at all. No node
     * known (none listed, or listing them was not allowed): {@code exec sleep N}, which every kubelet runs.
     */
    public static boolean nativeSleep(String apiMajor, String apiMinor, List<String> kubeletVersions) {
        if (!hasNativeSleep(apiMajor, apiMinor) || kubeletVersions.isEmpty()) {
            return false;
        }
        for (String v : kubeletVersions) {
            Matcher m = KUBELET_VERSION.matcher(v == null ? "" : v);
            if (!m.find() || !hasNativeSleep(m.group(1), m.group(2))) {
                return false;
            }
        }
        return true;
    }

    private static final Pattern KUBELET_VERSION = Pattern.compile("^v?(\\d+)\\.(\\d+)");

    /** Whether the server's version has the native preStop sleep action (Kubernetes 1.30 and later). */
    public static boolean hasNativeSleep(String major, String minor) {
        try {
            int ma = Integer.parseInt(major.replaceAll("\\D", ""));
            int mi = Integer.parseInt(minor.replaceAll("\\D", ""));
            return ma > 1 || (ma == 1 && mi >= 30);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * One change: the object, the patch that applies it (with its record, when recorded) or, when {@code created},
     * the object the run creates (its undo deletes it), and the record's key (empty when not recorded or created).
     */
    public record Change(String object, String apply, String revert, boolean created) {
        /** A change of an object that exists. */
        public Change(String object, String apply, String revert) {
            this(object, apply, revert, false);
        }
    }

    /** What {@link #apply} would send, for the dry run: one line per call, bodies included; nothing is changed. */
    public List<String> plan(ClusterTarget t, Settings s) {
        List<String> out = new ArrayList<>();
        if (s.touchesDeployment()) {
            Change c = deploymentChange(client.apps().deployments().inNamespace(namespace).withName(t.name()).get(), s);
            out.add("PATCH /apis/apps/v1/namespaces/" + namespace + "/deployments/" + t.name() + " (JSON patch) "
                    + c.apply() + ", with the annotation " + RunRecords.ANNOTATION_PREFIX + "<run id>-<n> recording the"
                    + " fields as they are now; then wait for the rollout to complete. The revert (those fields set"
                    + " back, the annotation removed) is registered first and sent at the end");
        }
        if (s.touchesBudget()) {
            Change c = budget.change(t, s);
            String path = "/apis/policy/v1/namespaces/" + namespace + "/poddisruptionbudgets";
            out.add(c.created() ? "POST " + path + " " + c.apply() + "; DELETE " + path + "/" + t.name()
                    + "-zerodrop registered first, sent at the end"
                    : "PATCH " + path + "/" + t.budgets().get(0) + " (merge) " + c.apply() + ", with the annotation "
                    + RunRecords.ANNOTATION_PREFIX + "<run id>-<n> recording the two numbers as they are now; revert"
                    + " registered first");
        }
        return out;
    }

    /**
     * The Deployment change as a JSON Patch (RFC 6902), computed from the object as it is now: a {@code test} of its
     * resourceVersion first (a concurrent change makes the server refuse the whole patch), then one operation per
     * field the settings name; the container list is replaced whole with only the first container changed; and,
     * when recording, the annotation that records the fields as they were ({@link #touched}) — the change and its
     * record in one request. Refuses what cannot be applied.
     */
    Change deploymentChange(Deployment d, Settings s) {
        String name = "Deployment " + d.getMetadata().getName();
        List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        Container first = containers.get(0);
        if (s.touchesReadiness() && first.getReadinessProbe() == null && (first.getPorts() == null
                || first.getPorts().isEmpty())) {
            throw ZerodropException.usage("settings: readinessProbe timings were given, but container "
                    + first.getName() + " of " + name + " has no readinessProbe to change and declares no port to"
                    + " check with a new one");
        }
        if ((s.maxSurge() != null || s.maxUnavailable() != null) && d.getSpec().getStrategy() != null
                && "Recreate".equals(d.getSpec().getStrategy().getType())) {
            throw ZerodropException.usage("settings: rollingUpdate was given, but " + name + " uses the Recreate"
                    + " strategy");
        }
        ArrayNode ops = JSON.createArrayNode();
        ops.addObject().put("op", "test").put("path", "/metadata/resourceVersion")
                .put("value", d.getMetadata().getResourceVersion());
        if (s.replicas() != null) {
            ops.addObject().put("op", "add").put("path", "/spec/replicas").put("value", s.replicas());
        }
        if (s.maxSurge() != null || s.maxUnavailable() != null) {
            var ru = d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
            ObjectNode strategy = JSON.createObjectNode().put("type", "RollingUpdate");
            ObjectNode rolling = strategy.putObject("rollingUpdate");
            JsonNode surge = s.maxSurge() != null ? intOrPercent(s.maxSurge())
                    : ru == null ? null : JSON.valueToTree(ru.getMaxSurge());
            JsonNode unavailable = s.maxUnavailable() != null ? intOrPercent(s.maxUnavailable())
                    : ru == null ? null : JSON.valueToTree(ru.getMaxUnavailable());
            if (surge != null && !surge.isNull()) {
                rolling.set("maxSurge", surge);
            }
            if (unavailable != null && !unavailable.isNull()) {
                rolling.set("maxUnavailable", unavailable);
            }
            ops.addObject().put("op", "add").put("path", "/spec/strategy").set("value", strategy);
        }
        if (s.terminationGracePeriodSeconds() != null) {
            ops.addObject().put("op", "add").put("path", "/spec/template/spec/terminationGracePeriodSeconds")
                    .put("value", s.terminationGracePeriodSeconds());
        }
        if (touchesContainer(s)) {
            ArrayNode list = JSON.createArrayNode();
            for (int i = 0; i < containers.size(); i++) {
                ObjectNode original = JSON.valueToTree(containers.get(i));
                list.add(i == 0 ? changed(original, s) : original);
            }
            ops.addObject().put("op", "replace").put("path", "/spec/template/spec/containers").set("value", list);
        }
        String key = "";
        if (records != null) {
            RunRecords.Record r = records.get().record("settings under test on " + name, touched(d, s),
                    touchesContainer(s) ? Map.of("/spec/template/spec/containers/0/name", first.getName()) : Map.of());
            RunRecords.addOps(r, d.getMetadata().getAnnotations()).forEach(ops::add);
            key = r.key();
        }
        return new Change(name, ops.toString(), key);
    }

    /** The fields the settings change, as they are in {@code d} (absent: null). */
    static List<RunRecords.Field> touched(Deployment d, Settings s) {
        List<RunRecords.Field> out = new ArrayList<>();
        if (s.replicas() != null) {
            out.add(RunRecords.Field.of("/spec/replicas", d.getSpec().getReplicas()));
        }
        if (s.maxSurge() != null || s.maxUnavailable() != null) {
            out.add(RunRecords.Field.of("/spec/strategy", d.getSpec().getStrategy()));
        }
        if (s.terminationGracePeriodSeconds() != null) {
            out.add(RunRecords.Field.of("/spec/template/spec/terminationGracePeriodSeconds", d.getSpec().getTemplate()
                    .getSpec().getTerminationGracePeriodSeconds()));
        }
        Container first = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        if (s.preStopSleepSeconds() != null) {
            out.add(RunRecords.Field.of("/spec/template/spec/containers/0/lifecycle", first.getLifecycle()));
        }
        if (!s.env().isEmpty()) {
            out.add(RunRecords.Field.of("/spec/template/spec/containers/0/env", first.getEnv() == null
                    || first.getEnv().isEmpty() ? null : first.getEnv()));
        }
        if (s.touchesReadiness()) {
            out.add(RunRecords.Field.of("/spec/template/spec/containers/0/readinessProbe", first.getReadinessProbe()));
        }
        return out;
    }

    private static boolean touchesContainer(Settings s) {
        return s.preStopSleepSeconds() != null || !s.env().isEmpty() || s.touchesReadiness();
    }

    private ObjectNode changed(ObjectNode container, Settings s) {
        ObjectNode c = container.deepCopy();
        if (s.preStopSleepSeconds() != null) {
            ObjectNode lifecycle = c.has("lifecycle") ? (ObjectNode) c.get("lifecycle") : c.putObject("lifecycle");
            if (s.preStopSleepSeconds() == 0) {
                lifecycle.remove("preStop");
                if (lifecycle.isEmpty()) {
                    c.remove("lifecycle");
                }
            } else if (nativeSleep) {
                lifecycle.putObject("preStop").putObject("sleep").put("seconds", s.preStopSleepSeconds());
            } else {
                lifecycle.putObject("preStop").putObject("exec").putArray("command").add("sleep")
                        .add(String.valueOf(s.preStopSleepSeconds()));
            }
        }
        if (!s.env().isEmpty()) {
            ArrayNode env = c.has("env") ? (ArrayNode) c.get("env") : c.putArray("env");
            s.env().forEach((k, v) -> {
                for (int i = env.size() - 1; i >= 0; i--) {
                    if (k.equals(env.get(i).path("name").asText())) {
                        env.remove(i);
                    }
                }
                env.addObject().put("name", k).put("value", v);
            });
        }
        if (s.touchesReadiness()) {
            if (!c.has("readinessProbe")) {
                // as on the local runtime: readiness settings on a container without a probe add the minimal one, a
                // TCP check of its first declared port
                c.putObject("readinessProbe").putObject("tcpSocket").set("port", c.get("ports").get(0)
                        .get("containerPort"));
            }
            ObjectNode probe = (ObjectNode) c.get("readinessProbe");
            if (s.readinessPeriodSeconds() != null) {
                probe.put("periodSeconds", s.readinessPeriodSeconds());
            }
            if (s.readinessFailureThreshold() != null) {
                probe.put("failureThreshold", s.readinessFailureThreshold());
            }
            if (s.readinessInitialDelaySeconds() != null) {
                probe.put("initialDelaySeconds", s.readinessInitialDelaySeconds());
            }
        }
        return c;
    }

    static JsonNode intOrPercent(String v) {
        return v.endsWith("%") ? JsonNodeFactory.instance.textNode(v)
                : JsonNodeFactory.instance.numberNode(Integer.parseInt(v));
    }

    /**
     * Applies the settings to the workload: registers each revert, then sends the change; waits (up to
     * {@code timeoutMs}) for the rollout and the budget to settle. Returns the lines for the report header.
     */
    public List<String> apply(ClusterTarget t, Settings s, Undo undo, Consumer<Undo.Registration>
            registered, long timeoutMs) {
        if (!t.deployment()) {
            throw ZerodropException.usage("settings under test on a cluster are applied to Deployments; the target is "
                    + t.kind() + " " + t.name());
        }
        List<String> applied = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        String inTime = "within the " + Durations.describe(Math.max(1, timeoutMs / 1000) * 1000) + " left of the start"
                + " budget " + Runtime.START_BUDGET_HINT;
        var deployment = client.apps().deployments().inNamespace(namespace).withName(t.name());
        if (s.touchesDeployment()) {
            // the values the revert restores: those of the object the change that went through was computed from
            AtomicReference<Deployment> before = new AtomicReference<>(deployment.get());
            Change first = deploymentChange(before.get(), s);
            AtomicReference<String> recorded = new AtomicReference<>(first.revert());
            registered.accept(undo.register("revert the settings under test on " + first.object(), () -> {
                if (RunRecords.revert(client.genericKubernetesResources("apps/v1", "Deployment").inNamespace(namespace)
                        .withName(t.name()), recorded.get(), "the settings under test on " + first.object())) {
                    awaitRollout(t.name(), System.currentTimeMillis() + timeoutMs, "the revert",
                            "within " + Durations.describe(timeoutMs / 1000 * 1000));
                }
            }));
            Change c = applyGuarded(deployment, first, before, s);
            recorded.set(c.revert());
            applied.add(c.object() + ": " + String.join(", ", s.describe().stream()
                    .filter(x -> !x.startsWith("PodDisruptionBudget")).toList()) + " (JSON patch " + c.apply() + ")");
        }
        if (s.touchesBudget()) {
            applied.add(budget.apply(t, s, undo, registered, deadline, inTime));
        }
        if (s.touchesDeployment()) {
            awaitRollout(t.name(), deadline, "the settings under test", inTime);
        }
        return applied;
    }

    /** How often a change refused because the object changed meanwhile (its status, typically) is computed again. */
    static final int CONFLICT_RETRIES = 5;

    /**
     * Sends the change; when the API server refuses it because the Deployment changed since it was read (a status
     * update by its controller changes the resourceVersion too), reads it again and recomputes, a few times.
     */
    private Change applyGuarded(Resource<Deployment> deployment, Change c,
            AtomicReference<Deployment> before, Settings s) {
        for (int attempt = 1; ; attempt++) {
            try {
                deployment.patch(PatchContext.of(PatchType.JSON), c.apply());
                return c;
            } catch (KubernetesClientException e) {
                refuseInvalid(e, c.object());
                boolean conflict = e.getCode() == 409 || e.getCode() == 422;
                if (!conflict || attempt >= CONFLICT_RETRIES) {
                    throw ZerodropException.environment("settings under test on " + c.object() + " failed: "
                            + Cluster.reason(e, client) + (conflict ? " (the object kept changing while zerodrop applied the"
                            + " settings: " + attempt + " attempts; nothing was changed; run again)" : ""));
                }
                before.set(deployment.get());
                c = deploymentChange(before.get(), s);
            }
        }
    }

    /**
     * A change the API server refused as invalid (a 422 naming fields: the settings do not fit this workload, e.g. a
     * native sleep longer than the grace period, or maxSurge and maxUnavailable both 0) is an input error naming the
     * fields in the server's words — not a conflict to retry. Nothing was changed by the refused call.
     */
    static void refuseInvalid(KubernetesClientException e, String object) {
        List<String> fields = Cluster.invalidFields(e);
        if (!fields.isEmpty()) {
            throw ZerodropException.usage("settings under test on " + object + " refused by the API server as invalid: "
                    + String.join("; ", fields) + " (change the scenario's settings; this change was not applied)");
        }
    }

    void patch(Resource<?> r, String body, String what) {
        try {
            r.patch(PatchContext.of(PatchType.JSON_MERGE), body);
        } catch (KubernetesClientException e) {
            throw ZerodropException.environment(what + " failed: " + Cluster.reason(e, client) + (e.getCode() == 409
                    ? " (the object changed while zerodrop applied the settings: nothing was changed; run again)"
                    : ""), e);
        }
    }

    private void awaitRollout(String name, long deadline, String what, String inTime) {
        while (true) {
            Deployment d = Reads.read("reading Deployment " + name, () -> client.apps().deployments()
                    .inNamespace(namespace).withName(name).get());
            if (d != null && DeploymentWatch.rolloutComplete(d)) {
                return;
            }
            if (System.currentTimeMillis() > deadline || !Sleep.forMs(500)) {
                throw ZerodropException.environment("the rollout of " + what + " on Deployment " + name + " did not"
                        + " complete " + inTime + (d == null || d.getStatus() == null ? "" : ": " + d.getStatus()
                        .getUpdatedReplicas() + " updated, " + d.getStatus().getAvailableReplicas() + " available of "
                        + d.getSpec().getReplicas() + " (kubectl -n " + namespace + " rollout status deployment/" + name
                        + " tells what is still pending)"));
            }
        }
    }

}
