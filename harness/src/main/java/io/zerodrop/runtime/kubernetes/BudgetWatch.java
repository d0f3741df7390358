package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;

/** The watcher of a PodDisruptionBudget under test: each change of its status the controller writes, on the timeline. */
final class BudgetWatch implements ResourceEventHandler<PodDisruptionBudget> {
    private final Timeline timeline;

    BudgetWatch(Timeline timeline) {
        this.timeline = timeline;
    }

    @Override
    public void onAdd(PodDisruptionBudget b) {
        add(EventTranslator.budget(null, b, System.currentTimeMillis()));
    }

    @Override
    public void onUpdate(PodDisruptionBudget before, PodDisruptionBudget after) {
        add(EventTranslator.budget(before, after, System.currentTimeMillis()));
    }

    @Override
    public void onDelete(PodDisruptionBudget b, boolean finalStateUnknown) {
    }

    private void add(TimelineEvent t) {
        if (t != null) {
            timeline.add(t);
        }
    }
}
