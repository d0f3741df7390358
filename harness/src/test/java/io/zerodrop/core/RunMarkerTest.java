package io.zerodrop.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.zerodrop.testsupport.ChildJvm;
import io.zerodrop.testsupport.HostTool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several runs share one machine (CI runners run jobs side by side, as one user): a run's cleanup must never take a
 * live run for dead, whatever the clocks do, and must act only on markers this user wrote. Owners here are child JVMs
 * (a lock is held per process), each with one tagged {@code sleep} standing for its pods.
 */
class RunMarkerTest {
    @TempDir
    Path dir;
    private String previous;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void markersHere() {
        previous = System.getProperty("zerodrop.runs");
        System.setProperty("zerodrop.runs", markers().toString());
    }

    @AfterEach
    void restore() {
        if (previous == null) {
            System.clearProperty("zerodrop.runs");
        } else {
            System.setProperty("zerodrop.runs", previous);
        }
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private Path markers() {
        return dir.resolve("markers");
    }

    private record Owner(Process jvm, String run, long pod) {
    }

    private Owner owner() throws IOException {
        Process p = new ProcessBuilder(ChildJvm.command(List.of("-Dzerodrop.runs=" + markers()),
                MarkerOwner.class.getName())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        started.add(p);
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("the owner's first line").startsWith("ready ");
        String[] parts = line.split(" ");
        return new Owner(p, parts[1], Long.parseLong(parts[2]));
    }

    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    /** Rewrites what the marker says about its owner's time and pid, as a clock step or a stale file would. */
    private void falsifyOwner(String run) throws IOException {
        Path f = markers().resolve(run + ".run");
        String text = Files.readString(f, StandardCharsets.ISO_8859_1);
        Matcher created = Pattern.compile("createdMs=(\\d+)").matcher(text);
        assertThat(created.find()).isTrue();
        long shifted = Long.parseLong(created.group(1)) - 3_000;
        text = text.replace(created.group(), "createdMs=" + shifted).replaceAll("ownerPid=\\d+", "ownerPid=1")
                + "ownerStart=1970-01-01T00\\:00\\:03Z\n";
        // written in place, from this process: the owner's lock stays (locks belong to the process that took them)
        try (var ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)), 0);
        }
    }

    @Test
    void aLiveRunIsNeverTakenForDeadWhateverItsMarkerSaysOfTimesAndPids() throws Exception {
        Owner live = owner();
        falsifyOwner(live.run());

        RunMarker.Cleanup cleanup = RunMarker.cleanupDead();

        assertThat(cleanup.removed()).isEmpty();
        assertThat(cleanup.warnings()).isEmpty();
        assertThat(alive(live.pod())).as("the live run's pod").isTrue();
        assertThat(live.jvm().isAlive()).isTrue();
        assertThat(markers().resolve(live.run() + ".run")).exists();
    }

    @Test
    void aRunWhoseOwnerWasKilledIsCleanedUpAndALiveOneBesideItIsNot() throws Exception {
        Owner live = owner();
        Owner killed = owner();
        killed.jvm().destroyForcibly();
        assertThat(killed.jvm().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(alive(killed.pod())).as("a SIGKILLed owner's pod outlives it").isTrue();

        RunMarker.Cleanup cleanup = RunMarker.cleanupDead();

        assertThat(cleanup.removed()).extracting(RunMarker.Removed::run).containsExactly(killed.run());
        assertThat(cleanup.removed().get(0).processes()).containsExactly(killed.pod());
        assertThat(alive(killed.pod())).isFalse();
        assertThat(markers().resolve(killed.run() + ".run")).doesNotExist();
        assertThat(alive(live.pod())).isTrue();
        assertThat(markers().resolve(live.run() + ".run")).exists();
        assertThat(RunMarker.cleanupDead().removed()).as("a second cleanup").isEmpty();
    }

    @Test
    void aRunOfThisJvmIsNeitherTouchedNorUnlockedByThisJvmsOwnCleanup() throws Exception {
        Undo undo = new Undo();
        RunMarker mine = RunMarker.begin(undo);
        try {
            assertThat(RunMarker.cleanupDead().removed()).isEmpty();
            // had this JVM opened and closed its own marker, the kernel would have dropped the lock: a child sees it held
            Process probe = new ProcessBuilder(ChildJvm.command(List.of("-Dzerodrop.runs=" + markers()),
                    CleanupOnce.class.getName())).redirectErrorStream(true).start();
            started.add(probe);
            String said = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(said).as(said).contains("removed 0");
            assertThat(markers().resolve(mine.id() + ".run")).exists();
        } finally {
            undo.close();
        }
        assertThat(markers().resolve(mine.id() + ".run")).doesNotExist();
    }

    @Test
    void aMarkerThatIsALinkOrAnotherUsersIsIgnoredWithAWarningAndItsProcessesAreLeftAlone() throws Exception {
        Files.createDirectories(markers());
        String run = "zzzzzz-0badc0de";
        ProcessBuilder pb = new ProcessBuilder("sleep", "300");
        pb.environment().put(RunMarker.ENV, run);
        Process victim = pb.start();
        started.add(victim);
        Path elsewhere = Files.writeString(dir.resolve("planted"), "run=" + run + "\nownerPid=1\nnamespaces=zd-x\n");
        Files.createSymbolicLink(markers().resolve(run + ".run"), elsewhere);

        RunMarker.Cleanup cleanup = RunMarker.cleanupDead();

        assertThat(cleanup.removed()).isEmpty();
        assertThat(cleanup.warnings()).singleElement().asString()
                .contains(run + ".run", "symbolic link", "only this user's own marker files are acted on");
        assertThat(alive(victim.pid())).isTrue();

        assumeThat(isRoot()).as("chown to another user needs root").isTrue();
        Files.delete(markers().resolve(run + ".run"));
        Path foreign = Files.writeString(markers().resolve(run + ".run"), "run=" + run + "\nownerPid=1\n");
        Files.setOwner(foreign, foreign.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));

        cleanup = RunMarker.cleanupDead();

        assertThat(cleanup.removed()).isEmpty();
        assertThat(cleanup.warnings()).singleElement().asString().contains("belongs to nobody");
        assertThat(alive(victim.pid())).isTrue();
        assertThat(foreign).exists();
    }

    @Test
    void anotherUsersProcessIsNeverSignalledEvenWhenItCarriesADeadRunsId() throws Exception {
        assumeThat(isRoot()).as("running a process as another user needs root").isTrue();
        HostTool.require("setpriv", "setpriv (util-linux) runs a process as another user");
        Owner dead = owner();
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "sleep", "300");
        pb.environment().put(RunMarker.ENV, dead.run());
        Process other = pb.start();
        started.add(other);
        awaitRunningAsNobody(other.pid());
        dead.jvm().destroyForcibly();
        dead.jvm().waitFor(10, TimeUnit.SECONDS);

        RunMarker.Cleanup cleanup = RunMarker.cleanupDead();

        assertThat(cleanup.removed()).singleElement().satisfies(r ->
                assertThat(r.processes()).containsExactly(dead.pod()));
        assertThat(alive(other.pid())).as("the other user's process").isTrue();
    }

    @Test
    void aMarkerDirectoryOfAnotherUserIsRefusedAndOneOfOursIsTightenedTo0700() throws Exception {
        Files.createDirectories(markers(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(markers(), PosixFilePermissions.fromString("rwxrwxrwx"));
        Undo undo = new Undo();
        RunMarker.begin(undo);
        undo.close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(markers()))).isEqualTo("rwx------");

        assumeThat(isRoot()).as("chown to another user needs root").isTrue();
        Files.setOwner(markers(), markers().getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        assertThatThrownBy(() -> RunMarker.begin(new Undo())).isInstanceOf(ZerodropException.class)
                .hasMessageContaining(markers().toString()).hasMessageContaining("belongs to nobody")
                .hasMessageContaining("-Dzerodrop.runs")
                .satisfies(e -> assertThat(((ZerodropException) e).exitCode()).isEqualTo(ExitCodes.ENVIRONMENT));
        assertThatThrownBy(RunMarker::cleanupDead).hasMessageContaining("belongs to nobody");
    }

    /**
     * Until setpriv has changed its user and exec'd sleep, the process is still root's — this user's — and a cleanup
     * would rightly act on it; the test is about a process that is another user's.
     */
    private static void awaitRunningAsNobody(long pid) throws Exception {
        Path proc = Path.of("/proc", String.valueOf(pid));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.readString(proc.resolve("comm")).strip().equals("sleep")
                    && Integer.valueOf(65534).equals(Files.getAttribute(proc, "unix:uid"))) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("process " + pid + " did not become nobody's sleep within 60 s");
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException e) {
            return false;
        }
    }

    /** A cleanup from another process: prints how many runs it removed. */
    public static final class CleanupOnce {
        private CleanupOnce() {
        }

        public static void main(String[] args) {
            System.out.println("removed " + RunMarker.cleanupDead().removed().size());
        }
    }

}
