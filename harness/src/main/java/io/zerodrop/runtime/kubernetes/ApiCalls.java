package io.zerodrop.runtime.kubernetes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Eviction;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every mutating call the Kubernetes runtime makes, one method each, so that the dry run can print them and the
 * tests can check their verbs, paths and bodies. Retries are zerodrop's own (the client's are off): a refusal is
 * always seen.
 */
public final class ApiCalls {
    private final KubernetesClient client;
    private final String namespace;

    public ApiCalls(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /**
     * Runs {@code call} with the client's own retry of 429 and 5xx answers switched off, whatever the client was
     * built with: left on, fabric8 retries an always-429 eviction for about 20 s and returns only the last answer,
     * hiding every refusal before it. The client's other settings (timeouts) are kept.
     */
    private <T> T once(Function<KubernetesClient, T> call) {
        RequestConfig noRetry = new RequestConfigBuilder(
                client.getConfiguration().getRequestConfig()).withRequestRetryBackoffLimit(0).build();
        return client.adapt(NamespacedKubernetesClient.class).withRequestConfig(noRetry)
                .call(c -> call.apply(c));
    }

    /** The full URL of an API path on this cluster, e.g. {@code /api/v1/namespaces/ns/pods/p/eviction}. */
    static String url(KubernetesClient client, String apiPath) {
        return client.getMasterUrl().toString().replaceAll("/$", "") + apiPath;
    }

    /** DELETE the pod with {@code graceSeconds} (null: its own terminationGracePeriodSeconds). */
    public void delete(String pod, Long graceSeconds) {
        try {
            once(c -> {
                var r = c.pods().inNamespace(namespace).withName(pod);
                return (graceSeconds == null ? r : r.withGracePeriod(graceSeconds)).delete();
            });
        } catch (KubernetesClientException e) {
            throw ZerodropException.environment("delete of pod " + pod + " failed: " + Cluster.reason(e, client));
        }
    }

    /**
     * POST a policy/v1 Eviction, keeping the API's Status: a 429 is a budget refusal only when a cause says
     * DisruptionBudget; otherwise it is throttling.
     */
    public Eviction evict(String pod) {
        String path = url(client, "/api/v1/namespaces/" + namespace + "/pods/" + pod + "/eviction");
        String body = Serialization.asJson(new EvictionBuilder().withNewMetadata().withName(pod)
                .withNamespace(namespace).endMetadata().build());
        try {
            once(c -> c.raw(path, "POST", body));
            return Eviction.allowed();
        } catch (KubernetesClientException e) {
            Status st = e.getStatus();
            String message = st != null && st.getMessage() != null ? st.getMessage() : e.getMessage();
            int code = e.getCode();
            if (code == 429) {
                List<StatusCause> causes = st == null || st.getDetails() == null || st.getDetails().getCauses() == null
                        ? List.of() : st.getDetails().getCauses();
                boolean budget = causes.stream().anyMatch(c -> "DisruptionBudget".equals(c.getReason()));
                String detail = causes.stream().map(StatusCause::getMessage).filter(m -> m != null && !m.isBlank())
                        .findFirst().map(m -> message + " (" + m + ")").orElse(message);
                return budget ? Eviction.refused(detail) : Eviction.throttled(detail);
            }
            if (code == 404) {
                return Eviction.notFound(message);
            }
            return Eviction.failed(code, message);
        }
    }

    /** Rollout restart as kubectl does it: merge-patch the template annotation with this host's time. */
    public void rolloutRestart(String deployment) {
        patchDeployment(deployment, "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{"
                + "\"kubectl.kubernetes.io/restartedAt\":\"" + Instant.now() + "\"}}}}}", "rollout restart");
    }

    /** Scale by a merge patch of spec.replicas (needs patch deployments, not the scale subresource). */
    public void scale(String deployment, int replicas) {
        scale(deployment, replicas, null);
    }

    /**
     * The run's first scale of the Deployment: the record that {@code original} replicas are to be set back is
     * written in the same request as the change, its revert registered with {@code undo} before. Returns the undo.
     */
    public Undo.Registration scaleRecorded(String deployment, int original, int replicas, RunRecords records,
            Undo undo) {
        RunRecords.Record r = records.record("scale of Deployment " + deployment, List.of(
                RunRecords.Field.of("/spec/replicas", original)), Map.of());
        Undo.Registration back = undo.register("scale Deployment " + deployment + " back to " + original
                + " replicas", () -> RunRecords.revert(client.genericKubernetesResources("apps/v1", "Deployment")
                        .inNamespace(namespace).withName(deployment), r.key(), "the scale of Deployment " + deployment));
        scale(deployment, replicas, r);
        return back;
    }

    /** Scale, writing {@code record} (when not null) on the Deployment in the same merge patch. */
    private void scale(String deployment, int replicas, RunRecords.Record record) {
        ObjectNode patch = Serialization.jsonMapper().createObjectNode();
        if (record != null) {
            patch.putObject("metadata").putObject("annotations").put(record.key(), record.value());
        }
        patch.putObject("spec").put("replicas", replicas);
        patchDeployment(deployment, patch.toString(), "scale to " + replicas);
    }

    /** How often a cordon refused because the node changed since it was read (a status update) is tried again. */
    static final int CORDON_ATTEMPTS = 5;

    /**
     * Cordons the node unless it already is. The node is read, and spec.unschedulable is patched only if the node is
     * still as read (a JSON Patch that tests its resourceVersion: an administrator who cordons it in between is never
     * overwritten, and then the node is theirs to uncordon); the kubelet's status updates change the resourceVersion
     * too, so a refused test reads the node again, a few times. The undo (uncordon) is registered with {@code undo}
     * before the patch and dropped if the patch changed nothing. Returns the undo when this call cordoned the node,
     * empty when it already was cordoned.
     */
    public Optional<Undo.Registration> cordonUnlessCordoned(String node, Undo undo, RunRecords records) {
        for (int attempt = 1; ; attempt++) {
            Node n = Reads.read("reading node " + node, () -> once(c -> c.nodes().withName(node).get()));
            if (n == null) {
                throw ZerodropException.environment("cordon of node " + node + " failed: there is no such node");
            }
            if (n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable())) {
                return Optional.empty();
            }
            // the cordon and its record in one request: the record says spec.unschedulable was absent (or false)
            RunRecords.Record r = records.record("cordon of node " + node, List.of(RunRecords.Field.of(
                    "/spec/unschedulable", n.getSpec() == null ? null : n.getSpec().getUnschedulable())), Map.of());
            ArrayNode patch = Serialization.jsonMapper().createArrayNode();
            patch.addObject().put("op", "test").put("path", "/metadata/resourceVersion")
                    .put("value", n.getMetadata().getResourceVersion());
            RunRecords.addOps(r, n.getMetadata().getAnnotations()).forEach(patch::add);
            patch.addObject().put("op", "add").put("path", "/spec/unschedulable").put("value", true);
            String ops = patch.toString();
            Undo.Registration uncordon = undo.register("uncordon node " + node, () -> RunRecords.revert(
                    client.genericKubernetesResources("v1", "Node").withName(node), r.key(), "the cordon of node "
                    + node));
            try {
                once(c -> c.nodes().withName(node).patch(PatchContext.of(PatchType.JSON), ops));
                return Optional.of(uncordon);
            } catch (KubernetesClientException e) {
                uncordon.cancel();
                boolean changed = e.getCode() == 409 || e.getCode() == 422;
                if (!changed || attempt >= CORDON_ATTEMPTS) {
                    throw ZerodropException.environment("cordon of node " + node + " failed: " + Cluster.reason(e,
                            client) + (changed ? " (the node kept changing while zerodrop cordoned it: " + attempt
                            + " attempts; it was left as it was)" : ""));
                }
            }
        }
    }

    private void patchDeployment(String name, String patch, String what) {
        try {
            once(c -> c.apps().deployments().inNamespace(namespace).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch));
        } catch (KubernetesClientException e) {
            throw ZerodropException.environment(what + " of Deployment " + name + " failed: " + Cluster.reason(e, client));
        }
    }
}
