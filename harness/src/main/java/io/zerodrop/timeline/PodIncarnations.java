package io.zerodrop.timeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A StatefulSet recreates a deleted pod under the same name ({@code web-0} deleted, a new {@code web-0} created): two
 * pods, one name. In the timeline each later pod of one name is a pod of its own, {@code web-0#2}, {@code web-0#3}
 * ('#' is never part of a pod name), told apart by their uids; the first pod of a name keeps the name. Without this
 * the old pod's termination and the new pod's start fold into one lane, the new pod is not seen as a replacement,
 * and requests the new pod served count as reaching the old one after its deletion.
 */
public final class PodIncarnations {
    /** Between a pod's name and its ordinal in a timeline name. */
    public static final char MARK = '#';

    private final Map<String, List<String>> uidsByName = new HashMap<>();

    /**
     * The timeline's name of pod {@code name} with {@code uid}: the name for the first uid seen with it, then
     * {@code name#2}, … in the order the uids are first seen. A null uid is the latest pod of that name.
     */
    public synchronized String key(String name, String uid) {
        List<String> uids = uidsByName.computeIfAbsent(name, n -> new ArrayList<>());
        if (uid == null) {
            if (uids.isEmpty()) {
                uids.add(""); // a pod without a uid (never from a real API server) is the first of its name
            }
            return key(name, uids.size());
        }
        int i = uids.indexOf(uid);
        if (i < 0) {
            uids.add(uid);
            i = uids.size() - 1;
        }
        return key(name, i + 1);
    }

    /** As {@link #key}, without taking a uid never seen as a new pod: null for it. */
    public synchronized String knownKey(String name, String uid) {
        List<String> uids = uidsByName.get(name);
        if (uids == null || uids.isEmpty()) {
            return null;
        }
        if (uid == null) {
            return key(name, uids.size());
        }
        int i = uids.indexOf(uid);
        return i < 0 ? null : key(name, i + 1);
    }

    /** The timeline name of the latest pod named {@code name} (the name itself when none was seen). */
    public synchronized String current(String name) {
        List<String> uids = uidsByName.get(name);
        return key(name, uids == null ? 1 : Math.max(1, uids.size()));
    }

    /** The timeline name of the pod of this name before {@code key}, or null for a first one. */
    public static String previous(String key) {
        int n = ordinal(key);
        return n <= 1 ? null : key(podName(key), n - 1);
    }

    /** The Kubernetes name of a timeline pod name: {@code web-0#2} → {@code web-0}. */
    public static String podName(String key) {
        int m = key.indexOf(MARK);
        return m < 0 ? key : key.substring(0, m);
    }

    /** 1 for the first pod of a name, 2 for the second, … */
    public static int ordinal(String key) {
        int m = key.indexOf(MARK);
        return m < 0 ? 1 : Integer.parseInt(key.substring(m + 1));
    }

    static String key(String name, int ordinal) {
        return ordinal <= 1 ? name : name + MARK + ordinal;
    }

    /**
     * For requests that name only the pod (a response header, a pod's request log): which pod of that name served
     * a request sent at {@code atMs} — the latest one seen created ({@link EventType#REPLACEMENT_STARTED}) at or
     * before it. Built from a run's timeline.
     */
    public static Resolver resolver(List<TimelineEvent> events) {
        Map<String, List<long[]>> starts = new HashMap<>();
        for (TimelineEvent e : events) {
            if (e.type() == EventType.REPLACEMENT_STARTED && ordinal(e.pod()) > 1) {
                starts.computeIfAbsent(podName(e.pod()), n -> new ArrayList<>()).add(new long[] {ordinal(e.pod()),
                        e.atMs()});
            }
        }
        return (name, atMs) -> {
            List<long[]> later = starts.get(name);
            int best = 1;
            long bestAt = Long.MIN_VALUE;
            if (later != null) {
                for (long[] s : later) {
                    if (s[1] <= atMs && s[1] >= bestAt) {
                        best = (int) s[0];
                        bestAt = s[1];
                    }
                }
            }
            return key(name, best);
        };
    }

    /** Which pod of a name served a request sent at a moment. */
    @FunctionalInterface
    public interface Resolver {
        String at(String name, long atMs);

        /** Every name is the first pod of its name (no pod name was reused). */
        Resolver NONE = (name, atMs) -> name;
    }
}
