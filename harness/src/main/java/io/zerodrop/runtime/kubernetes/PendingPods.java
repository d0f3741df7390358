package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a start that ran out of time was still waiting for, in the words the scheduler and the kubelet put on the
 * pods: an unmet PodScheduled condition (Unschedulable and its message), a container's waiting reason
 * (ImagePullBackOff, CrashLoopBackOff, CreateContainerConfigError and their messages), or a running pod that is not
 * Ready yet.
 */
final class PendingPods {
    /** At most this many pods are named; the rest are counted. */
    static final int NAMED = 5;

    private PendingPods() {
    }

    /** "; still pending: pod-a: Pending, Unschedulable (0/3 nodes ...); pod-b: ..." or "" when every pod is Ready. */
    static String describe(List<Pod> pods) {
        List<Pod> pending = pods.stream().filter(p -> !ready(p))
                .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
        if (pending.isEmpty()) {
            return "";
        }
        List<String> named = pending.stream().limit(NAMED).map(PendingPods::why).toList();
        return "; still pending: " + String.join("; ", named) + (pending.size() > NAMED ? "; and "
                + (pending.size() - NAMED) + " more" : "");
    }

    private static boolean ready(Pod p) {
        return condition(p, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    private static Optional<PodCondition> condition(Pod p, String type) {
        return p.getStatus() == null || p.getStatus().getConditions() == null ? Optional.empty()
                : p.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static String why(Pod p) {
        String name = p.getMetadata().getName();
        if (p.getStatus() == null) {
            return name + ": no status yet";
        }
        StringBuilder sb = new StringBuilder(name).append(": ").append(p.getStatus().getPhase());
        condition(p, "PodScheduled").filter(c -> "False".equals(c.getStatus())).ifPresent(c -> sb.append(", ")
                .append(c.getReason()).append(c.getMessage() == null ? "" : " (" + c.getMessage() + ")"));
        if (p.getStatus().getContainerStatuses() != null) {
            p.getStatus().getContainerStatuses().stream().filter(c -> c.getState() != null
                    && c.getState().getWaiting() != null).findFirst().ifPresent(c -> sb.append(", container ")
                    .append(c.getName()).append(' ').append(c.getState().getWaiting().getReason())
                    .append(c.getState().getWaiting().getMessage() == null ? ""
                            : " (" + c.getState().getWaiting().getMessage() + ")"));
        }
        if ("Running".equals(p.getStatus().getPhase())) {
            sb.append(", not Ready");
        }
        return sb.toString();
    }
}
