package io.zerodrop.scenario;

import io.zerodrop.core.HttpUrl;
import io.zerodrop.core.IntOrPercent;
import io.zerodrop.disruption.DisruptionKind;
import io.zerodrop.disruption.PodSelector;
import io.zerodrop.sims.Params;
import io.zerodrop.traffic.Simulations;
import io.zerodrop.verdict.Expectations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads and validates a scenario file; every error names file, line, column, the input and what was expected. */
public final class ScenarioLoader {
    /** The step keys some disruption kinds take and others refuse. */
    static final List<String> OPTION_KEYS = List.of("grace", "node", "timeout", "retry", "by", "hold");
    static final List<String> PLANNED = List.of();
    /** The floor and cap of an eviction retry: each attempt is an API call and a timeline event. */
    static final Duration MIN_RETRY = Duration.ofMillis(100);
    static final Duration MAX_RETRY = Duration.ofSeconds(60);

    private ScenarioLoader() {
    }

    private static String intOrPercent(Yaml.Map_ m, String key) {
        if (!m.has(key)) {
            return null;
        }
        String v = m.string(key, null).trim();
        if (!IntOrPercent.valid(v)) {
            throw m.at(key, "'" + m.p(key) + "' is \"" + v + "\"; expected " + IntOrPercent.EXPECTED);
        }
        return v;
    }

    public static Scenario load(Path file, long seed) {
        if (!Files.isRegularFile(file)) {
            throw new ScenarioException(file, 1, 1, "no such scenario file");
        }
        Yaml.Map_ root = Yaml.read(file).only("name", "target", "settings", "traffic", "disruptions", "expect", "local");
        String name = root.string("name", file.getFileName().toString());
        Target target = target(file, root.map("target").only("manifests", "runtime", "workload", "namespace",
                "startBudget"));
        Scenario.Settings settings = settings(root.mapOrEmpty("settings").only(settingsKeys()));
        Traffic traffic = traffic(root.map("traffic").only("simulation", "rate", "warmup", "duration",
                "requestTimeout", "connectTimeout", "paths", "method", "headers", "body", "expectStatus", "url", "from",
                "generators", "generatorRate", "clockResolution", "image", "podHeader", "routingAllowance"));
        List<Scenario.StepSpec> steps = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int n = 0;
        for (Yaml.Map_ d : root.listOfMaps("disruptions")) {
            n++;
            steps.add(step(d, n, traffic.duration(), seed, ids));
        }
        Expectations expectations = expectations(root.mapOrEmpty("expect").only("maxDropped", "maxErrorRatePercent",
                "maxFailureBurst", "p99Ceiling", "minAvailabilityPercent", "maxHiddenDrops"));
        Scenario.Local local = local(root.mapOrEmpty("local").only("nodes", "endpointPropagation", "endpointJitter",
                "kubeletNotice", "images", "service", "generatorClockSkews"));
        return new Scenario(file, name, target.manifests(), target.runtime(), target.workload(), target.namespace(),
                settings, traffic.load(), steps, expectations, local, traffic.url(), target.startBudget(),
                traffic.routingAllowance());
    }

    /** {@code target}: what runs the workload and where it is described. */
    private record Target(String runtime, Path manifests, String workload, String namespace, Duration startBudget) {
    }

    private static Target target(Path file, Yaml.Map_ target) {
        String runtime = target.oneOf("runtime", target.has("workload") ? "kubernetes" : "local", "local",
                "kubernetes");
        Path manifests = null;
        if (target.has("manifests")) {
            String manifestsRaw = target.string("manifests", null);
            manifests = file.toAbsolutePath().getParent().resolve(manifestsRaw).normalize();
            if (!Files.exists(manifests)) {
                throw target.at("manifests", "'target.manifests' is \"" + manifestsRaw + "\": " + manifests
                        + " does not exist (paths are relative to the scenario file)");
            }
        } else if (!target.has("workload")) {
            throw target.at("manifests", "'target' needs 'manifests' (a kustomize directory or YAML files) or"
                    + " 'workload' and 'namespace' (a workload already running in a cluster)");
        }
        String workload = null;
        String namespace = null;
        if (target.has("workload")) {
            workload = target.string("workload", null);
            if (!workload.matches("(deployment|statefulset)/[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                throw target.at("workload", "'target.workload' is \"" + workload + "\"; expected deployment/<name> or"
                        + " statefulset/<name>");
            }
            namespace = target.string("namespace", null);
            if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                throw target.at("namespace", "'target.namespace' is \"" + namespace + "\"; expected a namespace"
                        + " name (lower-case letters, digits and '-')");
            }
        }
        Duration startBudget = target.durationOrNull("startBudget");
        if (startBudget != null && Scenario.startBudgetProblem(startBudget) != null) {
            throw target.at("startBudget", "'target.startBudget' is \"" + target.string("startBudget", null) + "\"; "
                    + Scenario.startBudgetProblem(startBudget));
        }
        if (runtime.equals("local") && manifests == null) {
            throw target.at("workload", "the local runtime runs what 'target.manifests' describes; 'workload' and"
                    + " 'namespace' name a workload in a cluster (runtime: kubernetes)");
        }
        return new Target(runtime, manifests, workload, namespace, startBudget);
    }

    /** The keys a scenario's {@code settings:} takes: each setting's, or its section's, and {@code env}. */
    private static String[] settingsKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (Setting k : Setting.values()) {
            keys.add(k.section().orElse(k.key()));
        }
        keys.add("env");
        return keys.toArray(String[]::new);
    }

    /** {@code settings}: the settings under test ({@link Setting}, and {@code env}), each checked against its range. */
    private static Scenario.Settings settings(Yaml.Map_ st) {
        Map<String, Yaml.Map_> sections = new LinkedHashMap<>();
        for (Setting k : Setting.values()) {
            k.section().ifPresent(section -> sections.computeIfAbsent(section, name -> st.mapOrEmpty(name).only(
                    Arrays.stream(Setting.values()).filter(o -> o.section().equals(Optional.of(name)))
                            .map(Setting::field).toArray(String[]::new))));
        }
        Yaml.Map_ pdb = sections.get("podDisruptionBudget");
        if (pdb.has("minAvailable") && pdb.has("maxUnavailable")) {
            throw pdb.at("maxUnavailable", "a PodDisruptionBudget has minAvailable or maxUnavailable, not both");
        }
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        for (Setting k : Setting.values()) {
            Yaml.Map_ in = k.section().map(sections::get).orElse(st);
            String v = k.whole() ? (in.has(k.field()) ? String.valueOf(in.whole(k.field(), null, k.min(), k.max()))
                    : null) : intOrPercent(in, k.field());
            if (v != null) {
                values.put(k, v);
            }
        }
        return new Scenario.Settings(values, st.stringMap("env"));
    }

    /** {@code traffic}: the load, its address and how much later than the EndpointSlice the data path may route. */
    private record Traffic(LoadSpec load, String url, Duration routingAllowance, Duration duration) {
    }

    private static Traffic traffic(Yaml.Map_ tr) {
        String trafficUrl = trafficUrl(tr);
        Duration routingAllowance = routingAllowance(tr);
        String simulation = simulation(tr);
        String expectStatus = tr.string("expectStatus", "200-299");
        try {
            Params.statuses(expectStatus);
        } catch (IllegalArgumentException e) {
            throw tr.at("expectStatus", "'traffic.expectStatus' is \"" + expectStatus + "\"; expected one range like"
                    + " 200-299 or up to 12 codes like 200,204,304");
        }
        List<String> paths = tr.strings("paths", List.of("/"));
        for (String p : paths) {
            if (!p.startsWith("/")) {
                throw tr.at("paths", "'traffic.paths' has \"" + p + "\"; expected paths starting with /");
            }
        }
        Duration warmup = tr.duration("warmup", Duration.ofSeconds(5));
        Duration duration = tr.duration("duration", Duration.ofSeconds(30));
        if (duration.toSeconds() < 1) {
            throw tr.at("duration", "'traffic.duration' must be at least 1s");
        }
        String method = tr.string("method", "GET");
        if (!Simulations.isMethod(method)) {
            throw tr.at("method", "'traffic.method' is \"" + method + "\"; expected one HTTP method such as GET or POST");
        }
        LoadSpec load = new LoadSpec(simulation, tr.number("rate", 100.0, 0.1, 100_000), (int) warmup.toSeconds(),
                (int) duration.toSeconds(), tr.duration("requestTimeout", Duration.ofSeconds(5)).toMillis(),
                tr.duration("connectTimeout", Duration.ofSeconds(2)).toMillis(), paths, method,
                tr.strings("headers", List.of()), tr.has("body") ? tr.string("body", null) : null, expectStatus,
                List.of(), 1024, loadFrom(tr), podHeader(tr));

        if (!load.from().cluster() && (tr.has("generators") || tr.has("generatorRate") || tr.has("image")
                || tr.has("clockResolution"))) {
            String key = Stream.of("generators", "generatorRate", "image", "clockResolution")
                    .filter(tr::has).findFirst().orElseThrow();
            throw tr.at(key, "'traffic." + key + "' applies to load from inside the cluster; add 'from: cluster'"
                    + " (the load now comes from this host: one generator)");
        }
        return new Traffic(load, trafficUrl, routingAllowance, duration);
    }

    /** {@code traffic.url}: the address load from this host goes to instead of the workload's; null when unset. */
    private static String trafficUrl(Yaml.Map_ tr) {
        String trafficUrl = tr.has("url") ? tr.string("url", null) : null;
        if (trafficUrl != null && HttpUrl.problem(trafficUrl) != null) {
            throw tr.at("url", "'traffic.url' is \"" + trafficUrl + "\": " + HttpUrl.problem(trafficUrl));
        }
        if (trafficUrl != null && !trafficUrl.matches("https?://[^/\\s]+/?")) {
            throw tr.at("url", "'traffic.url' is \"" + trafficUrl + "\"; expected http(s)://host[:port] (the Ingress,"
                    + " LoadBalancer or NodePort address the load goes to; paths go in 'traffic.paths')");
        }
        return trafficUrl;
    }

    /** {@code traffic.routingAllowance}; null when unset. */
    private static Duration routingAllowance(Yaml.Map_ tr) {
        Duration routingAllowance = tr.durationOrNull("routingAllowance");
        if (routingAllowance != null && (routingAllowance.isNegative()
                || routingAllowance.compareTo(Scenario.MAX_ROUTING_ALLOWANCE) > 0)) {
            throw tr.at("routingAllowance", "'traffic.routingAllowance' is \"" + tr.string("routingAllowance", null)
                    + "\"; expected 0s to 60s (how much later than the EndpointSlice change the data path — kube-proxy,"
                    + " an ingress, a mesh — may still route to a pod)");
        }
        return routingAllowance;
    }

    /** {@code traffic.simulation}: a known name or a class the generator can run. */
    private static String simulation(Yaml.Map_ tr) {
        String simulation = tr.string("simulation", "fresh-connections");
        try {
            Simulations.resolve(simulation);
        } catch (RuntimeException e) {
            throw tr.at("simulation", "'traffic.simulation' is \"" + simulation + "\"; expected steady, "
                    + "fresh-connections, slow-requests or a fully qualified class name");
        }
        String simulationProblem = Simulations.problem(
                Simulations.resolve(simulation), List.of());
        if (simulationProblem != null) {
            throw tr.at("simulation", "'traffic.simulation' is \"" + simulation + "\": " + simulationProblem);
        }
        return simulation;
    }

    /**
     * One entry of {@code disruptions}, the {@code n}th: its id not among {@code ids} (then added), its occurrences
     * inside the measured load.
     */
    private static Scenario.StepSpec step(Yaml.Map_ d, int n, Duration duration, long seed, Set<String> ids) {
        d.only("id", "action", "select", "grace", "at", "every", "times", "node", "timeout", "retry", "by", "hold");
        String action = d.string("action", null);
        int index = n - 1;
        if (PLANNED.contains(action)) {
            throw d.at("action", "'disruptions[" + index + "].action' \"" + action + "\" is not available in this"
                    + " version of the local runtime yet; available: " + String.join(", ", DisruptionKind.actions()));
        }
        DisruptionKind kind = DisruptionKind.named(action).orElseThrow(() -> d.at("action", "'disruptions["
                + index + "].action' is \"" + action + "\"; expected one of: "
                + String.join(", ", DisruptionKind.actions())));
        for (String key : OPTION_KEYS) {
            if (d.has(key) && !kind.keys().contains(key)) {
                String why = kind.whyNot(key);
                throw d.at(key, "'" + key + "' applies to " + String.join(" and ", DisruptionKind.taking(key))
                        + " only, not to " + action + (why.isEmpty() ? "" : " (" + why + ")"));
            }
        }
        String id = d.string("id", action + "-" + n);
        if (!ids.add(id)) {
            throw d.at("id", "step id \"" + id + "\" is used twice");
        }
        PodSelector selector = selector(d.mapOrEmpty("select").only("mode", "count", "percent", "name"), seed + n);
        Long grace = graceSeconds(d);
        String node = d.string("node", "busiest");
        Duration timeout = d.duration("timeout", Duration.ofSeconds(60));
        Duration retry = d.duration("retry", Duration.ofSeconds(5));
        if (retry.compareTo(MIN_RETRY) < 0 || retry.compareTo(MAX_RETRY) > 0) {
            throw d.at("retry", "'retry' is " + retry.toMillis() + "ms; expected 100ms to 60s between eviction"
                    + " attempts (each attempt is a call to the API server and an event in the report)");
        }
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
            throw d.at("timeout", "'timeout' is " + timeout.toMillis() + "ms; expected 1s to 1h");
        }
        int times = (int) d.whole("times", 1L, 1, 1000);
        Duration every = d.durationOrNull("every");
        if (times > 1 && (every == null || every.isZero())) {
            throw d.at("times", "'times' is " + times + " but 'every' is missing: say how far apart the steps are");
        }
        Duration at = d.duration("at", Duration.ZERO);
        long lastMs = at.toMillis() + (times - 1) * (every == null ? 0 : every.toMillis());
        if (lastMs >= duration.toMillis()) {
            throw d.at(times > 1 ? "times" : "at", "step " + id + " is due at +" + lastMs / 1000.0 + " s after the"
                    + " warm-up (at" + (times > 1 ? " + (times - 1) × every" : "") + "), but 'traffic.duration' is "
                    + duration.toSeconds() + " s: every occurrence must fall inside the measured load");
        }
        int by = kind.keys().contains("by") ? (int) d.whole("by", null, -50, 50) : 0;
        Scenario.StepSpec step = new Scenario.StepSpec(id, action, selector, grace, at, every, times,
                node, timeout, retry, by, d.duration("hold", Duration.ofSeconds(10)));
        Optional<String[]> problem = kind.problem(step.options());
        if (problem.isPresent()) {
            throw d.at(problem.get()[0], problem.get()[1]);
        }
        return step;
    }

    /** A step's {@code select}; {@code seed} makes its random choice repeatable. */
    private static PodSelector selector(Yaml.Map_ sel, long seed) {
        String mode = sel.oneOf("mode", sel.has("name") ? "name" : "random", "random", "oldest", "newest", "name");
        if (sel.has("count") && sel.has("percent")) {
            throw sel.at("percent", "give either 'count' or 'percent', not both");
        }
        return new PodSelector(PodSelector.Mode.valueOf(mode.toUpperCase(Locale.ROOT)),
                sel.has("name") ? sel.string("name", null) : null, (int) sel.whole("count", 1L, 1, 1000),
                sel.has("percent") ? (int) sel.whole("percent", null, 1, 100) : null, seed);
    }

    /** A step's {@code grace} in whole seconds, as Kubernetes counts it; null when not given. */
    private static Long graceSeconds(Yaml.Map_ d) {
        if (!d.has("grace")) {
            return null;
        }
        Duration g = d.duration("grace", null);
        if (g.toMillis() % 1000 != 0) {
            throw d.at("grace", "'grace' is " + g.toMillis() + "ms; Kubernetes counts a grace period in whole"
                    + " seconds (a value under 1s would be a kill, grace 0): expected 0s for a kill, or e.g. 1s,"
                    + " 30s");
        }
        return g.toSeconds();
    }

    private static Expectations expectations(Yaml.Map_ ex) {
        return new Expectations(ex.whole("maxDropped", 0L, 0, Long.MAX_VALUE),
                ex.has("maxErrorRatePercent") ? ex.number("maxErrorRatePercent", null, 0, 100) : null,
                ex.has("maxFailureBurst") ? ex.duration("maxFailureBurst", null).toMillis() : null,
                ex.has("p99Ceiling") ? ex.duration("p99Ceiling", null).toMillis() : null,
                ex.has("minAvailabilityPercent") ? ex.number("minAvailabilityPercent", null, 0, 100) : null,
                ex.whole("maxHiddenDrops", 0L, 0, Long.MAX_VALUE));
    }

    /** {@code local}: how the local runtime plays the cluster's parts. */
    private static Scenario.Local local(Yaml.Map_ lo) {
        List<Long> skews = new ArrayList<>();
        for (String skew : lo.strings("generatorClockSkews", List.of())) {
            Matcher m = Pattern.compile("([+-]?)(\\d{1,7})(ms|s)").matcher(skew.strip());
            if (!m.matches()) {
                throw lo.at("generatorClockSkews", "'local.generatorClockSkews' has \"" + skew + "\"; expected signed"
                        + " durations like 0ms, +3s or -250ms, one per load generator");
            }
            long v = Long.parseLong(m.group(2)) * (m.group(3).equals("s") ? 1000 : 1);
            skews.add(m.group(1).equals("-") ? -v : v);
        }
        Map<String, String> images = lo.stringMap("images");
        Scenario.Local d = Scenario.Local.DEFAULTS;
        return new Scenario.Local((int) lo.whole("nodes", (long) d.nodes(), 1, 100),
                lo.duration("endpointPropagation", d.endpointPropagation()),
                lo.duration("endpointJitter", d.endpointJitter()), lo.duration("kubeletNotice", d.kubeletNotice()),
                images, lo.oneOf("service", d.service(), "auto", "netfilter", "userspace"), List.copyOf(skews));
    }

    /** {@code traffic.podHeader}: the response header naming the pod that served a request; empty when unset. */
    private static String podHeader(Yaml.Map_ tr) {
        String name = tr.has("podHeader") ? tr.string("podHeader", "") : "";
        if (!name.isEmpty() && !Params.isHeaderName(name)) {
            throw tr.at("podHeader", "'traffic.podHeader' is \"" + name + "\"; expected an HTTP header name such as"
                    + " X-Served-By (the response header whose value is the name of the pod that served the request)");
        }
        return name;
    }

    /** {@code traffic.from} and what goes with it: where the load is generated. */
    private static LoadFrom loadFrom(Yaml.Map_ tr) {
        String from = tr.oneOf("from", "local", "local", "cluster");
        Integer generators = tr.has("generators") ? (int) tr.whole("generators", null, 1, 1000) : null;
        Double rate = tr.has("generatorRate") ? tr.number("generatorRate", null, 1, 1_000_000) : null;
        Duration resolution = tr.duration("clockResolution", Duration.ofMillis(
                LoadFrom.DEFAULT_CLOCK_RESOLUTION_MS));
        if (resolution.toMillis() < 1) {
            throw tr.at("clockResolution", "'traffic.clockResolution' must be at least 1ms");
        }
        String image = tr.has("image") ? tr.string("image", null) : null;
        if (image != null && !image.matches("[a-z0-9][a-z0-9._/:@-]*")) {
            throw tr.at("image", "'traffic.image' is \"" + image + "\"; expected an image reference like"
                    + " registry.example/zerodrop/gatling-sims:1.0");
        }
        return new LoadFrom(from, generators, rate, resolution.toMillis(), image);
    }
}
