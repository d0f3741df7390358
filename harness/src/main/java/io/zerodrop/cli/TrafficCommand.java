package io.zerodrop.cli;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.HttpUrl;
import io.zerodrop.core.RunMarker;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.engine.Leftovers;
import io.zerodrop.engine.Measurement;
import io.zerodrop.engine.OutputDirectory;
import io.zerodrop.engine.Reports;
import io.zerodrop.engine.RunInfo;
import io.zerodrop.gatling.GeneratorLog;
import io.zerodrop.gatling.SimulationLogException;
import io.zerodrop.ledger.LedgerSource;
import io.zerodrop.report.ConsoleSummary;
import io.zerodrop.report.RunReport;
import io.zerodrop.report.Step;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.sims.Params;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.traffic.ProgressPrinter;
import io.zerodrop.traffic.Simulations;
import io.zerodrop.traffic.TrafficPlan;
import io.zerodrop.traffic.TrafficRun;
import io.zerodrop.traffic.TrafficRunner;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.verdict.Verdict;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code zerodrop traffic}: real Gatling load against one URL, no disruption: a baseline check with a verdict. */
@Command(name = "traffic", mixinStandardHelpOptions = true,
        description = "Send real Gatling load to a URL (no disruption), judge it against expectations and write "
                + "report.json, junit.xml and report.html.")
final class TrafficCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "Target, e.g. http://127.0.0.1:8080/ (its path is the request path unless --path is given).")
    String url;

    @Option(names = "--simulation", defaultValue = "steady", paramLabel = "NAME|CLASS",
            description = "steady (shared keep-alive pool), fresh-connections (a connection per request), "
                    + "slow-requests, or a simulation class name. Default: ${DEFAULT-VALUE}.")
    String simulation;

    @Option(names = "--simulation-classpath", paramLabel = "PATH",
            description = "Extra class path entries for your own simulation class (repeatable).")
    List<Path> simulationClasspath = new ArrayList<>();

    @Option(names = "--path", paramLabel = "PATH", description = "Request path, requested round-robin (repeatable).")
    List<String> paths = new ArrayList<>();

    @Option(names = "--method", defaultValue = "GET", description = "HTTP method. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--header", paramLabel = "'NAME: VALUE'", description = "Extra request header (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = "--body", description = "Request body.")
    String body;

    @Option(names = "--expect-status", defaultValue = "200-299", paramLabel = "SPEC",
            description = "Statuses that count as OK: one range (200-299) or up to 12 codes. Default: ${DEFAULT-VALUE}.")
    String expectStatus;

    @Option(names = "--rate", defaultValue = "100", description = "Requests per second (open model). "
            + "Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--warmup", defaultValue = "5s", converter = DurationConverter.class,
            description = "Ramped warm-up, excluded from the verdict. Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class,
            description = "Measured duration at the full rate, after the warm-up. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--request-timeout", defaultValue = "5s", converter = DurationConverter.class,
            description = "Gatling's request timeout. Default: ${DEFAULT-VALUE}.")
    Duration requestTimeout;

    @Option(names = "--connect-timeout", defaultValue = "2s", converter = DurationConverter.class,
            description = "Gatling's TCP connect timeout. Default: ${DEFAULT-VALUE}.")
    Duration connectTimeout;

    @Option(names = "--max-dropped", defaultValue = "0", description = "Most failed requests allowed. "
            + "Default: ${DEFAULT-VALUE}.")
    long maxDropped;

    @Option(names = "--max-error-rate", paramLabel = "PERCENT", description = "Highest error rate allowed, in %%.")
    Double maxErrorRate;

    @Option(names = "--max-burst", converter = DurationConverter.class,
            description = "Longest failure burst allowed (failures < 500 ms apart form one burst).")
    Duration maxBurst;

    @Option(names = "--p99-ceiling", converter = DurationConverter.class,
            description = "Highest p99 latency allowed (during disruptions; of the baseline when none ran).")
    Duration p99Ceiling;

    @Option(names = "--min-availability", paramLabel = "PERCENT", description = "Lowest share of OK requests, in %%.")
    Double minAvailability;

    @Option(names = "--max-hidden-drops", defaultValue = "0",
            description = "Most hidden drops allowed (needs --ledger). Default: ${DEFAULT-VALUE}.")
    long maxHiddenDrops;

    @Option(names = "--ledger", paramLabel = "FILE",
            description = "The target's ledger file(s) (target-app LEDGER_FILE), read after the run (repeatable).")
    List<Path> ledgers = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory, new or empty (an earlier run's is refused). "
            + "Default: zerodrop-out/<time>.")
    Path out;

    @Option(names = "--no-gatling-report", description = "Skip Gatling's own HTML report (saves a few seconds).")
    boolean noGatlingReport;

    @Option(names = "--load-generator-heap", defaultValue = "1024", paramLabel = "MB",
            description = "Heap of the forked Gatling JVM. Default: ${DEFAULT-VALUE}.")
    int heapMb;

    @Override
    public Integer call() {
        long commandStart = System.currentTimeMillis();
        Target target = parseTarget();
        String simulationClass = Simulations.resolve(simulation);
        validate();
        String simulationProblem = Simulations.problem(simulationClass, simulationClasspath);
        if (simulationProblem != null) {
            throw ZerodropException.usage("--simulation \"" + simulation + "\": " + simulationProblem);
        }
        Expectations expectations = expectations();
        if (out != null) {
            OutputDirectory.check(out, "--out");
        }
        Path outDir = OutputDirectory.create(out, "--out", "");

        LoadSpec load = new LoadSpec(simulation, rate, (int) warmup.toSeconds(), (int) duration.toSeconds(),
                requestTimeout.toMillis(), connectTimeout.toMillis(), paths.isEmpty() ? List.of(target.path()) : paths,
                method, headers, body, expectStatus, simulationClasspath, heapMb);
        TrafficPlan plan = load.toPlan(target.baseUrl(), outDir, !noGatlingReport);

        List<Step> steps = new ArrayList<>();
        Timeline timeline = new Timeline();
        TrafficRun run;
        boolean interrupted = false;
        CountDownLatch reported = new CountDownLatch(1);
        Leftovers.removeAndReport(spec.commandLine().getErr());
        try {
            try (Undo undo = new Undo()) {
                RunMarker.begin(undo);
                // on SIGINT/SIGTERM the JVM exits once its hooks end: let it wait for the reports of what was measured
                undo.afterSignal(() -> {
                    try {
                        reported.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                long s = System.currentTimeMillis();
                spec.commandLine().getErr().printf("zerodrop: %s at %.0f req/s against %s for %d s (+%d s warm-up)%n",
                        Simulations.label(simulationClass), rate, target.baseUrl(), duration.toSeconds(),
                        warmup.toSeconds());
                ProgressPrinter progress = ProgressPrinter.to(spec.commandLine().getErr());
                try {
                    run = new TrafficRunner(undo).run(plan, progress::print);
                    steps.add(new Step("traffic", s, run.endedMs(), Step.Status.OK, "Gatling " + simulationClass
                            + " exited 0; log " + run.simulationLog()));
                } catch (TrafficRunner.Interrupted i) {
                    run = i.partial();
                    interrupted = true;
                    steps.add(new Step("traffic", s, System.currentTimeMillis(), Step.Status.FAILED, "interrupted"
                            + " (SIGINT or SIGTERM); the load up to then is kept"));
                } finally {
                    progress.done();
                }
            }
            return report(commandStart, target, simulationClass, expectations, outDir, plan, steps, timeline, run,
                    interrupted);
        } finally {
            reported.countDown();
        }
    }

    /** Analysis, verdict and reports of a traffic run, whole or cut short by an interrupt (then exit 130). */
    private int report(long commandStart, Target target, String simulationClass, Expectations expectations,
            Path outDir, TrafficPlan plan, List<Step> steps, Timeline timeline, TrafficRun run, boolean interrupted) {
        long a0 = System.currentTimeMillis();
        Measurement.Result m;
        try {
            m = run == null ? null : Measurement.analyse(List.of(interrupted
                    ? new GeneratorLog("local", run.simulationLog(), 0, 0).cutShort()
                    : new GeneratorLog("local", run.simulationLog(), 0, 0)), timeline,
                    (int) warmup.toSeconds(), rate, interrupted || ledgers.isEmpty() ? null
                            : LedgerSource.files(ledgers, Measurement.LEDGER_WAIT_MS), -1, null);
        } catch (SimulationLogException nothingWritten) {
            if (!interrupted) {
                throw nothingWritten;
            }
            m = null; // stopped before Gatling had written its first record: nothing was measured
        }
        AnalysisResult analysis = m != null ? m.analysis()
                : Measurement.nothingMeasured(timeline, rate);
        steps.add(new Step(interrupted ? "analysis of the load up to the interrupt" : "analysis", a0,
                System.currentTimeMillis(), Step.Status.OK, analysis.totalRequests() + " requests decoded"));
        if (analysis.firstRequestMs() > 0) {
            spec.commandLine().getErr().printf("zerodrop: first request sent %d ms after zerodrop started%n",
                    analysis.firstRequestMs() - commandStart);
        }

        Verdict verdict = interrupted ? Verdict.error("traffic interrupted (SIGINT or SIGTERM): the load was stopped"
                + " early; what it measured until then is reported, not judged") : Verdict.judge(analysis,
                expectations, m.groundTruth().map(g -> g.hiddenDrops()).orElse(null));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("simulation", simulationClass);
        settings.putAll(plan.properties());
        settings.put("requestTimeoutMs", requestTimeout.toMillis());
        settings.put("connectTimeoutMs", connectTimeout.toMillis());
        settings.put("expectations", expectations);
        String title = "zerodrop traffic — " + url;
        Optional<Path> gatling = run == null ? Optional.empty() : run.gatlingReport();
        RunReport report = new RunReport(RunInfo.header("traffic", "none (traffic only, no disruption)", url,
                m != null ? m.gatling().gatlingVersion() : "(no load ran)", settings), steps, timeline.events(),
                analysis, m != null && !interrupted ? m.groundTruth() : Optional.empty(),
                m != null && !interrupted ? m.findings() : List.of(), verdict,
                gatling.map(p -> outDir.relativize(p).toString()));
        List<Path> files = new ArrayList<>(Reports.writeAll(report, title, "zerodrop.traffic", outDir));
        gatling.ifPresent(files::add);
        spec.commandLine().getOut().print(ConsoleSummary.render(report, title,
                files.stream().map(Path::toString).toList()));
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().printf("zerodrop: %s in %.1f s%n", interrupted ? "interrupted" : "done",
                (System.currentTimeMillis() - commandStart) / 1000.0);
        spec.commandLine().getErr().flush();
        return interrupted ? ExitCodes.INTERRUPTED : verdict.exitCode();
    }

    private Expectations expectations() {
        try {
            return new Expectations(maxDropped, maxErrorRate, maxBurst == null ? null : maxBurst.toMillis(),
                    p99Ceiling == null ? null : p99Ceiling.toMillis(), minAvailability,
                    ledgers.isEmpty() ? null : maxHiddenDrops);
        } catch (IllegalArgumentException e) {
            throw ZerodropException.usage(e.getMessage());
        }
    }

    private record Target(String baseUrl, String path) {
    }

    private Target parseTarget() {
        String problem = HttpUrl.problem(url);
        if (problem != null) {
            throw ZerodropException.usage("--url \"" + url + "\" is " + problem);
        }
        URI uri = URI.create(url.trim());
        String base = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        return new Target(base, path);
    }

    private void validate() {
        if (!(rate > 0 && rate <= 100_000)) {
            throw ZerodropException.usage("--rate " + rate + " is invalid: expected more than 0 and at most 100000");
        }
        if (duration.toSeconds() < 1) {
            throw ZerodropException.usage("--duration " + duration.toMillis() + "ms is invalid: expected at least 1s");
        }
        if (requestTimeout.toMillis() < 1 || connectTimeout.toMillis() < 1) {
            throw ZerodropException.usage("--request-timeout and --connect-timeout must be positive");
        }
        for (String p : paths) {
            if (!p.startsWith("/") && !p.startsWith("http://") && !p.startsWith("https://")) {
                throw ZerodropException.usage("--path \"" + p + "\" is invalid: expected a path starting with /");
            }
            String problem = p.startsWith("/") ? null : HttpUrl.problem(p);
            if (problem != null) {
                throw ZerodropException.usage("--path \"" + p + "\" is " + problem);
            }
        }
        if (!Simulations.isMethod(method)) {
            throw ZerodropException.usage("--method \"" + method + "\" is invalid: expected one HTTP method such as GET"
                    + " or POST (one token, no spaces)");
        }
        for (String h : headers) {
            if (h.indexOf(':') <= 0 || h.contains("|")) {
                throw ZerodropException.usage("--header \"" + h + "\" is invalid: expected 'Name: value' without '|'");
            }
        }
        try {
            Params.statuses(expectStatus);
        } catch (IllegalArgumentException e) {
            throw ZerodropException.usage("--expect-status \"" + expectStatus + "\" is invalid: expected one range like"
                    + " 200-299 or up to 12 codes like 200,204,304");
        }
        for (Path l : ledgers) {
            if (l.getParent() != null && !Files.isDirectory(l.toAbsolutePath().getParent())) {
                throw ZerodropException.usage("--ledger " + l + ": its directory does not exist");
            }
        }
        if (heapMb < 128) {
            throw ZerodropException.usage("--load-generator-heap " + heapMb + " is invalid: expected at least 128 (MB)");
        }
    }

}
