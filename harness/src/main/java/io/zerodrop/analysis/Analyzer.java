package io.zerodrop.analysis;

import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.gatling.SimulationLogReader;
import io.zerodrop.timeline.TimelineEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streams request records once, in any order, with bounded memory: fixed-size latency histograms per window,
 * one counter row per 100 ms, one long per failure (for bursts), and at most {@code maxAttributions} failures kept
 * in full (the rest are counted by class, phase and pod all the same).
 */
public final class Analyzer implements SimulationLogReader.Visitor {
    public static final long BUCKET_MS = 100;
    /** Failures closer than this belong to one burst. */
    public static final long BURST_GAP_MS = 500;

    private final long runStartMs;
    private final Windows windows;
    private final List<PodTermination> terminations;
    private final int maxAttributions;
    private final double askedRate;

    private final EnumMap<Windows.Kind, LatencyHistogram> latency = new EnumMap<>(Windows.Kind.class);
    private final EnumMap<Windows.Kind, long[]> perWindow = new EnumMap<>(Windows.Kind.class);
    private final EnumMap<FailureClass, Long> byClass = new EnumMap<>(FailureClass.class);
    private final EnumMap<Phase, Long> byPhase = new EnumMap<>(Phase.class);
    private final Map<String, Long> byPod = new TreeMap<>();
    private final Map<String, Long> otherMessages = new LinkedHashMap<>();
    private final Map<Integer, Long> byStatus = new TreeMap<>();
    private final List<Attribution> attributions = new ArrayList<>();
    private long attributionsOmitted;

    private long[] bucketOk = new long[1024];
    private long[] bucketFailed = new long[1024];
    private long[] bucketWarmup = new long[1024];
    private long[] failureMoments = new long[256];
    private int failureCount;
    private final Map<String, Long> loadGeneratorErrors = new LinkedHashMap<>();
    private long total;
    private long failedWholeRun;
    private long cutSymptomsWholeRun;
    private long first = Long.MAX_VALUE;
    private long last = Long.MIN_VALUE;
    private long measuredFirstStart = Long.MAX_VALUE;
    private long measuredLastStart = Long.MIN_VALUE;

    public Analyzer(long runStartMs, long warmupEndMs, List<TimelineEvent> timeline, double askedRate,
            int maxAttributions) {
        this.runStartMs = runStartMs;
        this.windows = Windows.from(warmupEndMs, timeline);
        this.terminations = PodTermination.from(timeline);
        this.askedRate = askedRate;
        this.maxAttributions = maxAttributions;
        for (Windows.Kind k : Windows.Kind.values()) {
            latency.put(k, new LatencyHistogram());
            perWindow.put(k, new long[2]);
        }
    }

    @Override
    public void request(RequestRecord r) {
        accept(r);
    }

    /** Gatling's own Error records (the load generator failing, not the target). */
    @Override
    public void error(String message, long atMs) {
        loadGeneratorErrors.merge(message, 1L, Long::sum);
    }

    /**
     * The phase a failure at {@code at} falls in, the pods it is put on added to {@code pods}: outside the disruption
     * windows the baseline; inside, each termination's own phase at that moment, a replacement still starting, or a
     * refused connection sent to an exited pod by a stale route.
     */
    private Phase place(long at, FailureClass fc, List<String> pods) {
        Windows.Kind failureKind = windows.kindAt(at);
        Phase phase = failureKind == Windows.Kind.DISRUPTION ? Phase.DISRUPTION_OTHER : Phase.BASELINE;
        if (failureKind == Windows.Kind.BASELINE) {
            return phase;
        }
        for (PodTermination t : terminations) {
            Phase own = t.phaseAt(at);
            if (own != null) {
                phase = pick(phase, pods, own, own == Phase.REPLACEMENT_STARTING ? t.replacement() : t.pod());
            }
            if (own != Phase.REPLACEMENT_STARTING && t.replacementStartingAt(at)) {
                phase = pick(phase, pods, Phase.REPLACEMENT_STARTING, t.replacement());
            }
            if (own == null && fc == FailureClass.REFUSED && t.staleRouteAt(at)) {
                phase = pick(phase, pods, Phase.AFTER_EXIT, t.pod()); // sent to the dead pod by stale conntrack
            }
        }
        return phase;
    }

    /** Adds one request. */
    public void accept(RequestRecord r) {
        total++;
        first = Math.min(first, r.startMs());
        last = Math.max(last, r.endMs());
        FailureClass fc = FailureClass.of(r.ok(), r.message());
        Windows.Kind kind = windows.kindAt(r.startMs());
        latency.get(kind).record(r.latencyMs());
        long[] w = perWindow.get(kind);
        w[0]++;
        int bucket = bucketIndex(r.startMs());
        if (kind == Windows.Kind.WARMUP) {
            bucketWarmup[bucket]++;
        } else {
            measuredFirstStart = Math.min(measuredFirstStart, r.startMs());
            measuredLastStart = Math.max(measuredLastStart, r.startMs());
        }
        if (!fc.isFailure()) {
            bucketOk[bucket]++;
            return;
        }
        w[1]++;
        bucketFailed[bucket]++;
        failedWholeRun++;
        if (fc == FailureClass.RESET || fc == FailureClass.REQUEST_TIMEOUT) {
            cutSymptomsWholeRun++;
        }
        if (kind == Windows.Kind.WARMUP) {
            return;
        }
        long at = fc == FailureClass.REQUEST_TIMEOUT || fc == FailureClass.CONNECT_TIMEOUT ? r.startMs() : r.endMs();
        recordFailureMoment(at);
        byClass.merge(fc, 1L, Long::sum);
        if (fc == FailureClass.OTHER) {
            otherMessages.merge(r.message(), 1L, Long::sum);
        }
        int status = FailureClass.httpStatus(r.message());
        if (status > 0) {
            byStatus.merge(status, 1L, Long::sum);
        }
        List<String> pods = new ArrayList<>();
        Phase phase = place(at, fc, pods);
        byPhase.merge(phase, 1L, Long::sum);
        for (String pod : pods) {
            byPod.merge(pod, 1L, Long::sum);
        }
        if (attributions.size() < maxAttributions) {
            attributions.add(new Attribution(r.name(), r.startMs(), r.endMs(), at, fc, r.message(), phase,
                    List.copyOf(pods)));
        } else {
            attributionsOmitted++;
        }
    }

    /** Requests sent in the slowest whole second after the warm-up (10 consecutive 100 ms buckets); -1 if none. */
    private double lowestWholeSecondRate() {
        if (measuredFirstStart == Long.MAX_VALUE) {
            return -1;
        }
        int from = bucketIndex(measuredFirstStart);
        int to = bucketIndex(measuredLastStart);
        double lowest = -1;
        for (int b = from; b + 10 <= to; b += 10) {
            long sent = 0;
            for (int i = b; i < b + 10; i++) {
                sent += bucketOk[i] + bucketFailed[i] - bucketWarmup[i];
            }
            lowest = lowest < 0 ? sent : Math.min(lowest, sent);
        }
        return lowest;
    }

    /** The highest-ranked phase wins; pods in the same phase are all named. */
    private static Phase pick(Phase current, List<String> pods, Phase candidate, String pod) {
        if (candidate.outranks(current)) {
            pods.clear();
            pods.add(pod);
            return candidate;
        }
        if (candidate == current && !pods.contains(pod)) {
            pods.add(pod);
        }
        return current;
    }

    private int bucketIndex(long t) {
        int i = (int) Math.max(0, (t - runStartMs) / BUCKET_MS);
        if (i >= bucketOk.length) {
            int size = Math.max(i + 1, bucketOk.length * 2);
            bucketOk = Arrays.copyOf(bucketOk, size);
            bucketFailed = Arrays.copyOf(bucketFailed, size);
            bucketWarmup = Arrays.copyOf(bucketWarmup, size);
        }
        return i;
    }

    private void recordFailureMoment(long at) {
        if (failureCount == failureMoments.length) {
            failureMoments = Arrays.copyOf(failureMoments, failureCount * 2);
        }
        failureMoments[failureCount++] = at;
    }

    public AnalysisResult result() {
        long[] moments = Arrays.copyOf(failureMoments, failureCount);
        Arrays.sort(moments);
        long longest = 0;
        long bursts = 0;
        int i = 0;
        while (i < moments.length) {
            int j = i;
            while (j + 1 < moments.length && moments[j + 1] - moments[j] <= BURST_GAP_MS) {
                j++;
            }
            bursts++;
            longest = Math.max(longest, moments[j] - moments[i]);
            i = j + 1;
        }
        List<AnalysisResult.Bucket> buckets = new ArrayList<>();
        int lastBucket = total == 0 ? -1 : bucketIndex(last);
        for (int b = 0; b <= lastBucket; b++) {
            buckets.add(new AnalysisResult.Bucket(runStartMs + b * BUCKET_MS, bucketOk[b], bucketFailed[b],
                    bucketWarmup[b]));
        }
        Map<Windows.Kind, LatencyHistogram.Summary> lat = new EnumMap<>(Windows.Kind.class);
        Map<Windows.Kind, Long> requests = new EnumMap<>(Windows.Kind.class);
        Map<Windows.Kind, Long> failures = new EnumMap<>(Windows.Kind.class);
        for (Windows.Kind k : Windows.Kind.values()) {
            lat.put(k, latency.get(k).summary());
            requests.put(k, perWindow.get(k)[0]);
            failures.put(k, perWindow.get(k)[1]);
        }
        long warmupRequests = requests.get(Windows.Kind.WARMUP);
        long measured = total - warmupRequests;
        long measuredFailed = total == 0 ? 0 : failureCount;
        double seconds = (measuredLastStart - measuredFirstStart) / 1000.0;
        double achieved = measured < 2 || seconds <= 0 ? measured : (measured - 1) / seconds;
        double lowestSecond = lowestWholeSecondRate();
        return new AnalysisResult(runStartMs, total == 0 ? -1 : first, total == 0 ? -1 : last,
                windows.warmupEndMs(), total, warmupRequests, measured, measured - measuredFailed, measuredFailed,
                byClass, byPhase, byPod, otherMessages, byStatus, longest, bursts, lat, requests, failures, buckets,
                List.copyOf(attributions), attributionsOmitted, askedRate, achieved, terminations,
                windows.disruptions(), total - failedWholeRun, cutSymptomsWholeRun, lowestSecond,
                Map.copyOf(loadGeneratorErrors));
    }
}
