package io.zerodrop.ledger;

import io.zerodrop.analysis.PodTermination;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.PodIncarnations;
import io.zerodrop.timeline.RoutingSource;
import io.zerodrop.timeline.TimelineEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * When traffic really stopped reaching each deleted pod: {@link EventType#ROUTING_STOPPED}, the data path's moment,
 * beside the API's (the EndpointSlice saying not ready or terminating). On a cluster every node's kube-proxy, an
 * ingress or a mesh sidecar applies an endpoint change later than the API says, so a failure after the API's moment
 * can still be the endpoint race.
 *
 * <p>The evidence is which pod each request reached, on this host's clock (the client's start time of the request):
 * from the servers' request logs (target-app writes one line per request it receives) joined with the client's log by
 * request id, or from a response header naming the serving pod ({@code traffic.podHeader}, kept per request in the
 * client log) — only where every request opened its own connection: over a kept-alive connection a request goes
 * where the connection was opened, whatever the routing says now. The last request that reached a pod after its deletion is a lower bound of when routing stopped. It
 * is the moment itself when the pod kept accepting connections for a while after it (its preStop was still running,
 * so it had not been signalled) and enough requests were sent meanwhile that, had the data path still routed to it,
 * some would have reached it: at least {@link #PER_POD} per pod serving then. Otherwise (a pod that stops accepting
 * at SIGTERM refuses the requests still routed to it, and a refused request reaches no log) the moment is the API's
 * plus the runtime's stated allowance, never earlier than the last request seen, and the event says so.
 */
public final class DataPath {
    /** Requests sent, per pod serving meanwhile, after which silence means the data path no longer routes to a pod. */
    static final int PER_POD = 5;

    private DataPath() {
    }

    /**
     * How much later than the API the data path may stop routing, and why: 0 where the runtime's own Service front
     * applies each endpoint change when it records it (local), kube-proxy's sync on a cluster.
     */
    public record Allowance(long ms, String why) {
        public static final Allowance NONE = new Allowance(0, "the Service front applies each endpoint change at the"
                + " moment the change is recorded");
    }

    /**
     * One {@link EventType#ROUTING_STOPPED} per deleted pod whose moment this run can tell: measured from the
     * request logs ({@code serverLogs}, pod → file) and the client logs' pod names, or the API's moment plus
     * {@code allowance}. Pods the API never saw leave rotation and no request measured get none.
     */
    public static List<TimelineEvent> routingStopped(List<Path> clientLogs, Map<String, Path> serverLogs,
            List<TimelineEvent> events, Allowance allowance, boolean freshConnections) {
        List<PodTermination> terminations = PodTermination.from(events);
        if (terminations.isEmpty()) {
            return List.of();
        }
        // over kept-alive connections a request goes where its connection was opened, whatever the routing says now
        Evidence ev = freshConnections ? Evidence.read(clientLogs, serverLogs, PodIncarnations.resolver(events))
                : new Evidence();
        List<TimelineEvent> out = new ArrayList<>();
        for (PodTermination t : terminations) {
            TimelineEvent e = judge(t, ev, serverLogs.containsKey(t.pod()), allowance, freshConnections);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    private static TimelineEvent judge(PodTermination t, Evidence ev, boolean logged, Allowance allowance,
            boolean freshConnections) {
        long deletion = t.markedMs() >= 0 ? t.markedMs() : Math.max(t.sigtermMs(), t.sigkillMs());
        Reach reach = ev.reach.get(t.pod());
        long last = reach != null && reach.last >= deletion ? reach.last : -1;
        RoutingSource source = logged ? RoutingSource.REQUEST_LOG : RoutingSource.RESPONSE_HEADER;
        Map<Attribute, String> a = new EnumMap<>(Attribute.class);
        if (last >= 0) {
            a.put(Attribute.LAST_REQUEST_MS, String.valueOf(last));
            if (reach.lastServerMs > 0) {
                // the pod's clock, kept beside
                a.put(Attribute.LAST_REQUEST_SERVER_MS, String.valueOf(reach.lastServerMs));
            }
        }
        if (t.outOfRotationMs() >= 0) {
            a.put(Attribute.API_OUT_OF_ROTATION_MS, String.valueOf(t.outOfRotationMs()));
        }
        String unmeasured;
        if (!freshConnections) {
            unmeasured = "requests reuse connections (keep-alive), so where they went shows where each connection was"
                    + " opened, not where the data path routed";
        } else if (reach == null) {
            unmeasured = "no request log and no pod header names this pod";
        } else {
            long from = last >= 0 ? last : deletion;
            // before SIGTERM a container is in its preStop and still accepts; after it, only its own code can tell
            long acceptingUntil = t.sigtermMs() >= 0 ? t.sigtermMs() : t.sigkillMs() >= 0 ? t.sigkillMs() : -1;
            long sent = ev.sentBetween(from, acceptingUntil);
            long unaccounted = ev.unaccountedBetween(from, acceptingUntil);
            int serving = ev.servingBetween(from, acceptingUntil, t.pod());
            long needed = (long) PER_POD * (serving + 1);
            if (acceptingUntil > from && sent >= needed && unaccounted == 0) {
                a.put(Attribute.SOURCE, source.value());
                a.put(Attribute.REQUESTS_ELSEWHERE, String.valueOf(sent));
                String what = last >= 0 ? "the last request that reached it after its deletion was sent at +"
                        + (last - deletion) + " ms" : "no request reached it after its deletion";
                return new TimelineEvent(from, EventType.ROUTING_STOPPED, t.pod(), t.disruption(), "routing stopped ("
                        + source.value() + "): " + what + "; the " + sent + " request(s) sent while it still accepted"
                        + " went to " + serving + " other pod(s)", a);
            }
            String since = last >= 0 ? "the last request that reached it" : "its deletion";
            unmeasured = acceptingUntil < 0 ? "its SIGTERM was not seen, so until when it accepted is unknown"
                    : acceptingUntil > from && unaccounted > 0 ? unaccounted + " of the " + sent + " request(s) sent"
                    + " between " + since + " and its SIGTERM reached no log (they failed): any of them may have been"
                    + " routed to it and waited unanswered in its queue"
                    : acceptingUntil <= from ? "its SIGTERM came " + (from - acceptingUntil) + " ms before " + since
                    + ": after SIGTERM a request still routed to it may have been refused, and a refused request"
                    + " reaches no log" : "only " + sent + " request(s) were sent between " + since + " and its SIGTERM ("
                    + needed + " needed to tell routing stopped from chance)";
        }
        if (t.outOfRotationMs() < 0) {
            return null; // neither the API's moment nor a measured one: the race's size stays unmeasured
        }
        return assumed(t, a, deletion, last, allowance, unmeasured);
    }

    /**
     * Routing stopped as the API says it did (the endpoint change, plus the allowance), or later if requests still
     * reached the pod then; the attributes {@code a} gathered so far are kept and the reason it is not measured given.
     */
    private static TimelineEvent assumed(PodTermination t, Map<Attribute, String> a, long deletion, long last,
            Allowance allowance, String unmeasured) {
        long at = Math.max(t.outOfRotationMs() + allowance.ms(), last);
        a.put(Attribute.SOURCE, (allowance.ms() > 0 ? RoutingSource.API_ALLOWANCE : RoutingSource.API).value());
        a.put(Attribute.ALLOWANCE_MS, String.valueOf(allowance.ms()));
        String detail = allowance.ms() > 0 ? "routing assumed stopped " + allowance.ms() + " ms after the API took it"
                + " out of rotation (+" + (t.outOfRotationMs() - deletion) + " ms after its deletion): "
                + allowance.why() : "routing stopped with the endpoint change (+" + (t.outOfRotationMs() - deletion)
                + " ms after its deletion): " + allowance.why();
        if (last > t.outOfRotationMs() + allowance.ms()) {
            detail += "; requests still reached it until +" + (last - deletion) + " ms";
        }
        return new TimelineEvent(at, EventType.ROUTING_STOPPED, t.pod(), t.disruption(), detail + " (data path not"
                + " measured: " + unmeasured + ")", a);
    }

    /**
     * Which pod each request reached, when (client start, host clock), when every request was sent, and when those
     * were sent that reached no log at all (failed before any server handled them: refused, reset, or stuck in a
     * queue — so where they were routed is unknown).
     */
    private static final class Evidence {
        final Map<String, Reach> reach = new HashMap<>();
        long[] starts = new long[1024];
        int count;
        long[] unaccounted = new long[0];

        /**
         * {@code pods}: a pod header names a pod by its name, and a StatefulSet reuses a deleted pod's name for its
         * replacement: a request sent after the replacement was created reached the replacement.
         */
        static Evidence read(List<Path> clientLogs, Map<String, Path> serverLogs, PodIncarnations.Resolver pods) {
            Evidence ev = new Evidence();
            Map<String, long[]> startsByToken = new HashMap<>();
            Map<String, BitSet> reachedByToken = new HashMap<>();
            for (Path log : clientLogs) {
                ev.readClient(log, startsByToken, reachedByToken, pods);
            }
            for (Map.Entry<String, Path> s : new TreeMap<>(serverLogs).entrySet()) {
                ev.readServer(s.getKey(), s.getValue(), startsByToken, reachedByToken);
            }
            Arrays.sort(ev.starts, 0, ev.count);
            long[] lost = new long[16];
            int n = 0;
            for (Map.Entry<String, long[]> c : startsByToken.entrySet()) {
                long[] bySeq = c.getValue();
                BitSet reached = reachedByToken.get(c.getKey());
                for (int seq = 0; seq < bySeq.length; seq++) {
                    if (bySeq[seq] > 0 && !reached.get(seq)) {
                        if (n == lost.length) {
                            lost = Arrays.copyOf(lost, n * 2);
                        }
                        lost[n++] = bySeq[seq];
                    }
                }
            }
            ev.unaccounted = Arrays.copyOf(lost, n);
            Arrays.sort(ev.unaccounted);
            return ev;
        }

        private void readClient(Path log, Map<String, long[]> startsByToken, Map<String, BitSet> reachedByToken,
                PodIncarnations.Resolver pods) {
            if (!Files.exists(log)) {
                return;
            }
            try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.US_ASCII)) {
                String header = r.readLine();
                String marker = "# zerodrop client requests v1 run ";
                if (header == null || !header.startsWith(marker)) {
                    return; // RequestJoin names a log that is not one
                }
                long[] bySeq = new long[1024];
                BitSet reached = new BitSet();
                for (String line; (line = r.readLine()) != null; ) {
                    String[] f = line.split(" ");
                    if (f.length != 4 && f.length != 5) {
                        continue;
                    }
                    int seq = Integer.parseInt(f[0]);
                    long start = Long.parseLong(f[1]);
                    if (seq < 0) {
                        continue;
                    }
                    if (seq >= bySeq.length) {
                        bySeq = Arrays.copyOf(bySeq, Math.max(seq + 1, bySeq.length * 2));
                    }
                    bySeq[seq] = start;
                    add(start);
                    if (f.length == 5) {
                        reach.computeIfAbsent(pods.at(f[4], start), p -> new Reach()).add(start, 0);
                        reached.set(seq);
                    }
                }
                String token = header.substring(marker.length()).trim();
                startsByToken.put(token, bySeq);
                reachedByToken.put(token, reached);
            } catch (IOException | NumberFormatException e) {
                throw ZerodropException.environment("cannot read the client request log " + log + ": "
                        + e.getMessage(), e);
            }
        }

        private void readServer(String pod, Path log, Map<String, long[]> startsByToken,
                Map<String, BitSet> reachedByToken) {
            try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.US_ASCII)) {
                for (String line; (line = r.readLine()) != null; ) {
                    String[] f = line.split(" ");
                    int dash = f.length >= 3 && f[0].equals("R") ? f[1].lastIndexOf('-') : -1;
                    String token = dash > 0 ? f[1].substring(0, dash) : "";
                    long[] bySeq = startsByToken.get(token);
                    if (bySeq == null) {
                        continue; // another run's request, or a torn last line
                    }
                    try {
                        int seq = Integer.parseInt(f[1].substring(dash + 1));
                        if (seq >= 0 && seq < bySeq.length && bySeq[seq] > 0) {
                            reach.computeIfAbsent(pod, p -> new Reach()).add(bySeq[seq], Long.parseLong(f[2]));
                            reachedByToken.get(token).set(seq);
                        }
                    } catch (NumberFormatException e) {
                        // a torn line
                    }
                }
            } catch (IOException e) {
                throw ZerodropException.environment("cannot read the request log of pod " + pod + " (" + log + "): "
                        + e.getMessage(), e);
            }
        }

        private void add(long start) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
            }
            starts[count++] = start;
        }

        /** Requests sent in ({@code from}, {@code to}]. */
        long sentBetween(long from, long to) {
            return to <= from ? 0 : Math.max(0, upTo(starts, count, to) - upTo(starts, count, from));
        }

        /** Requests sent in ({@code from}, {@code to}] that reached no log. */
        long unaccountedBetween(long from, long to) {
            return to <= from ? 0 : Math.max(0, upTo(unaccounted, unaccounted.length, to)
                    - upTo(unaccounted, unaccounted.length, from));
        }

        private static int upTo(long[] starts, int count, long t) {
            int lo = 0;
            int hi = count;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (starts[mid] <= t) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** Pods other than {@code except} whose requests (first to last) overlap ({@code from}, {@code to}]. */
        int servingBetween(long from, long to, String except) {
            int n = 0;
            for (Map.Entry<String, Reach> e : reach.entrySet()) {
                if (!e.getKey().equals(except) && e.getValue().first <= to && e.getValue().last > from) {
                    n++;
                }
            }
            return n;
        }
    }

    /** When requests reached one pod: the first, the last, and the last's time on the pod's own clock (0: unknown). */
    private static final class Reach {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long lastServerMs;

        void add(long clientStart, long serverMs) {
            first = Math.min(first, clientStart);
            if (clientStart > last || (clientStart == last && serverMs > lastServerMs)) {
                last = clientStart;
                lastServerMs = serverMs;
            }
        }
    }
}
