package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import org.junit.jupiter.api.Test;

/** The watchers of the Deployment and the budgets under test, fed as an informer feeds them. */
class WatchersTest {
    @Test
    void aBudgetWatchPutsEachStatusChangeOnTheTimelineOnce() {
        Timeline timeline = new Timeline();
        BudgetWatch watch = new BudgetWatch(timeline);
        var b1 = new PodDisruptionBudgetBuilder().withNewMetadata().withName("web-pdb").endMetadata().withNewStatus()
                .withDisruptionsAllowed(1).withCurrentHealthy(3).withDesiredHealthy(2).withExpectedPods(3).endStatus()
                .build();
        var b2 = new PodDisruptionBudgetBuilder(b1).editStatus().withDisruptionsAllowed(0).withCurrentHealthy(2)
                .endStatus().build();
        watch.onAdd(b1);
        watch.onUpdate(b1, b2);
        watch.onUpdate(b2, b2); // a resync: nothing new
        assertThat(timeline.events()).extracting(TimelineEvent::detail).last().isEqualTo("PodDisruptionBudget"
                + " web-pdb: disruptionsAllowed 0 (healthy 2 of 2 needed)");
        assertThat(timeline.events()).hasSize(2);
    }

    @Test
    void aDeploymentWatchFollowsARolloutItStartedToItsCompletionAndKeepsTheWorstSurge() {
        Timeline timeline = new Timeline();
        DeploymentWatch watch = new DeploymentWatch(timeline);
        Deployment steady = deployment(1, 3, 3, 3, 3, 1);
        Deployment surging = deployment(2, 4, 1, 3, 3, 1);
        Deployment done = deployment(2, 3, 3, 3, 3, 2);
        watch.onUpdate(steady, surging);
        assertThat(timeline.ofType(EventType.ROLLOUT_PROGRESS)).singleElement().satisfies(e -> {
            assertThat(e.detail()).isEqualTo("Deployment web: 4 pods for 3 desired (surge 1), 1 updated, 3 ready,"
                    + " 3 available (unavailable 0)");
            assertThat(e.disruption()).as("no step told it of a rollout").isEmpty();
        });
        watch.rolloutStarted("restart-1");
        watch.onUpdate(surging, done);
        assertThat(timeline.ofType(EventType.ROLLOUT_COMPLETE)).singleElement().satisfies(e ->
                assertThat(e.disruption()).isEqualTo("restart-1"));
        watch.onUpdate(done, done);
        assertThat(timeline.ofType(EventType.ROLLOUT_COMPLETE)).as("said once").hasSize(1);
        assertThat(watch.maxSurge()).isEqualTo(1);
        assertThat(watch.maxUnavailable()).isZero();
    }

    private static Deployment deployment(long generation, int pods, int updated, int ready, int available,
            long observed) {
        return new DeploymentBuilder().withNewMetadata().withName("web").withGeneration(generation).endMetadata()
                .withNewSpec().withReplicas(3).endSpec().withNewStatus().withReplicas(pods).withUpdatedReplicas(updated)
                .withReadyReplicas(ready).withAvailableReplicas(available).withObservedGeneration(observed)
                .endStatus().build();
    }

    private static Pod pod(String name, String uid) {
        return new PodBuilder().withNewMetadata().withName(name).withUid(uid).endMetadata().withNewStatus()
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
    }

    /**
     * The pod watch's first list reaches the store before its notifications reach the handler (fabric8 delivers them
     * on the informer's own thread): a listed pod whose add arrives after the runtime has taken the list is not a pod
     * created during the run; a pod that was not in the list is, and says it was created.
     */
    @Test
    void aListedPodWhoseAddArrivesLateIsNotAPodCreatedDuringTheRun() {
        Timeline timeline = new Timeline();
        PodsSeen seen = new PodsSeen();
        PodWatch watch = new PodWatch(timeline, seen);
        Pod listed = pod("web-3", "uid-3");
        // what KubernetesRuntime.start does once inform returns: the store's pods known, then later adds may be new
        seen.firstSeen.putIfAbsent(seen.key(listed), 0L);
        seen.listed = true;
        seen.synced = true;

        watch.onAdd(listed);
        assertThat(timeline.ofType(EventType.REPLACEMENT_STARTED)).isEmpty();
        assertThat(seen.isReplacement("web-3")).isFalse();

        watch.onAdd(pod("web-4", "uid-4"));
        assertThat(timeline.ofType(EventType.REPLACEMENT_STARTED)).extracting(TimelineEvent::pod)
                .containsExactly("web-4");
        assertThat(seen.isReplacement("web-4")).isTrue();
    }
}
