package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.disruption.Disruption;
import io.zerodrop.disruption.DrainNode;
import io.zerodrop.disruption.EvictPods;
import io.zerodrop.disruption.PodSelector;
import io.zerodrop.disruption.Step;
import io.zerodrop.engine.Experiment;
import io.zerodrop.findings.Finding;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.Check;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.workload.Workload;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PodDisruptionBudgets enforced by the Eviction rules, under real load. */
@Tag("slow")
class BudgetProofTest {

    @TempDir
    Path dir;


    private Experiment.Outcome run(String overlay, int nodes, int durationSeconds, Disruption d) {
        return run(overlay, nodes, durationSeconds, d, 0);
    }

    private Experiment.Outcome run(String overlay, int nodes, int durationSeconds, Disruption d, int attempt) {
        Workload w = Overlays.load(overlay);
        LocalSettings settings = LocalSettings.defaults(11, dir.resolve("local-" + attempt)).withNodes(nodes);
        return Experiment.runOn(LocalRuntime.factory(settings), w, new Experiment.Plan(overlay, "test",
                LoadSpec.of("fresh-connections", 100, 3, durationSeconds), List.of(new Step("step", 1_000, 0, 1, d)),
                Expectations.zeroDrops(), dir.resolve(attempt == 0 ? "out" : "out-" + attempt), false, Map.of()),
                new PrintWriter(new StringWriter()));
    }

    @Test
    void aBudgetDemandingEveryReplicaRefusesEveryEvictionAndTheVerdictSaysDrainsHang() {
        Experiment.Outcome o = run("strict-pdb", 3, 14, new EvictPods(PodSelector.random(1, 3), 11_000, 5_000));
        List<TimelineEvent> refused = o.report().timeline().stream()
                .filter(e -> e.type() == EventType.EVICTION_REFUSED).toList();
        assertThat(refused).hasSize(3); // at +0 s, +5 s, +10 s; the 11 s timeout ends it
        assertThat(refused).allSatisfy(e -> assertThat(e.detail()).startsWith("429 ")
                .contains("disruptionsAllowed 0", "currentHealthy 3", "desiredHealthy 3"));
        assertThat(o.report().timeline()).noneMatch(e -> e.type() == EventType.POD_MARKED_FOR_DELETION);
        assertThat(o.report().analysis().measuredFailed()).isZero();

        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.VERDICT_FAILED);
        Check evictions = o.report().verdict().checks().stream().filter(c -> c.name().equals("evictions-complete"))
                .findFirst().orElseThrow();
        assertThat(evictions.passed()).isFalse();
        assertThat(evictions.actual()).isEqualTo("0 of 1 evicted, 3 refused (429)");
        assertThat(evictions.explanation()).contains("drains would hang");
        // the findings engine names the deadlock and writes the fix beside the report
        Finding deadlock = o.report().findings().stream().filter(f -> f.code().equals("pdb-deadlock")).findFirst()
                .orElseThrow();
        assertThat(deadlock.evidence()).containsEntry("neverWentThrough", 1).containsEntry("refusals", 3);
        assertThat(deadlock.patchFile()).isEqualTo("fixes/pdb-deadlock.yaml");
        assertThat(deadlock.patch()).contains("kind: PodDisruptionBudget", "name: target-app", "minAvailable: null",
                "maxUnavailable: 1");
        Reconcile.exactly(o);
    }

    @Test
    void drainingTheBusiestNodeNeverTakesMoreThanOnePodDownAndDropsNothing() {
        // 3 pods on 2 nodes: the busiest node has 2; the budget (maxUnavailable 1) lets one go at a time
        Experiment.Outcome o = Measured.run((attempt, seconds) -> run("hardened", 2, seconds,
                new DrainNode("busiest", 60_000, 5_000, 3), attempt), 22);
        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.PASSED);
        assertThat(o.report().analysis().measuredFailed()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> runtime = (Map<String, Object>) o.report().header().settings().get("runtime");
        // the budget's own count (Ready pods) never lets two go; what clients see may, for the moments a pod the
        // budget counted healthy (Ready) was not yet in rotation when the next eviction went through — as on a
        // cluster, where the budget reads the Ready condition and the endpoint reaches the proxies later
        assertThat((Integer) runtime.get("maxNotReadyObserved")).as(o.summary()).isLessThanOrEqualTo(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> worst = (Map<String, Object>) runtime.get("atMaxUnavailable");
        assertThat(worst.get("unavailable")).as("%s", worst).isEqualTo(runtime.get("maxUnavailableObserved"));
        assertThat((Integer) worst.get("heldDownByBudgetCount")).as("%s", worst).isLessThanOrEqualTo(1);
        List<TimelineEvent> answered = o.report().timeline().stream()
                .filter(e -> e.type() == EventType.DISRUPTION_ANSWERED).toList();
        assertThat(answered).hasSize(2).allSatisfy(e -> assertThat(e.attribute(Attribute.OUTCOME))
                .isEqualTo("evicted"));
        assertThat(o.report().timeline()).anyMatch(e -> e.type() == EventType.EVICTION_REFUSED);
        assertThat(o.report().timeline().stream().filter(e -> e.type() == EventType.NOTE).map(TimelineEvent::detail))
                .contains("node-1 cordoned", "node-1 uncordoned");
        Reconcile.exactly(o);
    }
}
