package io.zerodrop.traffic.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.core.Sleep;
import io.zerodrop.core.Undo;
import io.zerodrop.gatling.GeneratorLog;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.traffic.GeneratorRow;
import io.zerodrop.traffic.LoadResult;
import io.zerodrop.traffic.TrafficListener;
import io.zerodrop.traffic.TrafficPlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real generator processes driven on their stdin/stdout, one made to run its clock 5 s ahead: their logs arrive
 * here, each generator's clock is measured, and on this host's clock every request the server saw lies between the
 * client's own start and end of it — which the uncorrected, skewed times would break by seconds.
 */
@Tag("slow")
class LocalFleetTest {
    @TempDir
    Path tmp;

    @Test
    void twoGeneratorsOneSkewedAreReadAsOneRunOnThisHostsClock() throws Exception {
        RecordingTarget target = new RecordingTarget();
        Map<String, Long> received = target.received;
        String url = target.url();
        TrafficPlan plan = LoadSpec.of("fresh-connections", 30, 1, 3).toPlan(url, tmp, false);
        AtomicInteger starts = new AtomicInteger();
        LoadResult r;
        List<Long> pids = new ArrayList<>();
        try (Undo undo = new Undo()) {
            LocalProcessFleet local = new LocalProcessFleet(url, List.of(), undo, List.of(0L, 5_000L));
            GeneratorFleet fleet = recordingPids(local, pids);
            r = new FleetRunner(fleet, 2, 100, undo).run(plan, new TrafficListener() {
                @Override
                public void injectionStarted(long seenMs) {
                    starts.incrementAndGet();
                }
            });
        } finally {
            target.close();
        }
        assertThat(starts.get()).isEqualTo(1);
        assertThat(r.logs()).extracting(GeneratorLog::name).containsExactly("generator-0", "generator-1");
        GeneratorLog g0 = r.logs().get(0);
        GeneratorLog g1 = r.logs().get(1);
        assertThat(g0.uncertaintyMs()).isLessThanOrEqualTo(100);
        assertThat(g1.uncertaintyMs()).isLessThanOrEqualTo(100);
        assertThat(Math.abs(g0.offsetMs())).isLessThanOrEqualTo(g0.uncertaintyMs());
        assertThat(Math.abs(g1.offsetMs() - 5_000)).isLessThanOrEqualTo(g1.uncertaintyMs());
        assertThat(r.generators()).extracting(GeneratorRow::askedRate).containsExactly(15.0, 15.0);
        // every generator process has exited once told to finish
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        }

        // the merged logs hold exactly the requests the server counted, split between two run tokens
        List<RequestRecord> records = RecordingTarget.merged(r.logs());
        assertThat(records).hasSize(received.size()).allMatch(RequestRecord::ok);
        assertThat(received.keySet().stream().map(id -> id.replaceAll("-\\d+$", "")).distinct()).hasSize(2)
                .allMatch(t -> t.endsWith("g0") || t.endsWith("g1"));

        // causality on one clock: each request reached the server between the client's start and end of it
        assertThat(r.clientLogs()).hasSize(2);
        long checked = 0;
        for (int i = 0; i < 2; i++) {
            List<String> lines = Files.readAllLines(r.clientLogs().get(i), StandardCharsets.US_ASCII);
            String token = lines.get(0).substring(lines.get(0).lastIndexOf(' ') + 1);
            long slack = r.logs().get(i).uncertaintyMs() + 1;
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(" ");
                Long at = received.get(token + "-" + f[0]);
                assertThat(at).as("request %s-%s reached the server", token, f[0]).isNotNull();
                assertThat(at).isBetween(Long.parseLong(f[1]) - slack, Long.parseLong(f[2]) + slack);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(received.size());
        // the merged run starts with the earliest generator, on this host's clock (not 5 s in the future)
        long firstStart = records.stream().mapToLong(RequestRecord::startMs).min().orElseThrow();
        assertThat(firstStart).isLessThanOrEqualTo(received.values().stream().mapToLong(Long::longValue).min()
                .orElseThrow() + 101);
    }

    /** {@code local}, noting each generator process's pid in {@code pids} as it is launched. */
    static GeneratorFleet recordingPids(LocalProcessFleet local, List<Long> pids) {
        return new GeneratorFleet() {
            @Override
            public String serviceUrl() {
                return local.serviceUrl();
            }

            @Override
            public List<GeneratorChannel> launch(FleetLaunch l) {
                List<GeneratorChannel> chs = local.launch(l);
                chs.forEach(c -> pids.add(Long.parseLong(c.where().replaceAll(".*pid ", ""))));
                return chs;
            }

            @Override
            public Map<String, Object> describe() {
                return local.describe();
            }
        };
    }

    /** The requests of one generator's log, on this host's clock. */
    static List<RequestRecord> records(GeneratorLog log) throws Exception {
        return RecordingTarget.merged(List.of(log));
    }

    /** How many requests the target received from the generator whose run token ends with {@code gen}. */
    static long receivedFrom(Map<String, Long> received, String gen) {
        return received.keySet().stream().filter(id -> id.replaceAll("-\\d+$", "").endsWith(gen)).count();
    }

    /**
     * One of two generators is SIGKILLed in the middle of the load (as the kernel's OOM killer would): it is named
     * with its exit code as soon as it is seen gone, the other goes on to the end, and what both sent is kept — the
     * survivor's log whole, the dead one's up to what it had handed over, cut short.
     */
    @Test
    void aGeneratorKilledMidLoadIsNamedAndTheOthersLoadAndDataAreKept() throws Exception {
        RecordingTarget target = new RecordingTarget();
        Map<String, Long> received = target.received;
        String url = target.url();
        TrafficPlan plan = LoadSpec.of("fresh-connections", 30, 1, 5).toPlan(url, tmp, false);
        List<Long> pids = new ArrayList<>();
        List<String> lost = new CopyOnWriteArrayList<>();
        long[] killedAt = {-1};
        LoadResult r;
        try (Undo undo = new Undo()) {
            LocalProcessFleet local = new LocalProcessFleet(url, List.of(), undo, List.of());
            GeneratorFleet fleet = recordingPids(local, pids);
            Thread killer = new Thread(() -> {
                // once generator-1 has sent some of its load, as an OOM kill would come
                while (receivedFrom(received, "g1") < 10) {
                    if (!Sleep.forMs(20)) {
                        return;
                    }
                }
                killedAt[0] = System.currentTimeMillis();
                ProcessHandle.of(pids.get(1)).ifPresent(ProcessHandle::destroyForcibly);
            });
            killer.setDaemon(true);
            r = new FleetRunner(fleet, 2, 100, undo).run(plan, new TrafficListener() {
                @Override
                public void injectionStarted(long seenMs) {
                    killer.start();
                }

                @Override
                public void generatorLost(String name, String why) {
                    lost.add(name + ": " + why);
                }
            });
        } finally {
            target.close();
        }
        assertThat(killedAt[0]).as("generator-1 was killed during the load").isPositive();
        assertThat(lost).singleElement().asString().startsWith("generator-1: load generator generator-1 (this host,"
                + " pid " + pids.get(1) + ") stopped answering, exit code 137");
        assertThat(r.lostGenerators()).singleElement().asString().startsWith("generator-1 (this host, pid "
                + pids.get(1) + "): load generator generator-1").contains("exit code 137").doesNotContain("\n");
        assertThat(r.generators()).extracting(GeneratorRow::name).containsExactly("generator-0", "generator-1");
        assertThat(r.generators().get(1).died()).contains("exit code 137");
        assertThat(r.generators().get(0).died()).isNull();

        // the survivor's log is whole and holds every request the target had from it, some sent after the kill
        GeneratorLog survivor = r.logs().get(0);
        assertThat(survivor.name()).isEqualTo("generator-0");
        assertThat(survivor.cut()).isFalse();
        List<RequestRecord> fromSurvivor = records(survivor);
        assertThat((long) fromSurvivor.size()).isEqualTo(receivedFrom(received, "g0"));
        assertThat(fromSurvivor).allMatch(RequestRecord::ok)
                .anyMatch(rec -> rec.startMs() > killedAt[0]);
        // the dead one's, cut short: what it had handed over (Gatling writes its log in buffers, so perhaps
        // nothing), never more than the target had from it
        for (GeneratorLog dead : r.logs().subList(1, r.logs().size())) {
            assertThat(dead.name()).isEqualTo("generator-1");
            assertThat(dead.cut()).isTrue();
            assertThat((long) records(dead).size()).isLessThanOrEqualTo(receivedFrom(received, "g1"));
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        }
    }
}
