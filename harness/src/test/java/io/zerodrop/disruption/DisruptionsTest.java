package io.zerodrop.disruption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Eviction;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.EvictionStats;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Each disruption's own logic against a runtime that only records calls: no processes, no cluster, no clock. */
class DisruptionsTest {
    private static List<TimelineEvent> of(Timeline t, EventType type) {
        return t.events().stream().filter(e -> e.type() == type).toList();
    }

    @Test
    void deleteAndKillTakeTheSelectedPodsWithTheirGrace() {
        FakeRuntime rt = new FakeRuntime("a", "b", "c");
        Timeline t = new Timeline();
        new DeletePods(new PodSelector(PodSelector.Mode.OLDEST, null, 2, null, 0), 7L).apply(rt, t, "d");
        DeletePods.kill(new PodSelector(PodSelector.Mode.NEWEST, null, 1, null, 0)).apply(rt, t, "k");
        assertThat(rt.calls).containsExactly("delete a grace=7 by d", "delete b grace=7 by d", "delete c grace=0 by k");
        assertThat(of(t, EventType.DISRUPTION_ISSUED)).extracting(TimelineEvent::pod).containsExactly("a", "b", "c");
        assertThat(of(t, EventType.DISRUPTION_ANSWERED)).hasSize(3);
    }

    @Test
    void aBudgetRefusalIsRetriedAndCountedButThrottlingIsNot() {
        FakeRuntime rt = new FakeRuntime("a");
        rt.evictionAnswers.add(Eviction.refused("Cannot evict pod as it would violate the pod's disruption budget."));
        rt.evictionAnswers.add(Eviction.throttled("Too many requests, please try again later."));
        rt.evictionAnswers.add(Eviction.refused("needs 3 healthy pods and has 3 currently"));
        rt.evictionAnswers.add(Eviction.allowed());
        Timeline t = new Timeline();
        new EvictPods(PodSelector.random(1, 1), 60_000, 100).apply(rt, t, "e");
        assertThat(rt.calls).containsExactly("evict a by e", "evict a by e", "evict a by e", "evict a by e");
        assertThat(of(t, EventType.EVICTION_REFUSED)).as("only the budget's refusals").hasSize(2);
        assertThat(of(t, EventType.NOTE)).singleElement().extracting(TimelineEvent::detail).asString()
                .startsWith("eviction throttled by the API server (429 without a DisruptionBudget cause");
        EvictionStats s = EvictionStats.from(t.events());
        assertThat(s.evicted()).isEqualTo(1);
        assertThat(s.refusals()).isEqualTo(2);
        assertThat(s.timedOut()).isZero();
    }

    @Test
    void anEvictionRetryUnderTheFloorIsRefusedBeforeAnyCall() {
        FakeRuntime rt = new FakeRuntime("a");
        assertThatThrownBy(() -> new EvictPods(PodSelector.random(1, 1), 60_000, 0).apply(rt, new Timeline(), "e"))
                .hasMessageContaining("eviction retry 0 ms is under the floor of 100 ms");
        assertThat(rt.calls).isEmpty();
        assertThat(new EvictPods(PodSelector.random(1, 1), 60_000, 250).describe()).contains("retry every 250 ms");
    }

    @Test
    void forbiddenOrSeveralBudgetsEndTheStepWithTheApisAnswerNotAsARefusal() {
        for (Eviction e : List.of(Eviction.failed(403, "pods \"a\" is forbidden: User cannot create resource"
                + " \"pods/eviction\""), Eviction.failed(500, "This pod has more than one PodDisruptionBudget, which the"
                + " eviction subresource does not support."))) {
            FakeRuntime rt = new FakeRuntime("a");
            rt.evictionAnswers.add(e);
            Timeline t = new Timeline();
            assertThatThrownBy(() -> new EvictPods(PodSelector.random(1, 1), 60_000, 100).apply(rt, t, "e"))
                    .isInstanceOf(ZerodropException.class)
                    .hasMessage("eviction of pod a failed: " + e.status() + " " + e.message());
            assertThat(of(t, EventType.EVICTION_REFUSED)).isEmpty();
            assertThat(rt.calls).containsExactly("evict a by e");
        }
    }

    @Test
    void aDrainCordonsEvictsEveryPodOnTheNodeAndUncordons() {
        FakeRuntime rt = new FakeRuntime("a", "b", "c", "d"); // a, c on node-0; b, d on node-1
        Timeline t = new Timeline();
        new DrainNode("node-0", 60_000, 100, 1).apply(rt, t, "drain");
        assertThat(rt.calls.get(0)).isEqualTo("cordon node-0 by drain");
        assertThat(rt.calls.subList(1, 3)).containsExactlyInAnyOrder("evict a by drain", "evict c by drain");
        assertThat(rt.calls.get(rt.calls.size() - 1)).isEqualTo("uncordon node-0 by drain");
        assertThat(rt.pods()).extracting(p -> p.name()).containsExactly("b", "d");
    }

    /** As kubectl drain: the node is given back only once the pods evicted from it are gone (not while they stop). */
    @Test
    void aDrainUncordonsOnlyOnceTheEvictedPodsAreGone() {
        FakeRuntime rt = new FakeRuntime("a", "b", "c", "d"); // a, c on node-0
        rt.terminatingFor.put("a", 3);
        rt.terminatingFor.put("c", 1);
        Timeline t = new Timeline();
        new DrainNode("node-0", 60_000, 100, 1).apply(rt, t, "drain");
        int uncordon = rt.calls.indexOf("uncordon node-0 by drain");
        assertThat(uncordon).as(rt.calls.toString()).isEqualTo(rt.calls.size() - 1);
        assertThat(rt.calls.indexOf("gone a")).isBetween(0, uncordon);
        assertThat(rt.calls.indexOf("gone c")).isBetween(0, uncordon);
        assertThat(rt.terminatingFor).containsEntry("a", 0).containsEntry("c", 0);
    }

    /** A node an administrator cordoned before the run is drained, and left cordoned: zerodrop never uncordons it. */
    @Test
    void aDrainOfANodeCordonedBeforeTheRunLeavesItCordoned() {
        FakeRuntime rt = new FakeRuntime("a", "b", "c", "d");
        rt.cordonedBefore.add("node-0");
        Timeline t = new Timeline();
        new DrainNode("node-0", 60_000, 100, 1).apply(rt, t, "drain");
        assertThat(rt.calls.get(0)).isEqualTo("cordon node-0 by drain: already cordoned");
        assertThat(rt.calls).contains("evict a by drain", "evict c by drain")
                .noneMatch(c -> c.startsWith("uncordon"));
        assertThat(rt.pods()).extracting(p -> p.name()).containsExactly("b", "d");
    }

    @Test
    void aDrainWhoseEvictionIsForbiddenFailsTheStepAndStillUncordons() {
        FakeRuntime rt = new FakeRuntime("a", "b");
        rt.evictionAnswers.add(Eviction.failed(403, "forbidden"));
        Timeline t = new Timeline();
        assertThatThrownBy(() -> new DrainNode("node-0", 60_000, 100, 1).apply(rt, t, "drain"))
                .hasMessage("drain of node-0: eviction of pod a failed: 403 forbidden");
        assertThat(rt.calls).containsExactly("cordon node-0 by drain", "evict a by drain", "uncordon node-0 by drain");
    }

    @Test
    void scaleGoesDownAndBackAndRolloutRestartIsOneCall() {
        FakeRuntime rt = new FakeRuntime("a", "b", "c");
        new Scale(-2, 1).apply(rt, new Timeline(), "s");
        new RolloutRestart().apply(rt, new Timeline(), "r");
        assertThat(rt.calls).containsExactly("scale 3->1 by s", "scale 1->3 by s", "rollout-restart by r");
    }

    @Test
    void aScaleStoppedMidHoldStillPutsTheReplicasBack() throws Exception {
        FakeRuntime rt = new FakeRuntime("a", "b", "c");
        Thread step = new Thread(() -> new Scale(-1, 600_000).apply(rt, new Timeline(), "s"));
        step.start();
        Awaitility.await().until(() -> rt.calls.contains("scale 3->2 by s"));
        step.interrupt();
        step.join(10_000);
        assertThat(step.isAlive()).isFalse();
        assertThat(rt.calls).containsExactly("scale 3->2 by s", "scale 2->3 by s");
    }
}
