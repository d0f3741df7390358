package io.zerodrop.cli;

import io.zerodrop.core.HttpUrl;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.engine.Experiment;
import io.zerodrop.engine.OutputDirectory;
import io.zerodrop.engine.ScenarioRunner;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.sims.Params;
import io.zerodrop.traffic.Simulations;
import io.zerodrop.verdict.Expectations;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
        LoadSpec load = new LoadSpec(simulation, rate, (int) warmup.toSeconds(), (int) duration.toSeconds(),
                requestTimeout.toMillis(), connectTimeout.toMillis(), paths.isEmpty() ? List.of(target.path()) : paths,
                method, headers, body, expectStatus, simulationClasspath, heapMb);
        Experiment.Outcome outcome = new ScenarioRunner(spec.commandLine().getErr()).traffic(
                new ScenarioRunner.Traffic(url, target.baseUrl(), load, expectations, ledgers, out, !noGatlingReport));
        spec.commandLine().getOut().print(outcome.summary());
        spec.commandLine().getOut().flush();
        return outcome.exitCode();
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
