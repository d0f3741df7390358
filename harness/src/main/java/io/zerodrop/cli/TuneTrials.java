package io.zerodrop.cli;

import io.zerodrop.analysis.PodTermination;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.engine.Experiment;
import io.zerodrop.engine.RunRequest;
import io.zerodrop.engine.ScenarioRunner;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.scenario.Setting;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.IntFunction;

/**
 * The runs of one {@code tune}: each tries one value of the setting in its own directory, prints its outcome and is
 * kept for the report. Past {@code --max-runs}, after an interrupt, or after a run that was not judged, the search
 * cannot go on and {@link TuneCommand.GiveUp} says why.
 */
final class TuneTrials implements BiFunction<String, String, TuneCommand.Trial> {
    private final Setting setting;
    private final String param;
    private final int maxRuns;
    private final IntFunction<Scenario> scenario;
    private final IntFunction<RunRequest> request;
    private final ScenarioRunner runner;
    private final ScenarioRunner.Options options;
    private final Path dir;
    private final PrintWriter o;
    private final List<TuneCommand.Trial> done = new ArrayList<>();
    private boolean interrupted;
    private boolean notJudged;

    /** {@code scenario} and {@code request} give run k's scenario (before the value is set) and its request. */
    TuneTrials(Setting setting, int maxRuns, IntFunction<Scenario> scenario, IntFunction<RunRequest> request,
            ScenarioRunner runner, ScenarioRunner.Options options, Path dir, PrintWriter o) {
        this.setting = setting;
        this.param = setting.key();
        this.maxRuns = maxRuns;
        this.scenario = scenario;
        this.request = request;
        this.runner = runner;
        this.options = options;
        this.dir = dir;
        this.o = o;
    }

    /** One run with the setting at {@code value}, for {@code purpose} (measure, bisect, confirm i/n). */
    @Override
    public TuneCommand.Trial apply(String value, String purpose) {
        if (done.size() >= maxRuns) {
            throw new TuneCommand.GiveUp("--max-runs " + maxRuns + " reached");
        }
        int k = done.size() + 1;
        Scenario withValue = scenario.apply(k).withSettings(" (" + param + " " + value + ")", Map.of(setting, value));
        Path runDir = dir.resolve(String.format(Locale.ROOT, "run-%02d-%s-%s", k, param, value.replace("%", "pct")));
        o.println("tune: run " + k + " (" + purpose + "): " + param + " = " + value);
        o.flush();
        Experiment.Outcome r = runner.run(withValue, request.apply(k), options.into(runDir));
        o.print(r.summary());
        o.flush();
        int code = r.exitCode();
        TuneCommand.Trial t = code == ExitCodes.INTERRUPTED
                ? new TuneCommand.Trial(k, value, purpose, -1, "INTERRUPTED", -1, -1, runDir)
                : measure(k, value, purpose, r, runDir);
        done.add(t);
        o.println("tune: run " + k + ": " + (t.judged() ? t.failed() + " failed (" + t.verdict() + ")"
                : "not judged (" + t.verdict() + ")") + (t.lagMaxMs() >= 0 ? ", routing lag max " + t.lagMaxMs()
                + " ms" : "") + (t.drainMaxMs() >= 0 ? ", drain max " + t.drainMaxMs() + " ms" : ""));
        o.flush();
        if (code == ExitCodes.INTERRUPTED) {
            interrupted = true;
            throw new TuneCommand.GiveUp("interrupted (SIGINT or SIGTERM) during run " + k + "; what it changed was"
                    + " undone");
        }
        if (!t.judged()) {
            notJudged = true;
            String why = r.report().verdict().reasons().isEmpty() ? "" : ": " + r.report().verdict().reasons().get(0);
            throw new TuneCommand.GiveUp("run " + k + " (" + param + " = " + value + ") was " + t.verdict() + why
                    + "; a run that was not judged cannot tell whether " + value + " drops requests, so the search"
                    + " stops there (see its report)");
        }
        return t;
    }

    /** The runs made so far, in order. */
    List<TuneCommand.Trial> done() {
        return List.copyOf(done);
    }

    /** Whether a run was interrupted (SIGINT or SIGTERM). */
    boolean interrupted() {
        return interrupted;
    }

    /** Whether a run ended neither PASSED nor FAILED. */
    boolean notJudged() {
        return notJudged;
    }

    /** A run's value, verdict, failures, and the longest routing lag and drain it measured. */
    static TuneCommand.Trial measure(int k, String value, String purpose, Experiment.Outcome r, Path dir) {
        if (r == null) {
            return new TuneCommand.Trial(k, value, purpose, -1, "ERROR", -1, -1, dir);
        }
        long lag = -1;
        long drain = -1;
        for (PodTermination t : r.report().analysis().terminations()) {
            lag = Math.max(lag, t.routingLagMs());
            if (t.sigtermMs() >= 0 && t.exitMs() >= t.sigtermMs()) {
                drain = Math.max(drain, t.exitMs() - t.sigtermMs());
            }
        }
        String status = r.report().verdict().status().name();
        long failed = status.equals("ERROR") || status.equals("INCONCLUSIVE") ? -1 : r.report().analysis()
                .measuredFailed();
        return new TuneCommand.Trial(k, value, purpose, failed, status, lag, drain, dir);
    }
}
