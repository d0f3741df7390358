package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Load from inside the cluster: the load generator ({@code io.zerodrop.sims.Generator}) as an Indexed Job of N pods,
 * each sending its share of the rate to the Service's cluster address with the properties the local generator gets;
 * Kubernetes is the distributed engine, no agents. Each pod waits for zerodrop's start and answers its control lines
 * on {@link #CONTROL_PORT}, reached through the API server's pod proxy. The Job — with its pods — is deleted by an
 * undo registered before it is created; should zerodrop die unable to undo, the Job ends itself: its deadline,
 * the generators' own idle timeout, and {@code ttlSecondsAfterFinished} clean it away.
 */
public record LoadJob(String name, String namespace, String image, int generators, String simulationClass,
        Map<String, String> properties, long requestTimeoutMs, long connectTimeoutMs, long hardTimeoutMs,
        String runId) {
    /** The generators' control port (HTTP, {@code GET /control?c=<line>}). */
    public static final int CONTROL_PORT = 8089;
    /** How long a generator waits for zerodrop (start, finish) before it exits by itself. */
    static final int IDLE_TIMEOUT_SECONDS = 300;
    /** How long a finished Job stays before the TTL controller deletes it, should zerodrop not have. */
    static final int TTL_AFTER_FINISHED_SECONDS = 600;
    static final String COMPONENT = "load-generator";

    /** The Service's address inside the cluster. */
    public static String serviceUrl(String service, String namespace, int port) {
        return "http://" + service + "." + namespace + ".svc" + (port == 80 ? "" : ":" + port);
    }

    /** The labels of the Job and its pods. */
    public Map<String, String> labels() {
        return Map.of(Deployer.RUN_LABEL, runId, SettingsUnderTest.MANAGED_BY, "zerodrop",
                "app.kubernetes.io/component", COMPONENT);
    }

    /** Everything the load may take, plus the wait for the pods to start and the slowest collection: the deadline. */
    long activeDeadlineSeconds() {
        return hardTimeoutMs / 1000 + IDLE_TIMEOUT_SECONDS + 120;
    }

    public Job toJob() {
        List<String> command = new ArrayList<>(List.of("java", "-Xms256m", "-Xmx768m",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "-Dgatling.data.enableAnalytics=false",
                "-Dgatling.http.requestTimeout=" + requestTimeoutMs, "-Dgatling.socket.connectTimeout="
                        + connectTimeoutMs, "-Dzerodrop.generator.idleTimeoutSeconds=" + IDLE_TIMEOUT_SECONDS));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-cp", "/app/lib/*", "io.zerodrop.sims.Generator", "--control", "http:" + CONTROL_PORT,
                "--results", "/results", "--simulation", simulationClass));
        return new JobBuilder().withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels())
                .endMetadata().withNewSpec().withCompletionMode("Indexed").withCompletions(generators)
                .withParallelism(generators).withBackoffLimit(0).withActiveDeadlineSeconds(activeDeadlineSeconds())
                .withTtlSecondsAfterFinished(TTL_AFTER_FINISHED_SECONDS).withNewTemplate().withNewMetadata()
                .withLabels(labels()).endMetadata().withNewSpec().withRestartPolicy("Never")
                .withEnableServiceLinks(false).withAutomountServiceAccountToken(false)
                // one generator per node where the cluster has room: their CPU is not shared
                .withNewAffinity().withNewPodAntiAffinity().addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(100).withNewPodAffinityTerm().withTopologyKey("kubernetes.io/hostname")
                .withNewLabelSelector().addToMatchLabels(Deployer.RUN_LABEL, runId).endLabelSelector()
                .endPodAffinityTerm().endPreferredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity()
                .endAffinity()
                // the restricted Pod Security level: non-root, the runtime's default seccomp profile, below no privilege
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(10001L).withNewSeccompProfile()
                .withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .addNewContainer().withName("load").withImage(image).withImagePullPolicy("IfNotPresent")
                .withCommand(command).addNewPort().withName("control").withContainerPort(CONTROL_PORT).endPort()
                .withNewResources().addToRequests("cpu", new Quantity("500m")).addToRequests("memory",
                        new Quantity("1Gi")).addToLimits("memory", new Quantity("1536Mi")).endResources()
                .addNewVolumeMount().withName("results").withMountPath("/results").endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().addToDrop("ALL").endCapabilities().endSecurityContext().endContainer()
                .addNewVolume().withName("results").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().endTemplate().endSpec().build();
    }

    /** Creates the Job; its deletion (with its pods, in the foreground) is registered with {@code undo} first. */
    public void create(KubernetesClient client, Undo undo, Consumer<Undo.Registration> registered) {
        registered.accept(undo.register("delete load Job " + name + " and its " + generators + " pod(s)", () ->
                Reads.repeatable("deleting load Job " + name, () -> client.batch().v1().jobs().inNamespace(namespace)
                        .withName(name).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete())));
        try {
            client.batch().v1().jobs().inNamespace(namespace).resource(toJob()).create();
        } catch (KubernetesClientException e) {
            throw ZerodropException.environment("creating load Job " + name + " in namespace " + namespace
                    + " failed: " + Cluster.reason(e, client));
        }
    }
}
