package io.zerodrop.runtime.local;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.FailureClass;
import io.zerodrop.analysis.LatencyHistogram;
import io.zerodrop.analysis.Windows;
import io.zerodrop.engine.Experiment;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.Verdict;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Assumptions;

/**
 * A proof run whose disruption must finish inside the measured load. On a starved machine (a CI runner beside other
 * runs) a pod takes longer to stop or a rollout to complete, and zerodrop rightly says INCONCLUSIVE: "disruption not
 * measured". The proof then runs again with the load lengthened by what the run itself measured — from its last
 * request to its last event, plus 5 s — instead of a fixed guess at the machine's speed. A run whose load generator
 * was saturated (INCONCLUSIVE), or that failed only with timeouts on a machine it measured starved, is run again as
 * it was. Three attempts at most; three such runs abort the test (reported as skipped, with the summary): such a
 * machine cannot make the proof.
 */
final class Measured {
    private Measured() {
    }

    /** {@code run.apply(attempt, durationSeconds)}: each attempt writes into a directory of its own. */
    static Experiment.Outcome run(BiFunction<Integer, Integer, Experiment.Outcome> run, int durationSeconds) {
        int duration = durationSeconds;
        Experiment.Outcome o = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            o = run.apply(attempt, duration);
            if (saturated(o.report().verdict())) {
                // the load generator could not send the asked rate: the run measured the machine, not the target
                System.err.printf("proof run %d: the load generator was saturated (a starved machine); again%n",
                        attempt + 1);
                continue;
            }
            if (onlyTheMachinesTimeouts(o)) {
                System.err.printf("proof run %d: only timeouts, on a machine the run measured starved (baseline p99"
                        + " %d ms); again%n", attempt + 1, o.report().analysis().latency().get(Windows.Kind.BASELINE)
                        .p99());
                continue;
            }
            if (!onlyNotMeasured(o.report().verdict())) {
                return o;
            }
            long last = o.report().analysis().lastRequestMs();
            long latest = o.report().timeline().stream().filter(e -> e.type().isMoment())
                    .mapToLong(TimelineEvent::atMs).max().orElse(last);
            int extra = (int) Math.ceil(Math.max(0, latest - last) / 1000.0) + 5;
            System.err.printf("proof run %d: the disruption outlasted the load by %d ms (a slow machine); again with"
                    + " %d s more load%n", attempt + 1, latest - last, extra);
            duration += extra;
        }
        if (onlyTheMachinesTimeouts(o)) {
            Assumptions.abort("three runs in a row, this machine was starved (baseline p99 at half the request"
                    + " timeout or more) and every failure was a timeout: nothing was proven here\n" + o.summary());
        }
        if (saturated(o.report().verdict())) {
            Assumptions.abort("three runs in a row, this machine could not send the proof's"
                    + " load (zerodrop said INCONCLUSIVE: load generator saturated); nothing was proven here\n"
                    + o.summary());
        }
        return o;
    }

    /**
     * A run that failed only with timeouts (request or connect) on a machine it measured starved before any
     * disruption: its failures are the machine's as much as the target's, so it proves neither a drop nor its
     * absence.
     */
    static boolean onlyTheMachinesTimeouts(Experiment.Outcome o) {
        AnalysisResult a = o.report().analysis();
        return o.report().verdict().status() == Verdict.Status.FAILED && starved(a) && a.measuredFailed() > 0
                && a.failuresByClass().keySet().stream().allMatch(c -> c == FailureClass.REQUEST_TIMEOUT
                        || c == FailureClass.CONNECT_TIMEOUT);
    }

    static boolean saturated(Verdict v) {
        return v.status() == Verdict.Status.INCONCLUSIVE && v.reasons().stream().anyMatch(r -> r.contains("saturated"));
    }

    static boolean onlyNotMeasured(Verdict v) {
        return v.status() == Verdict.Status.INCONCLUSIVE && !v.reasons().isEmpty()
                && v.reasons().stream().allMatch(r -> r.startsWith("disruption not measured"));
    }

    /**
     * Whether the run itself measured this machine starved before any disruption: its baseline p99 at half the load's
     * 5 s request timeout or more. A request timeout is then the machine's, not the target's.
     */
    static boolean starved(AnalysisResult a) {
        LatencyHistogram.Summary baseline = a.latency().get(Windows.Kind.BASELINE);
        return baseline != null && baseline.p99() >= 2_500;
    }
}
