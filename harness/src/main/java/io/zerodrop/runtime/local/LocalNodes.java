package io.zerodrop.runtime.local;

import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local cluster's nodes ({@code node-1} …): which are cordoned — by this run only, each uncordon registered
 * before the cordon — and where a new pod goes: the schedulable node with the fewest live pods, as the scheduler's
 * spreading would place it; none when every node is cordoned.
 */
final class LocalNodes {
    private final int count;
    private final Timeline timeline;
    private final Undo undo;
    private final List<Undo.Registration> undos;
    private final Set<String> cordoned = ConcurrentHashMap.newKeySet();

    /** {@code count} nodes; each cordon's undo goes on {@code undos}, the runtime's own. */
    LocalNodes(int count, Timeline timeline, Undo undo, List<Undo.Registration> undos) {
        this.count = count;
        this.timeline = timeline;
        this.undo = undo;
        this.undos = undos;
    }

    List<String> names() {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add("node-" + i);
        }
        return out;
    }

    /** The schedulable node with the fewest live pods among {@code pods}; null when every node is cordoned. */
    String leastLoaded(Collection<LocalPod> pods) {
        Map<String, Long> load = new LinkedHashMap<>();
        for (String n : names()) {
            if (!cordoned.contains(n)) {
                load.put(n, 0L);
            }
        }
        pods.stream().filter(p -> !p.isTerminating() && load.containsKey(p.node))
                .forEach(p -> load.merge(p.node, 1L, Long::sum));
        return load.entrySet().stream().min(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    /** Cordons or uncordons {@code node}; false (and a note) when it already was so. */
    boolean cordon(String node, boolean unschedulable, String cause) {
        if (!names().contains(node)) {
            throw ZerodropException.usage("no node named \"" + node + "\" (nodes: " + names() + ")");
        }
        if (cordoned.contains(node) == unschedulable) {
            timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, "", cause, node + " already "
                    + (unschedulable ? "cordoned" : "schedulable") + ": left as it was"));
            return false;
        }
        if (unschedulable) {
            undos.add(undo.register("uncordon " + node, () -> cordoned.remove(node)));
            cordoned.add(node);
        } else {
            cordoned.remove(node);
        }
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, "", cause,
                node + (unschedulable ? " cordoned" : " uncordoned")));
        return true;
    }
}
