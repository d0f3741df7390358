package io.zerodrop.runtime.local;

import io.zerodrop.core.RunMarker;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.engine.Experiment;
import io.zerodrop.engine.PreparedRun;
import io.zerodrop.engine.RunRequest;
import io.zerodrop.engine.RuntimeProvider;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.traffic.fleet.LocalProcessFleet;
import io.zerodrop.workload.ManifestLoader;
import io.zerodrop.workload.Workload;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local runtime as the commands choose it ({@code --runtime local}): the scenario's manifests rendered and read,
 * their image mapped to a command on this host, the load generators counted against what this host can run — all
 * before anything starts.
 */
public final class LocalProvider implements RuntimeProvider {
    @Override
    public String name() {
        return "local";
    }

    /** Processes on this host: no image to pull, readiness within seconds. */
    @Override
    public Duration defaultStartBudget() {
        return Experiment.Plan.LOCAL_START_BUDGET;
    }

    /** What killed runs left on this machine (processes, network namespaces), found by their markers. */
    @Override
    public Cleanup cleanUp(RunRequest request) {
        RunMarker.Cleanup c = RunMarker.cleanupDead();
        return new Cleanup(c.removed().stream().map(r -> "run " + r.run() + " (process " + r.ownerPid()
                + ", no longer alive) had left " + r.processes().size() + " process(es) and " + r.namespaces().size()
                + " network namespace(s): removed").toList(), c.warnings().stream().map(w -> "ignored: " + w
                + " (markers in " + RunMarker.directory() + ")").toList(), List.of());
    }

    @Override
    public PreparedRun prepare(Scenario s, RunRequest r) {
        if (r.deploy()) {
            throw ZerodropException.usage("--deploy applies to --runtime kubernetes; the local runtime always starts the"
                    + " workload from target.manifests");
        }
        if (s.manifests() == null) {
            throw ZerodropException.usage(r.scenarioFile() + ": the local runtime needs 'target.manifests'; this"
                    + " scenario names workload " + s.workload() + " in namespace " + s.namespace() + " of a cluster");
        }
        ImageMap imageMap = ImageMap.withDefaults();
        s.local().images().forEach((image, command) -> imageMap.with(image + "=" + command));
        r.images().forEach(imageMap::with);
        Workload w = s.settings().applyTo(ManifestLoader.load(s.manifests()));
        imageMap.resolve(w.image());
        if (s.load().from().cluster()) {
            int n = s.load().from().generatorCount(s.load().rate(), s.load().simulation());
            String problem = LocalProcessFleet.capacityProblem(n, s.load().heapMb());
            if (problem != null) {
                throw ZerodropException.usage(n + " load generators: " + problem);
            }
        }
        Map<String, Object> underTest = new LinkedHashMap<>();
        if (r.scenarioFile() != null) { // a built-in scenario (the demo's) has no file
            underTest.put("scenario", r.scenarioFile().toString());
        }
        if (s.routingAllowance() != null) {
            underTest.put("routingAllowance", "traffic.routingAllowance (" + s.routingAllowance().toMillis() + " ms)"
                    + " is a cluster's data path lag: not used here, where the Service front applies each endpoint"
                    + " change when it records it");
        }
        underTest.put("manifests", s.manifests().toString());
        underTest.put("settingsOverrides", s.settings());
        underTest.put("workload", w.summary());
        return PreparedRun.of(() -> plan(s, w), w, underTest, outDir -> LocalRuntime.factory(new LocalSettings(
                s.local().nodes(), s.local().endpointPropagation().toMillis(), s.local().endpointJitter().toMillis(),
                s.local().kubeletNotice().toMillis(), r.seed(), imageMap, outDir.resolve("local"), s.local().service(),
                s.local().generatorClockSkewsMs())), () -> { }); // nothing is held before the run
    }

    private static String plan(Scenario s, Workload w) {
        StringBuilder b = new StringBuilder();
        b.append("zerodrop run --dry-run: ").append(s.name()).append(" (nothing was started)\n");
        b.append("  manifests  ").append(s.manifests()).append('\n');
        w.summary().forEach((k, v) -> b.append("    ").append(k).append(": ").append(v).append('\n'));
        b.append("  load       ").append(s.load().simulation()).append(" at ").append(s.load().rate())
                .append(" req/s, warm-up ").append(s.load().warmupSeconds()).append(" s, then ")
                .append(s.load().durationSeconds()).append(" s, paths ").append(s.load().paths()).append('\n');
        b.append(s.loadOrigin());
        for (Scenario.StepSpec st : s.steps()) {
            b.append("  step       ").append(st.id()).append(": ").append(st.toStep().disruption().describe())
                    .append(" at +").append(st.at().toMillis()).append(" ms after the warm-up");
            if (st.times() > 1) {
                b.append(", every ").append(st.every().toMillis()).append(" ms, ").append(st.times()).append(" times");
            }
            b.append('\n');
        }
        b.append("  expect     ").append(s.expectations()).append('\n');
        return b.toString();
    }
}
