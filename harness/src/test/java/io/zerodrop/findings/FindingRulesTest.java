package io.zerodrop.findings;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.analysis.Analyzer;
import io.zerodrop.analysis.Phase;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.EvictionStats;
import io.zerodrop.workload.Probe;
import io.zerodrop.workload.Workload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * The finding rules on recorded timelines and requests (the local proofs cover the endpoint race, the swallowed
 * SIGTERM, the deadlock and a clean hardened run end to end): the grace period running out while the app drains,
 * keep-alive resets, liveness restarts, a missing budget.
 */
class FindingRulesTest {
    static final long T = 1_800_000_000_000L;

    static Workload workload(long grace, Map<String, String> env, Optional<Probe> liveness,
            Optional<Workload.Budget> budget) {
        return new Workload("Deployment", "web", 3, Map.of("app", "web"), "web", "shop/web:1", List.of(), List.of(),
                env, List.of(), 8080, Optional.empty(), Optional.of(new Probe(Probe.HTTP, "/ready", 8080, List.of(), 0,
                0, 2, 1, 1, 2)), liveness, Optional.empty(), grace, "1", "0",
                Optional.of(new Workload.Service("web", 80, 8080)), budget);
    }

    /** The evidence of a run: the timeline, and 4,000 requests 5 ms apart of which those {@code failing} fail. */
    static RunEvidence run(List<TimelineEvent> timeline, LongFunction<String> failing, Workload w,
            EvictionStats ev) {
        Analyzer a = new Analyzer(T, T + 1_000, timeline, 200, 1000);
        for (int i = 0; i < 4000; i++) {
            long s = T + i * 5L;
            String why = failing.apply(s);
            a.accept(new RequestRecord("GET /", s, s + 2, why == null, why == null ? "" : why));
        }
        return new RunEvidence(timeline, a.result(), w, ev);
    }

    static List<TimelineEvent> killedAfterGrace(boolean readinessFailed) {
        List<TimelineEvent> t = new ArrayList<>(List.of(
                TimelineEvent.of(T + 4_000, EventType.POD_MARKED_FOR_DELETION, "web-a", "d", ""),
                TimelineEvent.of(T + 4_010, EventType.SIGTERM_SENT, "web-a", "d", ""),
                TimelineEvent.of(T + 14_000, EventType.SIGKILL_SENT, "web-a", "d", ""),
                new TimelineEvent(T + 14_010, EventType.CONTAINER_EXITED, "web-a", "d", "",
                        Map.of(Attribute.EXIT_CODE, "137"))));
        if (readinessFailed) {
            t.add(2, TimelineEvent.of(T + 4_600, EventType.ENDPOINT_NOT_READY, "web-a", "d", "readiness failing"));
        }
        return t;
    }

    @Test
    void anAppStillDrainingWhenKilledNeedsALongerGracePeriod() {
        RunEvidence e = run(killedAfterGrace(true), s -> null, workload(10, Map.of(), Optional.empty(),
                Optional.empty()), EvictionStats.none());
        List<Finding> f = new GraceRule().diagnose(e);
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo("grace-exhausted");
            assertThat(x.evidence()).containsEntry("gracePeriodSeconds", 10L);
            assertThat(x.evidence().get("deletionToKillMsByPod")).isEqualTo(Map.of("web-a", 10_000L));
            assertThat(x.settingsByKey()).containsEntry("terminationGracePeriodSeconds", "20");
            assertThat(x.patch()).contains("kind: Deployment", "terminationGracePeriodSeconds: 20");
        });
    }

    @Test
    void anAppThatNeverStartedShuttingDownIsNotHelpedByAGracePeriod() {
        RunEvidence e = run(killedAfterGrace(false), s -> null, workload(10, Map.of(), Optional.empty(),
                Optional.empty()), EvictionStats.none());
        assertThat(new GraceRule().diagnose(e)).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo("sigterm-ignored");
            assertThat(x.detail()).startsWith("none of the killed pods showed shutdown activity after SIGTERM");
            assertThat(x.patch()).isNull();
            assertThat(x.settings()).isEmpty();
        });
    }

    /**
     * {@code action: kill} against a hardened app: the SIGKILL, the exit 137 and the failures are zerodrop's own doing.
     * Nothing may blame the app for ignoring SIGTERM, outliving its grace period, or lacking a preStop.
     */
    @Test
    void aPodZerodropKilledIsNeitherSigtermIgnoredNorGraceExhaustedNorAnEndpointRace() {
        List<TimelineEvent> t = List.of(
                TimelineEvent.of(T + 4_000, EventType.DISRUPTION_ISSUED, "web-a", "kill-1", "kill web-a"),
                new TimelineEvent(T + 4_000, EventType.POD_MARKED_FOR_DELETION, "web-a", "kill-1", "grace 0 s",
                        Map.of(Attribute.GRACE_SECONDS, "0")),
                TimelineEvent.of(T + 4_010, EventType.SIGKILL_SENT, "web-a", "kill-1", "grace period 0"),
                new TimelineEvent(T + 4_020, EventType.CONTAINER_EXITED, "web-a", "kill-1", "",
                        Map.of(Attribute.EXIT_CODE, "137")),
                TimelineEvent.of(T + 5_000, EventType.ENDPOINT_TERMINATING, "web-a", "kill-1", ""));
        LongFunction<String> refused = s -> s > T + 4_020 && s < T + 5_000 && s % 4 == 0
                ? "j.n.ConnectException: Connection refused" : null;
        Workload hardened = workload(30, Map.of(), Optional.empty(), Optional.empty());
        RunEvidence e = run(t, refused, hardened, EvictionStats.none());
        assertThat(e.analysis().measuredFailed()).as("the kill did cost requests").isPositive();

        List<Finding> all = Diagnosis.diagnose(e);

        assertThat(all).extracting(Finding::code).doesNotContain("sigterm-ignored", "grace-exhausted",
                "endpoint-race").contains("killed-by-zerodrop");
        Finding kill = all.stream().filter(f -> f.code().equals("killed-by-zerodrop")).findFirst().orElseThrow();
        assertThat(kill.severity()).isEqualTo(Finding.Severity.INFO);
        assertThat(kill.evidence()).containsEntry("killedPods", Set.of("web-a"));
        assertThat(kill.title()).startsWith("1 pod(s) killed by zerodrop with grace period 0");

        // the same timeline with the workload's own grace period (a delete): the rules speak again
        List<TimelineEvent> deleted = t.stream().map(x -> x.type() == EventType.POD_MARKED_FOR_DELETION
                ? TimelineEvent.of(x.atMs(), x.type(), x.pod(), x.disruption(), "") : x).toList();
        assertThat(Diagnosis.diagnose(run(deleted, refused, hardened, EvictionStats.none()))).extracting(Finding::code)
                .contains("sigterm-ignored").doesNotContain("killed-by-zerodrop");
    }

    @Test
    void resetsOnKeptAliveConnectionsWhileNothingIsRefusedPointAtTheServersShutdown() {
        List<TimelineEvent> t = List.of(
                TimelineEvent.of(T + 4_000, EventType.DISRUPTION_ISSUED, "web-a", "d", "delete web-a"),
                TimelineEvent.of(T + 4_000, EventType.POD_MARKED_FOR_DELETION, "web-a", "d", ""),
                TimelineEvent.of(T + 4_005, EventType.ENDPOINT_TERMINATING, "web-a", "d", ""),
                TimelineEvent.of(T + 5_000, EventType.SIGTERM_SENT, "web-a", "d", ""),
                new TimelineEvent(T + 5_400, EventType.CONTAINER_EXITED, "web-a", "d", "",
                        Map.of(Attribute.EXIT_CODE, "0")));
        LongFunction<String> resets = s -> s > T + 5_000 && s < T + 5_300 && s % 3 == 0
                ? "i.n.c.PrematureChannelClosureException: Premature close" : null;
        RunEvidence e = pooled(run(t, resets, workload(30, Map.of(), Optional.empty(), Optional.empty()),
                EvictionStats.none()));
        assertThat(new KeepAliveRule().diagnose(e)).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo("keepalive-reset");
            assertThat((Long) x.evidence().get("resetsAfterSigterm")).isPositive();
            assertThat(x.fix()).contains("Connection: close");
        });
        LongFunction<String> refusedToo = s -> s > T + 5_000 && s < T + 5_300 && s % 2 == 0
                ? (s % 4 == 0 ? "j.n.ConnectException: Connection refused" : "Premature close") : null;
        assertThat(new KeepAliveRule().diagnose(pooled(run(t, refusedToo, workload(30, Map.of(), Optional.empty(),
                Optional.empty()), EvictionStats.none())))).as("new connections refused too: not keep-alive").isEmpty();
        // the same resets with a connection per request (the flagship demo): no request rode a kept-alive connection
        RunEvidence fresh = new RunEvidence(e.events(), e.analysis(), e.workload(), e.evictions(),
                RunEvidence.Connections.FRESH);
        assertThat(new KeepAliveRule().diagnose(fresh)).as("fresh connections: the premise is false").isEmpty();
        assertThat(new KeepAliveRule().diagnose(run(t, resets, workload(30, Map.of(), Optional.empty(),
                Optional.empty()), EvictionStats.none()))).as("an unknown simulation: the premise is not shown").isEmpty();
    }

    /** The workload with other replicas and readiness probe. */
    static Workload reshaped(Workload w, int replicas, Optional<Probe> readiness) {
        return new Workload(w.kind(), w.name(), replicas, w.podLabels(), w.container(), w.image(), w.command(),
                w.args(), w.env(), w.envFromPodName(), w.containerPort(), w.startupProbe(), readiness,
                w.livenessProbe(), w.preStop(), w.terminationGracePeriodSeconds(), w.maxSurge(), w.maxUnavailable(),
                w.service(), w.budget());
    }

    static RunEvidence pooled(RunEvidence e) {
        return new RunEvidence(e.events(), e.analysis(), e.workload(), e.evictions(), RunEvidence.Connections.POOLED);
    }

    @Test
    void aContainerRestartedUnderLoadWithoutADeletionIsLivenessGivingUp() {
        Probe liveness = new Probe(Probe.HTTP, "/healthz", 8080, List.of(), 0, 0, 5, 1, 1, 2);
        List<TimelineEvent> t = List.of(TimelineEvent.of(T + 5_000, EventType.NOTE, "web-b", "",
                "liveness probe failed 2 times: restarting the container"), new TimelineEvent(T + 6_000,
                EventType.CONTAINER_EXITED, "web-b", "", "", Map.of(Attribute.EXIT_CODE, "137")));
        RunEvidence e = run(t, s -> null, workload(30, Map.of(), Optional.of(liveness), Optional.empty()),
                EvictionStats.none());
        assertThat(new LivenessRule().diagnose(e)).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo("liveness-restart");
            assertThat(x.evidence()).containsEntry("restarts", 1);
            assertThat(x.patch()).contains("- name: web", "livenessProbe:", "failureThreshold: 4");
        });
        // the same exit of a deleted pod is its termination, not a restart
        List<TimelineEvent> deleted = new ArrayList<>(t);
        deleted.add(0, TimelineEvent.of(T + 5_000, EventType.POD_MARKED_FOR_DELETION, "web-b", "d", ""));
        assertThat(new LivenessRule().diagnose(run(deleted, s -> null, workload(30, Map.of(), Optional.of(liveness),
                Optional.empty()), EvictionStats.none()))).isEmpty();
    }

    /** An exit under load with no liveness failure before it (the OOM killer here) is a crash, not liveness. */
    @Test
    void aContainerThatExitedWithoutItsLivenessProbeFailingCrashed() {
        Probe liveness = new Probe(Probe.HTTP, "/healthz", 8080, List.of(), 0, 0, 5, 1, 1, 2);
        List<TimelineEvent> t = List.of(new TimelineEvent(T + 6_000, EventType.CONTAINER_EXITED, "web-b", "", "",
                Map.of(Attribute.EXIT_CODE, "137", Attribute.REASON, "OOMKilled")),
                // a liveness failure after the exit (the restarted container's) does not explain it
                TimelineEvent.of(T + 7_000, EventType.NOTE, "web-b", "", "probe failed: Liveness probe failed: EOF"));
        RunEvidence e = run(t, s -> null, workload(30, Map.of(), Optional.of(liveness), Optional.empty()),
                EvictionStats.none());
        List<Finding> all = Diagnosis.diagnose(e);
        assertThat(all).extracting(Finding::code).doesNotContain("liveness-restart").contains("container-crashed");
        Finding crash = all.stream().filter(f -> f.code().equals("container-crashed")).findFirst().orElseThrow();
        assertThat(crash.evidence()).containsEntry("exitsByPod", Map.of("web-b", "exit 137 (OOMKilled)"));
        assertThat(crash.fix()).contains("memory limit");
        assertThat(crash.patch()).isNull();
    }

    /** A 137 that came seconds before the grace period could have run out is not the grace period's. */
    @Test
    void anExit137WellBeforeTheGracePeriodEndedIsNotTheGracePeriods() {
        List<TimelineEvent> t = List.of(
                TimelineEvent.of(T + 4_000, EventType.POD_MARKED_FOR_DELETION, "web-a", "d", ""),
                TimelineEvent.of(T + 4_010, EventType.SIGTERM_SENT, "web-a", "d", ""),
                new TimelineEvent(T + 6_000, EventType.CONTAINER_EXITED, "web-a", "d", "",
                        Map.of(Attribute.EXIT_CODE, "137", Attribute.REASON, "OOMKilled")));
        RunEvidence e = run(t, s -> null, workload(30, Map.of(), Optional.empty(), Optional.empty()),
                EvictionStats.none());
        assertThat(new GraceRule().diagnose(e)).as("exit 2 s into a 30 s grace period, no SIGKILL seen").isEmpty();
        // the same exit at the grace period's end (the cluster runtime sees no SIGKILL, only the exit): the rule speaks
        List<TimelineEvent> atEnd = List.of(t.get(0), t.get(1), new TimelineEvent(T + 34_100,
                EventType.CONTAINER_EXITED, "web-a", "d", "",
                Map.of(Attribute.EXIT_CODE, "137", Attribute.REASON, "Error")));
        assertThat(new GraceRule().diagnose(run(atEnd, s -> null, workload(30, Map.of(), Optional.empty(),
                Optional.empty()), EvictionStats.none()))).extracting(Finding::code).containsExactly("sigterm-ignored");
    }

    /** "Readiness never failed" shows an app deaf to SIGTERM only where a readiness probe was there to fail. */
    @Test
    void withoutAReadinessProbeASilentKillIsNotCalledSigtermIgnored() {
        Workload noReadiness = reshaped(workload(10, Map.of(), Optional.empty(), Optional.empty()), 3,
                Optional.empty());
        List<Finding> f = new GraceRule().diagnose(run(killedAfterGrace(false), s -> null, noReadiness,
                EvictionStats.none()));
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo("grace-exhausted");
            assertThat(x.detail()).contains("cannot tell whether the app was still shutting down or never saw SIGTERM");
            assertThat(x.evidence()).containsEntry("shutdownActivityObservable", false);
        });
    }

    /** Failures after SIGTERM on a pod never seen leaving rotation: the race is reported, no preStop is made up. */
    @Test
    void anEndpointRaceWhoseLagWasNeverMeasuredRecommendsNoPreStopLength() {
        List<TimelineEvent> t = List.of(
                TimelineEvent.of(T + 4_000, EventType.DISRUPTION_ISSUED, "web-a", "d", "delete web-a"),
                TimelineEvent.of(T + 4_000, EventType.POD_MARKED_FOR_DELETION, "web-a", "d", ""),
                TimelineEvent.of(T + 4_010, EventType.SIGTERM_SENT, "web-a", "d", ""),
                new TimelineEvent(T + 4_400, EventType.CONTAINER_EXITED, "web-a", "d", "",
                        Map.of(Attribute.EXIT_CODE, "143")));
        LongFunction<String> refused = s -> s > T + 4_010 && s < T + 4_400 && s % 4 == 0
                ? "j.n.ConnectException: Connection refused" : null;
        RunEvidence e = run(t, refused, workload(30, Map.of(), Optional.empty(), Optional.empty()),
                EvictionStats.none());
        assertThat(e.analysis().failuresByPhase()).containsKey(Phase.SIGTERM_ENDPOINT_LIVE);
        assertThat(new EndpointRaceRule().diagnose(e)).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo("endpoint-race");
            assertThat(x.detail()).contains("never saw web-a leave rotation");
            assertThat(x.patch()).isNull();
            assertThat(x.settings()).isEmpty();
            assertThat(x.evidence()).doesNotContainKey("recommendedPreStopSeconds");
        });
        // with the endpoint seen leaving 900 ms after the deletion, the preStop follows from the measurement
        List<TimelineEvent> seen = new ArrayList<>(t);
        seen.add(TimelineEvent.of(T + 4_900, EventType.ENDPOINT_TERMINATING, "web-a", "d", ""));
        seen.sort(Comparator.comparingLong(TimelineEvent::atMs));
        assertThat(new EndpointRaceRule().diagnose(run(seen, refused, workload(30, Map.of(), Optional.empty(),
                Optional.empty()), EvictionStats.none()))).singleElement().satisfies(x ->
                assertThat(x.evidence()).containsEntry("deletionToRoutingStoppedMaxMs", 900L)
                        .containsKey("recommendedPreStopSeconds"));
    }

    /**
     * A cluster's order: the EndpointSlice says terminating 100 ms after the deletion, but the nodes keep routing to
     * the pod until 1.1 s (the API's moment plus kube-proxy's allowance). Requests refused in between are the
     * endpoint race, not draining, and the preStop covers the data path's lag, not the API's.
     */
    @Test
    void failuresAfterTheApisMomentButBeforeRoutingStoppedAreTheRaceAndThePreStopCoversTheDataPath() {
        List<TimelineEvent> api = new ArrayList<>(List.of(
                TimelineEvent.of(T + 4_000, EventType.DISRUPTION_ISSUED, "web-a", "d", "delete web-a"),
                TimelineEvent.of(T + 4_000, EventType.POD_MARKED_FOR_DELETION, "web-a", "d", ""),
                TimelineEvent.of(T + 4_002, EventType.SIGTERM_SENT, "web-a", "d", ""),
                TimelineEvent.of(T + 4_100, EventType.ENDPOINT_TERMINATING, "web-a", "d", ""),
                new TimelineEvent(T + 4_300, EventType.CONTAINER_EXITED, "web-a", "d", "",
                        Map.of(Attribute.EXIT_CODE, "143"))));
        LongFunction<String> refused = s -> s > T + 4_002 && s < T + 5_100 && s % 3 == 0
                ? "j.n.ConnectException: Connection refused" : null;
        Workload w = workload(30, Map.of(), Optional.empty(), Optional.empty());
        RunEvidence apiOnly = run(api, refused, w, EvictionStats.none());
        assertThat(apiOnly.analysis().failuresByPhase().getOrDefault(Phase.SIGTERM_ENDPOINT_LIVE, 0L))
                .as("without the data path, only what failed before the API's moment is the race")
                .isLessThan(apiOnly.analysis().measuredFailed() / 4);

        List<TimelineEvent> routed = new ArrayList<>(api);
        routed.add(new TimelineEvent(T + 5_100, EventType.ROUTING_STOPPED, "web-a", "d", "routing assumed stopped",
                Map.of(Attribute.SOURCE, "api+allowance", Attribute.ALLOWANCE_MS, "1000")));
        routed.sort(Comparator.comparingLong(TimelineEvent::atMs));
        RunEvidence e = run(routed, refused, w, EvictionStats.none());
        assertThat(e.analysis().failuresByPhase()).containsOnlyKeys(Phase.SIGTERM_ENDPOINT_LIVE);
        assertThat(e.analysis().terminations().get(0).routingLagMs()).isEqualTo(1_100);
        assertThat(new EndpointRaceRule().diagnose(e)).singleElement().satisfies(x -> {
            assertThat(x.evidence()).containsEntry("deletionToRoutingStoppedMaxMs", 1_100L)
                    .containsEntry("routingStoppedSourceByPod", Map.of("web-a", "api+allowance"))
                    .containsEntry("recommendedPreStopSeconds", 2L);
            assertThat(x.detail()).contains("the runtime's allowance");
            assertThat(x.settingsByKey()).containsEntry("preStopSleepSeconds", "2");
        });
    }

    /**
     * Failures while a replacement started, all before it entered rotation: no request was sent to it, so its
     * readiness probe cannot have let them in.
     */
    @Test
    void failuresBeforeAReplacementEnteredRotationAreNotItsReadinessProbes() {
        List<TimelineEvent> t = List.of(
                TimelineEvent.of(T + 4_000, EventType.DISRUPTION_ISSUED, "web-a", "d", "delete web-a"),
                TimelineEvent.of(T + 4_000, EventType.POD_MARKED_FOR_DELETION, "web-a", "d", ""),
                TimelineEvent.of(T + 4_005, EventType.ENDPOINT_TERMINATING, "web-a", "d", ""),
                TimelineEvent.of(T + 5_000, EventType.SIGTERM_SENT, "web-a", "d", ""),
                new TimelineEvent(T + 5_100, EventType.CONTAINER_EXITED, "web-a", "d", "",
                        Map.of(Attribute.EXIT_CODE, "0")),
                new TimelineEvent(T + 8_000, EventType.REPLACEMENT_STARTED, "web-x", "d", "", Map.of(Attribute.REPLACES,
                        "web-a")),
                new TimelineEvent(T + 14_000, EventType.REPLACEMENT_READY, "web-x", "d", "", Map.of(Attribute.REPLACES,
                        "web-a")),
                TimelineEvent.of(T + 14_000, EventType.ENDPOINT_READY, "web-x", "d", ""));
        // failures 9–10 s: the replacement is starting, not yet in rotation, and the old pod is long gone
        LongFunction<String> late = s -> s > T + 9_000 && s < T + 10_000 && s % 4 == 0
                ? "HTTP 503" : null;
        RunEvidence e = run(t, late, workload(30, Map.of(), Optional.empty(), Optional.empty()), EvictionStats.none());
        assertThat(e.analysis().failuresByPhase()).containsKey(Phase.REPLACEMENT_STARTING);
        assertThat(new ReplacementRule().diagnose(e)).as("the replacement had a readiness probe and was not in"
                + " rotation yet").isEmpty();
        // the same failures once it was in rotation: its readiness let them in
        LongFunction<String> after = s -> s > T + 14_100 && s < T + 15_000 && s % 4 == 0
                ? "HTTP 503" : null;
        assertThat(new ReplacementRule().diagnose(run(t, after, workload(30, Map.of(), Optional.empty(),
                Optional.empty()), EvictionStats.none()))).singleElement().satisfies(x ->
                assertThat(x.code()).isEqualTo("replacement-not-ready"));
    }

    /** Evictions that never went through without one refusal: no budget held them, so no budget patch. */
    @Test
    void evictionsStuckWithoutARefusalAreNotABudgetDeadlock() {
        Optional<Workload.Budget> one = Optional.of(new Workload.Budget("web", null, "1", "IfHealthyBudget"));
        List<Finding> f = new BudgetRule().diagnose(run(List.of(), s -> null, workload(30, Map.of(), Optional.empty(),
                one), new EvictionStats(2, 0, 2, 0, "")));
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo("eviction-stuck");
            assertThat(x.patch()).isNull();
            assertThat(x.settings()).isEmpty();
        });
        assertThat(new BudgetRule().diagnose(run(List.of(), s -> null, workload(30, Map.of(), Optional.empty(), one),
                new EvictionStats(2, 0, 2, 40, "429 Cannot evict pod")))).extracting(Finding::code)
                .containsExactly("pdb-deadlock");
    }

    /** A refusal (429) comes only from a budget: "no budget guarded the evictions" would be false. */
    @Test
    void evictionsABudgetRefusedNeverAskForABudgetEvenIfTheRunDidNotReadIt() {
        assertThat(new BudgetRule().diagnose(run(List.of(), s -> null, workload(30, Map.of(), Optional.empty(),
                Optional.empty()), new EvictionStats(3, 3, 0, 4, "429 Cannot evict pod")))).isEmpty();
    }

    /** One pod both not-ready and terminating is one pod out of rotation, not two. */
    @Test
    void aPodNotReadyAndTerminatingCountsOnceAgainstTheReplicas() {
        Workload w = workload(30, Map.of(), Optional.empty(), Optional.of(new Workload.Budget("web", null, "1",
                "IfHealthyBudget")));
        Workload two = reshaped(w, 2, w.readinessProbe());
        List<TimelineEvent> t = List.of(
                TimelineEvent.of(T + 4_000, EventType.ENDPOINT_NOT_READY, "web-a", "e", ""),
                TimelineEvent.of(T + 4_005, EventType.ENDPOINT_TERMINATING, "web-a", "e", ""),
                TimelineEvent.of(T + 9_000, EventType.ENDPOINT_READY, "web-x", "e", ""),
                TimelineEvent.of(T + 10_000, EventType.ENDPOINT_TERMINATING, "web-b", "e", ""),
                TimelineEvent.of(T + 15_000, EventType.ENDPOINT_READY, "web-y", "e", ""));
        RunEvidence e = run(t, s -> null, two, new EvictionStats(2, 2, 0, 0, ""));
        assertThat(new BudgetRule().diagnose(e)).as("one pod at a time out of two: the budget held").isEmpty();
        // both out at once with no refusal: the budget is too loose
        List<TimelineEvent> both = List.of(t.get(0), t.get(1), TimelineEvent.of(T + 4_500,
                EventType.ENDPOINT_TERMINATING, "web-b", "e", ""));
        assertThat(new BudgetRule().diagnose(run(both, s -> null, two, new EvictionStats(2, 2, 0, 0, ""))))
                .extracting(Finding::code).containsExactly("pdb-missing");
    }

    @Test
    void evictionsThatNothingLimitedAskForABudget() {
        RunEvidence e = run(List.of(), s -> null, workload(30, Map.of(), Optional.empty(), Optional.empty()),
                new EvictionStats(3, 3, 0, 0, ""));
        assertThat(new BudgetRule().diagnose(e)).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo("pdb-missing");
            assertThat(x.settingsByKey()).containsEntry("pdbMaxUnavailable", "1");
            assertThat(x.patch()).contains("# A new object: add this file to `resources:`", "kind: PodDisruptionBudget",
                    "maxUnavailable: 1", "app: \"web\"");
        });
        Optional<Workload.Budget> one = Optional.of(new Workload.Budget("web", null, "1", "IfHealthyBudget"));
        assertThat(new BudgetRule().diagnose(run(List.of(), s -> null, workload(30, Map.of(), Optional.empty(), one),
                new EvictionStats(3, 3, 0, 2, "")))).as("a budget that refused and let them through one by one")
                .isEmpty();
    }
}
