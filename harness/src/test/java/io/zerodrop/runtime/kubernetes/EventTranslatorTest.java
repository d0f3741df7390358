package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.PodIncarnations;
import io.zerodrop.timeline.TimelineEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** Watch event sequences as a real cluster emits them, translated to timeline events on zerodrop's clock. */
class EventTranslatorTest {
    static final long T = 1_800_000_000_000L;

    static Pod pod(String name, boolean ready, String deletionTimestamp, Integer exitCode, String message) {
        ContainerState state = new ContainerState();
        if (exitCode != null) {
            state.setTerminated(new ContainerStateTerminatedBuilder()
                    .withExitCode(exitCode).withReason(exitCode == 137 ? "Error" : "Completed").withMessage(message)
                    .withFinishedAt("2027-01-15T08:00:05Z").build());
        } else {
            state.setRunning(new ContainerStateRunning());
        }
        return new PodBuilder().withNewMetadata().withName(name).withDeletionTimestamp(deletionTimestamp)
                .withDeletionGracePeriodSeconds(deletionTimestamp == null ? null : 30L).endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .addNewContainerStatus().withName("app").withState(state).endContainerStatus().endStatus().build();
    }

    static EndpointSlice slice(String name, Object[]... endpoints) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withName(name).endMetadata()
                .withAddressType("IPv4");
        for (Object[] e : endpoints) {
            b.addToEndpoints(new EndpointBuilder().withAddresses("10.0.0." + e[0].toString().length())
                    .withNewTargetRef().withKind("Pod").withName((String) e[0]).endTargetRef()
                    .withNewConditions().withReady((Boolean) e[1]).withServing((Boolean) e[2])
                    .withTerminating((Boolean) e[3]).endConditions().build());
        }
        return b.build();
    }

    @Test
    void aGracefulDeletionAsTheWatchesDeliverIt() {
        List<TimelineEvent> out = new ArrayList<>();
        Pod running = pod("web-1", true, null, null, null);
        Pod marked = pod("web-1", true, "2027-01-15T08:00:30Z", null, null);
        Pod exited = pod("web-1", false, "2027-01-15T08:00:30Z", 143, "{\"received\":120,\"ok\":118,\"cut\":2}");
        out.addAll(EventTranslator.pod(null, running, T, ""));
        out.addAll(EventTranslator.pod(running, marked, T + 100, "delete-1"));
        out.addAll(EventTranslator.pod(marked, exited, T + 5_300, "delete-1"));
        assertThat(out).extracting(TimelineEvent::type).containsExactly(EventType.REPLACEMENT_READY,
                EventType.POD_MARKED_FOR_DELETION, EventType.CONTAINER_EXITED);
        TimelineEvent m = out.get(1);
        assertThat(m.atMs()).as("the moment zerodrop received it, not the server's timestamp").isEqualTo(T + 100);
        assertThat(m.attributesByKey()).containsEntry("serverDeletionTimestamp", "2027-01-15T08:00:30Z")
                .containsEntry("graceSeconds", "30");
        TimelineEvent x = out.get(2);
        assertThat(x.atMs()).isEqualTo(T + 5_300);
        assertThat(x.attributesByKey()).containsEntry("exitCode", "143").containsEntry("nodeFinishedAt",
                "2027-01-15T08:00:05Z").containsEntry("terminationMessage", "{\"received\":120,\"ok\":118,\"cut\":2}");
        assertThat(x.disruption()).isEqualTo("delete-1");
        // the same status delivered again (a resync, a relist) is not a second exit
        assertThat(EventTranslator.pod(exited, exited, T + 6_000, "delete-1")).isEmpty();
    }

    @Test
    void endpointsFoldedOverSeveralSlicesWithNullConditionsMeaningReady() {
        EventTranslator tr = new EventTranslator();
        Map<String, String> cause = Map.of("web-1", "delete-1");
        // two slices; null conditions are ready, serving, not terminating
        List<TimelineEvent> start = new ArrayList<>(tr.slice(slice("web-a", new Object[] {"web-1", null, null, null},
                new Object[] {"web-2", true, true, false}), T, cause));
        start.addAll(tr.slice(slice("web-b", new Object[] {"web-3", null, null, null}), T, cause));
        assertThat(start).extracting(TimelineEvent::type).containsOnly(EventType.ENDPOINT_READY);
        assertThat(start).extracting(TimelineEvent::pod).containsExactlyInAnyOrder("web-1", "web-2", "web-3");

        // web-1 terminating but still serving (its readiness has not failed yet)
        List<TimelineEvent> term = tr.slice(slice("web-a", new Object[] {"web-1", false, true, true},
                new Object[] {"web-2", true, true, false}), T + 200, cause);
        assertThat(term).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.ENDPOINT_TERMINATING);
            assertThat(e.pod()).isEqualTo("web-1");
            assertThat(e.disruption()).isEqualTo("delete-1");
            assertThat(e.attributesByKey()).containsEntry("serving", "true");
        });
        // then removed from its slice; the replacement appears in the other slice, not ready yet
        List<TimelineEvent> gone = tr.slice(slice("web-a", new Object[] {"web-2", true, true, false}), T + 9_000, cause);
        assertThat(gone).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.ENDPOINT_REMOVED);
            assertThat(e.pod()).isEqualTo("web-1");
        });
        List<TimelineEvent> added = tr.slice(slice("web-b", new Object[] {"web-3", null, null, null},
                new Object[] {"web-4", false, false, false}), T + 9_500, cause);
        assertThat(added).extracting(TimelineEvent::type, TimelineEvent::pod)
                .containsExactly(Tuple.tuple(EventType.ENDPOINT_NOT_READY, "web-4"));
        List<TimelineEvent> ready = tr.slice(slice("web-b", new Object[] {"web-3", null, null, null},
                new Object[] {"web-4", true, true, false}), T + 12_000, cause);
        assertThat(ready).extracting(TimelineEvent::type, TimelineEvent::pod)
                .containsExactly(Tuple.tuple(EventType.ENDPOINT_READY, "web-4"));
        // a whole slice deleted: its endpoints leave unless another slice lists them
        assertThat(tr.sliceDeleted("web-b", T + 13_000, cause)).extracting(TimelineEvent::pod)
                .containsExactly("web-3", "web-4");
    }

    /**
     * A StatefulSet recreates web-1 under its name once the old web-1 is gone: the slice lists a new pod (a new uid)
     * under the old name. It is a pod of its own, web-1#2: not ready, then ready — not "web-1 back in rotation".
     */
    @Test
    void aPodRecreatedUnderTheSameNameIsAnEndpointOfItsOwn() {
        EventTranslator tr = new EventTranslator(new PodIncarnations());
        Map<String, String> cause = Map.of("web-1", "delete-1");
        tr.slice(uidSlice("web-a", "uid-a", true, false), T, cause);
        assertThat(tr.slice(uidSlice("web-a", "uid-a", false, true), T + 100, cause)).extracting(TimelineEvent::type,
                TimelineEvent::pod).containsExactly(Tuple.tuple(EventType.ENDPOINT_TERMINATING, "web-1"));
        assertThat(tr.slice(slice("web-a"), T + 5_000, cause)).extracting(TimelineEvent::type, TimelineEvent::pod)
                .containsExactly(Tuple.tuple(EventType.ENDPOINT_REMOVED, "web-1"));
        assertThat(tr.slice(uidSlice("web-a", "uid-b", false, false), T + 6_000, cause)).extracting(
                TimelineEvent::type, TimelineEvent::pod).containsExactly(Tuple.tuple(EventType.ENDPOINT_NOT_READY,
                "web-1#2"));
        assertThat(tr.slice(uidSlice("web-a", "uid-b", true, false), T + 9_000, cause)).extracting(
                TimelineEvent::type, TimelineEvent::pod).containsExactly(Tuple.tuple(EventType.ENDPOINT_READY,
                "web-1#2"));
    }

    static EndpointSlice uidSlice(String name, String uid, boolean ready, boolean terminating) {
        return new EndpointSliceBuilder().withNewMetadata().withName(name).endMetadata().withAddressType("IPv4")
                .addToEndpoints(new EndpointBuilder().withAddresses("10.0.0.1").withNewTargetRef().withKind("Pod")
                        .withName("web-1").withUid(uid).endTargetRef().withNewConditions().withReady(ready)
                        .withServing(ready || terminating).withTerminating(terminating).endConditions().build())
                .build();
    }

    /**
     * Two Services over the same pods (web and web-canary): each has its own slice listing web-1. The EndpointSlice
     * controller updates them one after the other; the pod leaves rotation once — when the last slice says so — and
     * is removed once, when no slice lists it any more.
     */
    @Test
    void aPodBehindTwoServicesChangesOnceNotOncePerService() {
        EventTranslator tr = new EventTranslator();
        Map<String, String> cause = Map.of("web-1", "delete-1");
        Object[] ready = {"web-1", null, null, null};
        Object[] leaving = {"web-1", false, true, true};
        assertThat(tr.slice(slice("web-abc", ready), T, cause)).extracting(TimelineEvent::type)
                .containsExactly(EventType.ENDPOINT_READY);
        assertThat(tr.slice(slice("web-canary-xyz", ready), T + 1, cause)).as("the same pod, the second Service")
                .isEmpty();
        assertThat(tr.slice(slice("web-abc", leaving), T + 100, cause)).as("the other Service still routes to it")
                .isEmpty();
        assertThat(tr.slice(slice("web-canary-xyz", leaving), T + 130, cause)).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.ENDPOINT_TERMINATING);
            assertThat(e.atMs()).isEqualTo(T + 130);
            assertThat(e.disruption()).isEqualTo("delete-1");
        });
        assertThat(tr.slice(slice("web-abc"), T + 900, cause)).isEmpty();
        assertThat(tr.slice(slice("web-canary-xyz"), T + 950, cause)).extracting(TimelineEvent::type, TimelineEvent::atMs)
                .containsExactly(Tuple.tuple(EventType.ENDPOINT_REMOVED, T + 950));
    }

    /**
     * Each Service's informer delivers on its own thread: two threads folding their own slices at once leave one
     * consistent view (an unsynchronized fold throws ConcurrentModificationException or loses a slice here).
     */
    @Test
    void slicesFoldedFromTwoThreadsAtOnceLeaveOneConsistentView() throws Exception {
        EventTranslator tr = new EventTranslator();
        int rounds = 20_000;
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (String svc : List.of("web", "canary")) {
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        // each Service's slice lists its own pod, alternating ready and not ready; ends ready
                        Boolean r = i % 2 == 1;
                        tr.slice(slice(svc + "-slice", new Object[] {svc + "-pod", r, r, false}), T + i, Map.of());
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
        // both slices are in the view, both pods ready: folding the same state again changes nothing
        assertThat(tr.slice(slice("web-slice", new Object[] {"web-pod", true, true, false}), T, Map.of())).isEmpty();
        assertThat(tr.slice(slice("canary-slice", new Object[] {"canary-pod", true, true, false}), T, Map.of()))
                .isEmpty();
        assertThat(tr.sliceDeleted("web-slice", T, Map.of())).extracting(TimelineEvent::pod).containsExactly("web-pod");
    }

    @Test
    void kubeletEventsOnTheWorkloadsPodsAndBudgetChangesBecomeNotesWithTheServersTimesBeside() {
        Event hook = new EventBuilder()
                .withNewInvolvedObject().withKind("Pod").withName("web-1").endInvolvedObject()
                .withReason("FailedPreStopHook").withType("Warning").withMessage("PreStopHook failed: exec sleep: not found")
                .withFirstTimestamp("2027-01-15T08:00:01Z").withLastTimestamp("2027-01-15T08:00:01Z").withCount(1)
                .build();
        TimelineEvent t = EventTranslator.event(hook, T + 42, "web-1"::equals, Map.of("web-1", "delete-1"));
        assertThat(t.atMs()).isEqualTo(T + 42);
        assertThat(t.detail()).isEqualTo("preStop hook failed: PreStopHook failed: exec sleep: not found");
        assertThat(t.disruption()).isEqualTo("delete-1");
        assertThat(t.attributesByKey()).containsEntry("serverFirstTimestamp", "2027-01-15T08:00:01Z")
                .containsEntry("reason", "FailedPreStopHook");
        Event other = new EventBuilder(hook)
                .editInvolvedObject().withName("cart-1").endInvolvedObject().build();
        assertThat(EventTranslator.event(other, T, "web-1"::equals, Map.of())).as("another workload's pod").isNull();

        var b1 = new PodDisruptionBudgetBuilder().withNewMetadata()
                .withName("web-pdb").endMetadata().withNewStatus().withDisruptionsAllowed(1).withCurrentHealthy(3)
                .withDesiredHealthy(2).withExpectedPods(3).endStatus().build();
        var b2 = new PodDisruptionBudgetBuilder(b1).editStatus()
                .withDisruptionsAllowed(0).withCurrentHealthy(2).endStatus().build();
        assertThat(EventTranslator.budget(null, b1, T).attributesByKey()).containsEntry("disruptionsAllowed", "1");
        TimelineEvent change = EventTranslator.budget(b1, b2, T + 500);
        assertThat(change.detail()).isEqualTo("PodDisruptionBudget web-pdb: disruptionsAllowed 0 (healthy 2 of 2"
                + " needed)");
        assertThat(EventTranslator.budget(b2, b2, T + 600)).as("a resync with nothing new").isNull();
    }
}
