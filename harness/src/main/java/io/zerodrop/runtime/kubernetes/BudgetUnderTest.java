package io.zerodrop.runtime.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.zerodrop.core.Sleep;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.scenario.Scenario.Settings;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The PodDisruptionBudget part of the settings under test: the budget that selects the pods patched (minAvailable
 * or maxUnavailable, the other cleared), or a budget of the run's own created when none does; each revert
 * registered and recorded before the change; in force only once its controller has processed it.
 */
final class BudgetUnderTest {
    private static final ObjectMapper JSON = Serialization.jsonMapper();

    private final KubernetesClient client;
    private final String namespace;
    private final Supplier<RunRecords> records;
    private final SettingsUnderTest settings;

    BudgetUnderTest(KubernetesClient client, String namespace, Supplier<RunRecords> records,
            SettingsUnderTest settings) {
        this.client = client;
        this.namespace = namespace;
        this.records = records;
        this.settings = settings;
    }

    /**
     * The budget change: a merge patch of the budget that selects the pods, or, when none does, a new budget
     * {@code <workload>-zerodrop} selecting them (revert: delete it).
     */
    SettingsUnderTest.Change change(ClusterTarget t, Settings s) {
        ObjectNode apply = JSON.createObjectNode();
        ObjectNode spec = apply.putObject("spec");
        // minAvailable and maxUnavailable exclude each other: setting one clears the other
        spec.set("minAvailable", s.pdbMinAvailable() == null ? null : SettingsUnderTest.intOrPercent(s.pdbMinAvailable()));
        spec.set("maxUnavailable", s.pdbMaxUnavailable() == null ? null : SettingsUnderTest.intOrPercent(s.pdbMaxUnavailable()));
        if (t.budgets().isEmpty()) {
            PodDisruptionBudget created = new PodDisruptionBudgetBuilder().withNewMetadata()
                    .withName(t.name() + "-zerodrop").withNamespace(namespace)
                    .withLabels(records == null ? Map.of(SettingsUnderTest.MANAGED_BY, "zerodrop") : records.get().createdLabels())
                    .endMetadata()
                    .withNewSpec().withNewSelector()
                    .withMatchLabels(t.selector()).endSelector().endSpec().build();
            ObjectNode body = JSON.valueToTree(created);
            ((ObjectNode) body.get("spec")).setAll((ObjectNode) spec);
            return new SettingsUnderTest.Change("PodDisruptionBudget " + t.name() + "-zerodrop (created for the run)", body.toString(),
                    "", true);
        }
        String name = t.budgets().get(0);
        PodDisruptionBudget b = client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(name).get();
        String key = "";
        if (records != null) {
            RunRecords.Record r = records.get().record("settings under test on PodDisruptionBudget " + name, List.of(
                    RunRecords.Field.of("/spec/minAvailable", b.getSpec().getMinAvailable()),
                    RunRecords.Field.of("/spec/maxUnavailable", b.getSpec().getMaxUnavailable())), Map.of());
            apply.putObject("metadata").putObject("annotations").put(r.key(), r.value());
            key = r.key();
        }
        return new SettingsUnderTest.Change("PodDisruptionBudget " + name, apply.toString(), key);
    }

    /**
     * The budget part of the settings under test: a budget of zerodrop's own created (its undo deletes it) or the
     * target's patched (its undo reverts it), each undo registered before the change; waits until the budget's
     * status has caught up. Returns the line for the report header.
     */
    String apply(ClusterTarget t, Settings s, Undo undo, Consumer<Undo.Registration> registered,
            long deadline, String inTime) {
        SettingsUnderTest.Change c = change(t, s);
        var budgets = client.policy().v1().podDisruptionBudget().inNamespace(namespace);
        if (c.created()) {
            String name = t.name() + "-zerodrop";
            registered.accept(undo.register("delete " + c.object(), () -> Reads.repeatable("deleting "
                    + c.object(), () -> budgets.withName(name).delete())));
            try {
                budgets.resource(Serialization.unmarshal(c.apply(), PodDisruptionBudget.class)).create();
            } catch (KubernetesClientException e) {
                throw ZerodropException.environment("creating " + c.object() + " failed: " + Cluster.reason(e, client));
            }
            await(name, deadline, inTime);
        } else {
            String name = t.budgets().get(0);
            registered.accept(undo.register("revert the settings under test on " + c.object(),
                    () -> RunRecords.revert(client.genericKubernetesResources("policy/v1", "PodDisruptionBudget")
                            .inNamespace(namespace).withName(name), c.revert(), "the settings under test on "
                            + c.object())));
            try {
                settings.patch(budgets.withName(name), c.apply(), "settings under test on " + c.object());
            } catch (ZerodropException e) {
                if (e.getCause() instanceof KubernetesClientException k) {
                    SettingsUnderTest.refuseInvalid(k, c.object());
                }
                throw e;
            }
            await(name, deadline, inTime);
        }
        return c.object() + ": " + String.join(", ", s.describe().stream()
                .filter(x -> x.startsWith("PodDisruptionBudget")).toList());
    }

    /** A budget is in force once its controller has processed this generation of it. */
    void await(String name, long deadline, String inTime) {
        while (true) {
            PodDisruptionBudget b = Reads.read("reading PodDisruptionBudget " + name, () -> client.policy().v1()
                    .podDisruptionBudget().inNamespace(namespace).withName(name).get());
            if (b != null && b.getStatus() != null && b.getStatus().getObservedGeneration() != null
                    && b.getMetadata().getGeneration() != null
                    && b.getStatus().getObservedGeneration() >= b.getMetadata().getGeneration()) {
                return;
            }
            if (System.currentTimeMillis() > deadline || !Sleep.forMs(500)) {
                throw ZerodropException.environment("PodDisruptionBudget " + name + " was not processed by its"
                        + " controller " + inTime + " (status.observedGeneration behind metadata.generation): evictions"
                        + " would be refused with Retry-After until it is");
            }
        }
    }
}
