package io.zerodrop.runtime.kubernetes;

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
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Eviction;
import java.time.Instant;
import java.util.List;
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
        patchDeployment(deployment, "{\"spec\":{\"replicas\":" + replicas + "}}", "scale to " + replicas);
    }

    /** Cordon or uncordon: merge-patch spec.unschedulable (there is no other API for it). */
    public void cordon(String node, boolean unschedulable) {
        try {
            once(c -> c.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"unschedulable\":" + unschedulable + "}}"));
        } catch (KubernetesClientException e) {
            throw ZerodropException.environment((unschedulable ? "cordon" : "uncordon") + " of node " + node
                    + " failed: " + Cluster.reason(e, client));
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
