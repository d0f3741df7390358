package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.Attribution;
import io.zerodrop.analysis.FailureClass;
import io.zerodrop.analysis.LatencyHistogram;
import io.zerodrop.analysis.Phase;
import io.zerodrop.analysis.PodTermination;
import io.zerodrop.analysis.Windows;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.disruption.DeletePods;
import io.zerodrop.disruption.PodSelector;
import io.zerodrop.disruption.Step;
import io.zerodrop.engine.Experiment;
import io.zerodrop.findings.Finding;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.testsupport.HostTool;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.workload.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end proof on real processes, signals and sockets: target-app's overlays from manifests/, real Gatling
 * load through the Service address, one pod deleted after the warm-up.
 */
@Tag("slow")
class LocalRuntimeProofTest {

    @TempDir
    Path dir;


    private Experiment.Outcome run(String overlay, LoadSpec load, Long graceOverride) {
        return run(overlay, load, graceOverride, "auto");
    }

    private Experiment.Outcome run(String overlay, LoadSpec load, Long graceOverride, String serviceMode) {
        return run(overlay, load, graceOverride, serviceMode, 0);
    }

    private Experiment.Outcome run(String overlay, LoadSpec load, Long graceOverride, String serviceMode,
            int attempt) {
        Workload w = Overlays.load(overlay);
        String suffix = attempt == 0 ? "" : "-" + attempt;
        Experiment.Plan plan = new Experiment.Plan(overlay, "test", load,
                List.of(new Step("delete-1", 2_000, 0, 1, new DeletePods(PodSelector.random(1, 7), graceOverride))),
                Expectations.zeroDrops(), dir.resolve("out" + suffix), false, Map.of("overlay", overlay));
        return Experiment.runOn(LocalRuntime.factory(LocalSettings.defaults(7, dir.resolve("local" + suffix))
                .withServiceMode(serviceMode)), w, plan, new PrintWriter(new StringWriter()));
    }

    private static String deletedPod(Experiment.Outcome o) {
        return o.report().timeline().stream().filter(e -> e.type() == EventType.POD_MARKED_FOR_DELETION)
                .map(TimelineEvent::pod).findFirst().orElseThrow();
    }

    @Test
    void naiveDeletionDropsRequestsInTheEndpointRaceOnTheDeletedPod() {
        Experiment.Outcome o = Measured.run((attempt, seconds) -> run("naive", LoadSpec.of("fresh-connections", 200,
                3, seconds), null, "auto", attempt), 12);
        AnalysisResult a = o.report().analysis();
        String pod = deletedPod(o);
        PodTermination t = a.terminations().get(0);

        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.VERDICT_FAILED);
        assertThat(a.measuredFailed()).isGreaterThan(0);
        // a request timeout is the target's only if the machine answered in time before the deletion: on a starved
        // runner (baseline p99 at half the 5 s timeout or more) a timeout is the machine's, and is allowed
        boolean starved = Measured.starved(a);
        assertThat(a.failuresByClass().keySet()).as(o.summary()).isSubsetOf(starved ? Set.of(FailureClass.REFUSED,
                FailureClass.RESET, FailureClass.REQUEST_TIMEOUT) : Set.of(FailureClass.REFUSED, FailureClass.RESET));
        long kubeletMs = t.sigtermMs() - t.markedMs(); // 100 ms planned (kubelet notice), no preStop
        if (t.sigtermMs() < 0 || kubeletMs > 500 || refusingInRotationMs(t) < 4 * 1000 / 200) {
            // a starved machine (a CI runner beside other runs): the events did not come in the planned order (the
            // kubelet's SIGTERM late, or the app still listening when its endpoint left rotation), so the
            // phase-by-phase checks below, which are about that order, would test the machine, not zerodrop
            System.out.println("naive proof: SIGTERM came " + kubeletMs + " ms after the deletion (100 ms planned),"
                    + " the pod refused connections for " + refusingInRotationMs(t) + " ms while in rotation:"
                    + " phase checks left out for this run\n" + o.summary());
            Reconcile.exactly(o);
            return;
        }
        // the dying pod still in rotation takes failures (when this run's SIGTERM-to-out-of-rotation window could
        // hold four arrivals: under CPU contention the kubelet's thread may run after the rules changed); the
        // replacement, without a readiness probe, takes more once its endpoint is in rotation before its JVM listens
        // (what the client really sent in that window, not what the asked rate would have: a starved generator sent
        // none in a 27 ms race at load 18; 20 new connections over 3 pods miss the dying one with odds (2/3)^20)
        long raceMs = refusingInRotationMs(t);
        long sentInRace = sentBetween(o, t.outOfRotationMs() - raceMs, t.outOfRotationMs());
        if (t.sigtermMs() > 0 && sentInRace >= 20 && placedWithin(o, raceMs)) {
            assertThat(a.failuresByPhase().getOrDefault(Phase.SIGTERM_ENDPOINT_LIVE, 0L)).as("race of %d ms, %d"
                    + " requests sent in it; %s", raceMs, sentInRace, o.summary()).isPositive();
        }
        List<Attribution> stragglers = new ArrayList<>();
        long staleRoutes = 0;
        for (Attribution at : a.attributions()) {
            if (at.phase() == Phase.AFTER_EXIT) {
                // refused after the pod left rotation: only a stale conntrack entry sends a connect there
                assertThat(at.failureClass()).isEqualTo(FailureClass.REFUSED);
                assertThat(at.pods()).containsExactly(pod);
                staleRoutes++;
                continue;
            }
            if (at.phase() != Phase.SIGTERM_ENDPOINT_LIVE && at.phase() != Phase.REPLACEMENT_STARTING) {
                stragglers.add(at);
                continue;
            }
            assertThat(at.pods()).containsExactly(at.phase() == Phase.SIGTERM_ENDPOINT_LIVE ? pod : t.replacement());
            if (at.phase() == Phase.SIGTERM_ENDPOINT_LIVE) {
                assertThat(at.atMs()).isBetween(t.sigtermMs(), t.outOfRotationMs());
            }
        }
        // the kernel counted every SYN that reached the pod after it left the rules (none with the userspace proxy)
        long counted = o.report().timeline().stream()
                .filter(e -> e.type() == EventType.STALE_CONNECTS && e.pod().equals(pod))
                .mapToLong(e -> Long.parseLong(e.attribute(Attribute.CONNECTS))).sum();
        assertThat(staleRoutes).as("refusals put on stale conntrack routes").isLessThanOrEqualTo(counted);
        if (!stragglers.isEmpty()) {
            System.out.println("naive proof: failures outside the expected phases: " + stragglers);
            o.report().timeline().forEach(e -> System.out.println("  timeline " + e));
        }
        assertThat(stragglers).as("failures outside the race, the replacement's start and stale routes").isEmpty();
        assertThat(t.exitCode()).isEqualTo(143);
        assertThat(t.exitMs()).isLessThan(t.outOfRotationMs()); // it died while still in rotation
        assertThat(t.sigkillMs()).isEqualTo(-1);
        Reconcile.exactly(o);

        // the finding: the measured lag from the deletion to out of rotation is the propagation the runtime drew
        // (1,000 ± 250 ms), within 300 ms, and the fix is a preStop longer than it, as a patch beside the report.
        // Its premise is a failure in the race: a starved generator that sent nothing into a short race (seen beside
        // two demo loops and two busy loops) leaves only the replacement's failures, and then there is no finding
        Optional<Finding> found = o.report().findings().stream().filter(f -> f.code().equals("endpoint-race"))
                .findFirst();
        if (a.failuresByPhase().getOrDefault(Phase.SIGTERM_ENDPOINT_LIVE, 0L) == 0) {
            assertThat(found).as("no failure in the race, so no endpoint-race finding; %s", o.summary()).isEmpty();
            return;
        }
        Finding race = found.orElseThrow(() -> new AssertionError("failures in the race but no endpoint-race"
                + " finding; " + o.summary()));
        long planned = Long.parseLong(o.report().timeline().stream().filter(e -> e.type()
                == EventType.ENDPOINT_TERMINATING && e.pod().equals(pod)).findFirst().orElseThrow()
                .attribute(Attribute.PLANNED_PROPAGATION_MS));
        long lag = ((Number) race.evidence().get("deletionToRoutingStoppedMaxMs")).longValue();
        assertThat(planned).isBetween(750L, 1250L);
        // never earlier than drawn; how much later is the scheduler's lateness on this machine, not zerodrop's
        // measurement (which is checked exactly below, against the events themselves)
        assertThat(lag).as("measured lag against the drawn propagation " + planned + " ms")
                .isGreaterThanOrEqualTo(planned);
        assertThat(lag).isEqualTo(t.outOfRotationMs() - t.markedMs());
        long seconds = ((Number) race.evidence().get("recommendedPreStopSeconds")).longValue();
        assertThat(seconds * 1000).isGreaterThan(lag + 499);
        assertThat(race.patchFile()).isEqualTo("fixes/endpoint-race.yaml");
        assertThat(race.patch()).contains("kind: Deployment", "name: target-app", "- name: target-app",
                "seconds: " + seconds);
    }

    /** With the kernel mechanism a connect to the dead backend is refused, exactly as through kube-proxy's DNAT. */
    @Test
    void withNetfilterTheNaiveRaceShowsRefusedConnectsAndNoNamespaceIsLeft() throws Exception {
        if (!NetfilterFront.available()) {
            HostTool.require("iptables-as-root", "root with ip (iproute2) and iptables, for the netfilter Service mode");
        }
        Experiment.Outcome o = run("naive", LoadSpec.of("fresh-connections", 200, 3, 12), null, "netfilter");
        AnalysisResult a = o.report().analysis();
        assertThat(o.report().header().runtime()).contains("netfilter DNAT");
        assertThat(a.failuresByClass()).as(o.summary()).containsKey(FailureClass.REFUSED);
        // the race as this run had it: SIGTERM (the naive app exits at once) to the endpoint leaving the rules. Under
        // CPU contention the kubelet's thread can run late enough that the rules change first; then no request can
        // fall in the race, and the refusals are the replacement's (no readiness probe) or a stale route's
        PodTermination t = a.terminations().get(0);
        long raceMs = refusingInRotationMs(t);
        long sentInRace = sentBetween(o, t.outOfRotationMs() - raceMs, t.outOfRotationMs());
        if (t.sigtermMs() > 0 && sentInRace >= 20 && placedWithin(o, raceMs)) { // as above: what was sent in the race
            assertThat(a.failuresByPhase()).as("race of %d ms, %d requests sent in it; %s", raceMs, sentInRace,
                    o.summary()).containsKey(Phase.SIGTERM_ENDPOINT_LIVE);
        }
        assertThat(a.failuresByPhase().keySet()).as(o.summary()).isSubsetOf(Phase.SIGTERM_ENDPOINT_LIVE,
                Phase.DRAINING, Phase.AFTER_EXIT, Phase.REPLACEMENT_STARTING);
        Reconcile.exactly(o);
        // this JVM's namespaces end in its pid (another suite running beside this one may have its own)
        Process list = new ProcessBuilder("ip", "netns", "list").start();
        assertThat(new String(list.getInputStream().readAllBytes())).as("no network namespace of this run left")
                .doesNotContainPattern("zd-[0-9a-f]+-" + ProcessHandle.current().pid() + "\\b");
    }

    @Test
    void hardenedDeletionDropsNothingOverKeepAliveConnections() {
        Experiment.Outcome o = Measured.run((attempt, seconds) -> run("hardened", LoadSpec.of("steady", 200, 3,
                seconds), null, "auto", attempt), 12);
        AnalysisResult a = o.report().analysis();
        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.PASSED);
        assertThat(a.measuredFailed()).isZero();
        assertThat(o.report().groundTruth().orElseThrow().hiddenDrops()).isZero();
        PodTermination t = a.terminations().get(0);
        assertThat(t.exitCode()).isZero();
        assertThat(t.preStopStartMs()).isPositive();
        // SIGTERM only once the 5 s preStop sleep has ended, and long before the 30 s grace period runs out
        assertThat(t.preStopEndMs() - t.preStopStartMs()).isGreaterThanOrEqualTo(5_000L);
        assertThat(t.sigtermMs()).isBetween(t.preStopEndMs(), t.markedMs() + 30_000);
        assertThat(t.outOfRotationMs()).isLessThan(t.sigtermMs()); // out of rotation before the app hears anything
        assertThat(t.replacementReadyMs()).isPositive();
        Reconcile.exactly(o);
        // nothing about the target above info; a stalled load generator is this machine's, not the workload's
        assertThat(o.report().findings()).as("hardened: nothing above info").allMatch(f -> f.severity()
                == Finding.Severity.INFO || f.code().equals("load-generator-stalled"));
    }

    @Test
    void swallowedSigtermWaitsTheFullGracePeriodEndsIn137AndLosesInFlightWork() {
        // 4 s requests on their own connections, grace period cut to 4 s: requests sent just before the endpoint
        // left rotation are still in flight when SIGKILL comes
        LoadSpec slow = new LoadSpec("slow-requests", 40, 3, 12, 10_000, 2_000, List.of("/work?ms=4000"), "GET",
                List.of(), null, "200-299", List.of(), 1024);
        Experiment.Outcome o = run("shell-entrypoint", slow, 4L, "userspace"); // the unprivileged mechanism, too
        assertThat(o.report().header().runtime()).contains("userspace Service proxy");
        AnalysisResult a = o.report().analysis();
        PodTermination t = a.terminations().get(0);
        assertThat(t.exitCode()).isEqualTo(137);
        // SIGKILL when the 4 s grace period ran out: never before it, and not at the one-off 2 s extension, which
        // is for a preStop hook that overran (this pod has none)
        assertThat(t.sigkillMs() - t.markedMs()).as("SIGKILL when the 4 s grace period ran out").isBetween(4_000L, 5_999L);
        assertThat(t.sigtermMs()).isPositive();
        // in flight at SIGKILL: the 4 s requests the client sent after the deletion while the pod was still in
        // rotation — what it really sent in that window (requests.tsv), not what the rate would have: on a fast
        // machine the window can be short enough to hold none that reached the dying pod (seen: a quiet run with
        // only REPLACEMENT_STARTING failures); 20 over 3 pods miss it with odds (2/3)^20
        // (and late enough to be unfinished when SIGKILL came: each takes 4 s)
        long windowStart = Math.max(t.markedMs(), t.sigkillMs() - 4_000);
        long sentInWindow = sentBetween(o, windowStart, t.outOfRotationMs());
        if (sentInWindow >= 20 && placedWithin(o, t.outOfRotationMs() - windowStart)) {
            assertThat(a.failuresByPhase()).as("%d requests sent while the dying pod was in rotation; %s",
                    sentInWindow, o.summary()).containsKey(Phase.AFTER_SIGKILL);
            assertThat(a.failuresByClass()).as(o.summary()).containsKey(FailureClass.RESET);
        }
        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.VERDICT_FAILED);
        Reconcile.asLowerBound(o);
        // the finding: no grace period helps an app that never hears SIGTERM
        assertThat(o.report().findings()).anySatisfy(f -> {
            assertThat(f.code()).isEqualTo("sigterm-ignored");
            assertThat(f.title()).startsWith("SIGTERM never reached the app (shell-form entrypoint?)");
            assertThat(f.patch()).isNull();
        });
        assertThat(o.report().findings()).noneMatch(f -> f.code().equals("grace-exhausted"));
    }

    /**
     * Whether a request's start, as the client recorded it, places its connection within a window of {@code windowMs}:
     * the recorded start comes before the connect by up to the client's own delay, which the baseline's median latency
     * bounds from above. Seen at load 21: a race of 249 ms held 70 recorded starts, but with a baseline p50 of
     * 1,827 ms their connects came after the endpoint had left rotation (all 472 refusals went to the replacement).
     */
    static boolean placedWithin(Experiment.Outcome o, long windowMs) {
        LatencyHistogram.Summary baseline = o.report().analysis().latency().get(Windows.Kind.BASELINE);
        return baseline == null || baseline.count() == 0 || baseline.p50() < windowMs;
    }

    /** Requests the client started in ({@code fromMs}, {@code toMs}], from the run's requests.tsv (this host's clock). */
    static long sentBetween(Experiment.Outcome o, long fromMs, long toMs) {
        Path table = o.files().stream().filter(f -> f.getFileName().toString().equals("report.json")).findFirst()
                .orElseThrow().resolveSibling("requests.tsv");
        try (Stream<String> lines = Files.lines(table)) {
            return lines.filter(l -> !l.startsWith("#")).mapToLong(l -> Long.parseLong(l.split("\t")[1]))
                    .filter(start -> start > fromMs && start <= toMs).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How long the deleted pod was refusing new connections while still in rotation: from when it surely stopped
     * listening (its exit; SIGTERM if the exit was not seen) to the endpoint leaving rotation. On a starved machine the
     * naive app can take longer than the endpoint to stop, and then no request can fall in the race.
     */
    static long refusingInRotationMs(PodTermination t) {
        return t.outOfRotationMs() - (t.exitMs() >= 0 ? t.exitMs() : t.sigtermMs());
    }
}
