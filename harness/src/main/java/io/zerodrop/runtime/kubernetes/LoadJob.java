package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Load from inside the cluster (issue 11, first part): the simulation as an Indexed Job whose N pods each send
 * rate/N to the Service's cluster DNS name, with the same simulation properties the local load generator gets.
 * Kubernetes is the distributed engine: no agents. The Job — and with it its pods — is deleted by an undo
 * registered before it is created. Collecting the generators' logs and measuring their clocks come next.
 */
public record LoadJob(String name, String namespace, String image, int generators, String simulationClass,
        Map<String, String> properties, double rate, String runId) {

    /** The Service's address inside the cluster. */
    public static String serviceUrl(String service, String namespace, int port) {
        return "http://" + service + "." + namespace + ".svc" + (port == 80 ? "" : ":" + port);
    }

    /** The rate each generator sends. */
    public double ratePerGenerator() {
        return rate / generators;
    }

    public Job toJob() {
        Map<String, String> labels = Map.of(Deployer.RUN_LABEL, runId, SettingsUnderTest.MANAGED_BY, "zerodrop",
                "app.kubernetes.io/component", "load-generator");
        Map<String, String> props = new LinkedHashMap<>(properties);
        props.put("zerodrop.rate", String.format(Locale.ROOT, "%.3f", ratePerGenerator()));
        props.remove("zerodrop.requestLog");
        props.put("zerodrop.requestLog", "/results/requests.client.log");
        List<String> command = new ArrayList<>(List.of("java", "-Xms256m", "-Xmx768m",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "-Dgatling.data.enableAnalytics=false"));
        props.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-cp", "/app/lib/*", "io.gatling.app.Gatling", "--simulation", simulationClass,
                "--results-folder", "/results"));
        return new JobBuilder().withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
                .endMetadata().withNewSpec().withCompletionMode("Indexed").withCompletions(generators)
                .withParallelism(generators).withBackoffLimit(0).withNewTemplate().withNewMetadata()
                .withLabels(labels).endMetadata().withNewSpec().withRestartPolicy("Never").withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(10001L).endSecurityContext().addNewContainer().withName("load")
                .withImage(image).withImagePullPolicy("IfNotPresent").withCommand(command).withNewResources()
                .addToRequests("cpu", new Quantity("1")).addToRequests("memory", new Quantity("1Gi"))
                .addToLimits("memory", new Quantity("1536Mi")).endResources().addNewVolumeMount().withName("results")
                .withMountPath("/results").endVolumeMount().withNewSecurityContext()
                .withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true).withNewCapabilities()
                .addToDrop("ALL").endCapabilities().endSecurityContext().endContainer().addNewVolume()
                .withName("results").withNewEmptyDir().endEmptyDir().endVolume().endSpec().endTemplate().endSpec()
                .build();
    }

    /** Creates the Job; its deletion (with its pods, in the foreground) is registered with {@code undo} first. */
    public void create(KubernetesClient client, Undo undo, java.util.function.Consumer<Undo.Registration> registered) {
        registered.accept(undo.register("delete load Job " + name + " and its " + generators + " pod(s)", () ->
                client.batch().v1().jobs().inNamespace(namespace).withName(name)
                        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.FOREGROUND)
                        .delete()));
        try {
            client.batch().v1().jobs().inNamespace(namespace).resource(toJob()).create();
        } catch (KubernetesClientException e) {
            throw ZerodropException.environment("creating load Job " + name + " in namespace " + namespace
                    + " failed: " + Cluster.reason(e));
        }
    }
}
