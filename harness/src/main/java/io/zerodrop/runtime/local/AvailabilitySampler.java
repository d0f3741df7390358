package io.zerodrop.runtime.local;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * How many of the desired pods were unavailable at once, sampled, counted two ways: not Ready (the disruption
 * budget's own count — it reads the Ready condition) and not serving new connections (not Ready, or Ready but its
 * endpoint not yet in rotation: what clients see). At the worst moment for clients it keeps which pods were down
 * and why, so that a count above the budget can be told apart: a pod the budget held healthy (Ready) while clients
 * could not reach it yet is the endpoint propagation gap, anything else would be the budget broken.
 *
 * <p>One sampling thread calls {@link #sample}; readers may call {@link #describe} at any time.
 */
final class AvailabilitySampler {

    private int maxUnavailable;
    private int maxNotReady;
    private Map<String, Object> atWorst = Map.of();

    /** One pod as a sample saw it. */
    record Seen(String pod, boolean terminating, boolean ready, boolean inRotation) {
    }

    /** The pods as one moment saw them, each read once. */
    static List<Seen> look(Collection<LocalPod> pods, Predicate<String> inRotation) {
        List<Seen> out = new ArrayList<>();
        for (LocalPod p : pods) {
            out.add(new Seen(p.name, p.isTerminating(), p.isReady(), inRotation.test(p.name)));
        }
        return out;
    }

    synchronized void sample(int desired, List<Seen> pods) {
        List<String> notReady = new ArrayList<>();
        List<String> readyNotRouted = new ArrayList<>();
        int serving = 0;
        int ready = 0;
        for (Seen p : pods) {
            if (p.terminating()) {
                continue;
            }
            if (!p.ready()) {
                notReady.add(p.pod());
            } else if (!p.inRotation()) {
                ready++;
                readyNotRouted.add(p.pod());
            } else {
                ready++;
                serving++;
            }
        }
        int down = Math.max(0, desired - serving);
        maxNotReady = Math.max(maxNotReady, Math.max(0, desired - ready));
        if (down > maxUnavailable) {
            maxUnavailable = down;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("atMs", System.currentTimeMillis());
            m.put("unavailable", down);
            // the budget counts Ready pods; the rest of the shortfall is what it held down (terminating, missing,
            // not Ready)
            m.put("heldDownByBudgetCount", Math.max(0, desired - ready));
            m.put("readyNotYetInRotation", List.copyOf(readyNotRouted));
            m.put("notReady", List.copyOf(notReady));
            atWorst = m;
        }
    }

    synchronized void describe(Map<String, Object> into) {
        into.put("maxUnavailableObserved", maxUnavailable);
        into.put("maxNotReadyObserved", maxNotReady);
        into.put("atMaxUnavailable", atWorst);
    }
}
