package io.zerodrop.verdict;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.FailureClass;
import io.zerodrop.analysis.LatencyHistogram;
import io.zerodrop.analysis.Windows;
import io.zerodrop.core.ExitCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run's outcome: every expectation checked with its numbers. INCONCLUSIVE when the load generator could not
 * produce the asked load: then drops cannot be blamed on the target, nor their absence credited to it.
 */
public record Verdict(Status status, List<Check> checks, List<String> reasons) {

    /**
     * PASSED, FAILED, INCONCLUSIVE (the measurement itself is not trustworthy: saturated load, a disruption that
     * did not happen where it was measured), or ERROR (the run broke off: deploy, load or teardown failed).
     */
    public enum Status { PASSED, FAILED, INCONCLUSIVE, ERROR }

    public static Verdict judge(AnalysisResult a, Expectations e, Long hiddenDrops) {
        return judge(a, e, hiddenDrops, EvictionStats.none(), List.of());
    }

    /** The verdict of a run that broke off: no check is judged; the reason says where and why. */
    public static Verdict error(String reason) {
        return new Verdict(Status.ERROR, List.of(), List.of(reason));
    }

    /**
     * As above, plus: every eviction the run attempted must have gone through before its timeout, and every
     * scheduled disruption must have happened inside the measured window ({@code notMeasured} lists those that did
     * not, see {@link DisruptionCoverage}): a run whose disruptions were not measured is INCONCLUSIVE unless it
     * failed anyway.
     */
    public static Verdict judge(AnalysisResult a, Expectations e, Long hiddenDrops, EvictionStats ev,
            List<String> notMeasured) {
        return judge(a, e, hiddenDrops, ev, notMeasured, List.of());
    }

    /**
     * As above, for a load from several generators: {@code saturatedGenerators} names those that sent less than 90 %
     * of their share — the whole run may still reach the asked rate, but that generator's view (its node, its path to
     * the Service) was not measured as asked, so the run is INCONCLUSIVE with their names.
     */
    public static Verdict judge(AnalysisResult a, Expectations e, Long hiddenDrops, EvictionStats ev,
            List<String> notMeasured, List<String> saturatedGenerators) {
        return judge(a, e, hiddenDrops, ev, notMeasured, saturatedGenerators, List.of(), 0);
    }

    /**
     * As above, knowing the load's request timeout ({@code requestTimeoutMs}, 0 when unknown): a request that timed
     * out during a disruption is the target's failure only where requests were answered well within the timeout
     * without one. When the baseline's slowest answer took half the timeout or more (a starved machine: a baseline
     * p99 of 5,933 ms against 5,000 ms was seen on 2 busy cores), a run whose only failures are timeouts is
     * INCONCLUSIVE; with other failures beside them it still fails, and the timeouts are said to be doubtful.
     * {@code lostGenerators} died during the load (name and why): their share after that was never sent, so a run
     * that passed is INCONCLUSIVE naming them, while failures the others measured still fail it.
     */
    public static Verdict judge(AnalysisResult a, Expectations e, Long hiddenDrops, EvictionStats ev,
            List<String> notMeasured, List<String> saturatedGenerators, List<String> lostGenerators,
            long requestTimeoutMs) {
        return judge(a, e, hiddenDrops, ev, notMeasured, saturatedGenerators, lostGenerators, requestTimeoutMs, 0);
    }

    /**
     * As above, knowing the load's connect timeout too ({@code connectTimeoutMs}, 0 when unknown): a connect that
     * timed out is doubtful on the same terms when the baseline's slowest answer took half the connect timeout or more
     * (seen at load 21 on 2 cores: the hardened demo, baseline p50 3,024 ms, failed on 5 connect timeouts of 2 s to
     * a replacement pod that had just started).
     */
    public static Verdict judge(AnalysisResult a, Expectations e, Long hiddenDrops, EvictionStats ev,
            List<String> notMeasured, List<String> saturatedGenerators, List<String> lostGenerators,
            long requestTimeoutMs, long connectTimeoutMs) {
        List<Check> checks = checks(a, e, hiddenDrops, ev);
        List<String> reasons = new ArrayList<>();
        Status status = generatorDoubt(a, saturatedGenerators, reasons);
        boolean allPassed = checks.stream().allMatch(Check::passed);
        if (status == null && a.measuredRequests() == 0) {
            status = Status.INCONCLUSIVE;
            reasons.add("no request was sent after the warm-up: nothing was measured");
        } else if (status == null) {
            status = !allPassed ? Status.FAILED : notMeasured.isEmpty() && lostGenerators.isEmpty() ? Status.PASSED
                    : Status.INCONCLUSIVE;
        }
        status = weighSlowBaseline(status, a, requestTimeoutMs, connectTimeoutMs, reasons);
        for (Check c : checks) {
            if (!c.passed()) {
                reasons.add(c.name() + ": expected " + c.expected() + ", measured " + c.actual() + " (" + c.explanation()
                        + ")");
            }
        }
        for (String n : notMeasured) {
            reasons.add("disruption not measured: " + n);
        }
        for (String g : lostGenerators) {
            reasons.add("load generator died during the load, its share not sent after that (what it sent before is"
                    + " measured, and the others' load): " + g);
        }
        return new Verdict(status, List.copyOf(checks), List.copyOf(reasons));
    }

    /** The expectations the scenario set, each checked against what was measured. */
    private static List<Check> checks(AnalysisResult a, Expectations e, Long hiddenDrops, EvictionStats ev) {
        List<Check> checks = new ArrayList<>();
        if (e.maxDropped() != null) {
            checks.add(new Check("max-dropped", a.measuredFailed() <= e.maxDropped(), "≤ " + e.maxDropped(),
                    String.valueOf(a.measuredFailed()), a.measuredFailed() + " of " + a.measuredRequests()
                            + " measured requests failed" + classes(a)));
        }
        if (e.maxErrorRatePercent() != null) {
            checks.add(new Check("max-error-rate", a.errorRatePercent() <= e.maxErrorRatePercent(),
                    "≤ " + pct(e.maxErrorRatePercent()), pct(a.errorRatePercent()),
                    "error rate over " + a.measuredRequests() + " measured requests"));
        }
        if (e.maxFailureBurstMs() != null) {
            checks.add(new Check("max-failure-burst", a.longestFailureBurstMs() <= e.maxFailureBurstMs(),
                    "≤ " + e.maxFailureBurstMs() + " ms", a.longestFailureBurstMs() + " ms",
                    a.failureBursts() + " burst(s); failures less than 500 ms apart form one burst"));
        }
        if (e.p99CeilingMs() != null) {
            boolean disrupted = !a.disruptionWindows().isEmpty();
            Windows.Kind kind = disrupted ? Windows.Kind.DISRUPTION : Windows.Kind.BASELINE;
            LatencyHistogram.Summary s = a.latency().get(kind);
            boolean ok = s.count() == 0 || s.p99() <= e.p99CeilingMs();
            checks.add(new Check("p99-ceiling", ok, "≤ " + e.p99CeilingMs() + " ms",
                    s.count() == 0 ? "no requests" : s.p99() + " ms",
                    "p99 latency " + (disrupted ? "during disruption windows" : "of the baseline (no disruption ran)")
                            + " over " + s.count() + " requests"));
        }
        if (e.minAvailabilityPercent() != null) {
            checks.add(new Check("min-availability", a.availabilityPercent() >= e.minAvailabilityPercent(),
                    "≥ " + pct(e.minAvailabilityPercent()), pct(a.availabilityPercent()),
                    a.measuredOk() + " of " + a.measuredRequests() + " measured requests OK"));
        }
        if (e.maxHiddenDrops() != null && hiddenDrops != null) {
            checks.add(new Check("max-hidden-drops", hiddenDrops <= e.maxHiddenDrops(), "≤ " + e.maxHiddenDrops(),
                    String.valueOf(hiddenDrops),
                    "requests the server cut while the client saw them OK (Gatling retried them silently)"));
        }
        if (ev.attempted() > 0) {
            checks.add(new Check("evictions-complete", ev.timedOut() == 0, "every eviction done before its timeout",
                    ev.evicted() + " of " + ev.attempted() + " evicted, " + ev.refusals() + " refused (429)",
                    ev.timedOut() == 0 ? "refusals were retried every 5 s, as kubectl drain does"
                            : "the PodDisruptionBudget never allowed the eviction: drains would hang. Last answer: "
                                    + ev.lastRefusal()));
        }
        return checks;
    }

    /**
     * INCONCLUSIVE, with its reasons added, when the load generator could not do its part; null when it could. Every
     * reason the run cannot judge the target is said, the most specific first: requests the generator could not send
     * itself (out of open files) also make it short of the asked rate.
     */
    private static Status generatorDoubt(AnalysisResult a, List<String> saturatedGenerators, List<String> reasons) {
        Status status = null;
        if (a.failuresByClass().getOrDefault(FailureClass.GENERATOR_FAULT, 0L) > 0) {
            status = Status.INCONCLUSIVE;
            reasons.add("the load generator could not send " + a.failuresByClass().get(
                    FailureClass.GENERATOR_FAULT) + " request(s) itself (out of open files or"
                    + " local ports): they are not the target's failures, so the target is neither blamed nor"
                    + " credited; raise the generator's open-file limit (ulimit -n) or lower the rate or the request"
                    + " timeout");
        }
        if (a.loadGeneratorSaturated()) {
            status = Status.INCONCLUSIVE;
            reasons.add(String.format(Locale.ROOT, "the load generator sent %.1f req/s of the %.1f asked (below 90 %%):"
                    + " it was saturated, so the target is neither blamed nor credited; lower the rate or give the"
                    + " load generator more CPU", a.achievedRate(), a.askedRate()) + (saturatedGenerators.isEmpty() ? ""
                    : "; below their share: " + String.join(", ", saturatedGenerators)));
        } else if (!saturatedGenerators.isEmpty()) {
            status = Status.INCONCLUSIVE;
            reasons.add("load generator(s) " + String.join(", ", saturatedGenerators) + " sent below 90 % of their"
                    + " share of the asked rate: saturated, so the target is neither blamed nor credited; lower"
                    + " traffic.generatorRate (more generators) or give the generators more CPU");
        }
        return status;
    }

    /**
     * A failed run whose every failure is a timeout that a baseline as slow as this one explains becomes INCONCLUSIVE;
     * with other failures beside them it stays FAILED and says how many are doubtful.
     */
    private static Status weighSlowBaseline(Status status, AnalysisResult a, long requestTimeoutMs,
            long connectTimeoutMs, List<String> reasons) {
        SlowBaseline slow = SlowBaseline.of(a, requestTimeoutMs, connectTimeoutMs);
        if (slow == null || status != Status.FAILED) {
            return status;
        }
        long timeouts = slow.timeouts();
        if (timeouts == a.measuredFailed()) {
            reasons.add(slow.why() + ": the " + timeouts + " timed-out request(s) cannot be told from that"
                    + " ordinary slowness, so the target is neither blamed nor credited; give the load generator"
                    + " and the target more CPU, or raise " + slow.settings());
            return Status.INCONCLUSIVE;
        }
        reasons.add(slow.why() + ": " + timeouts + " of the " + a.measuredFailed() + " failures are"
                + " timeouts, which that slowness alone may explain; the others fail the run");
        return status;
    }

    /** The process exit code for this verdict: 0 passed, 1 failed, 3 inconclusive (an environment problem). */
    public int exitCode() {
        return switch (status) {
            case PASSED -> ExitCodes.PASSED;
            case FAILED -> ExitCodes.VERDICT_FAILED;
            case INCONCLUSIVE, ERROR -> ExitCodes.ENVIRONMENT;
        };
    }

    private static String classes(AnalysisResult a) {
        if (a.failuresByClass().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(": ");
        a.failuresByClass().forEach((k, v) -> sb.append(k).append(' ').append(v).append(", "));
        return sb.substring(0, sb.length() - 2);
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.3f %%", v);
    }
}
