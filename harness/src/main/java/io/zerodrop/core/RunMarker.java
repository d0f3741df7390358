package io.zerodrop.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What a run leaves on this machine, written down before anything starts, so that nothing outlives it even when it
 * is killed with SIGKILL (a CI hard timeout): a marker file in {@link #directory()} names the run, its owner process
 * (pid and start time, so a reused pid is not mistaken for it) and the network namespaces it created; every process
 * the run starts carries {@code ZERODROP_RUN=<id>} in its environment (inherited by its own children). The run's
 * last undo stops every process still carrying its id. A later run, or {@code zerodrop cleanup}, removes what a run
 * whose owner is gone left behind — identified by the marker, never by a process name.
 *
 * <p>Why not a parent-death signal: Linux sends PR_SET_PDEATHSIG when the <em>thread</em> that forked the child
 * ends, and JVM pool threads come and go during a run: a pod would be killed when an idle thread retired.
 */
public final class RunMarker {
    /** The environment variable every process of a run carries. */
    public static final String ENV = "ZERODROP_RUN";
    private static volatile RunMarker current;

    private final String id;
    private final Path file;
    private final List<String> namespaces = new ArrayList<>();

    private RunMarker(String id, Path file) {
        this.id = id;
        this.file = file;
    }

    /**
     * The directory markers live in: {@code ${java.io.tmpdir}/zerodrop-runs-<user>} (one per user: a user can stop
     * only their own processes), or {@code -Dzerodrop.runs}.
     */
    public static Path directory() {
        return Path.of(System.getProperty("zerodrop.runs", Path.of(System.getProperty("java.io.tmpdir"),
                "zerodrop-runs-" + System.getProperty("user.name", "unknown")).toString()));
    }

    /**
     * Writes the marker of a new run and registers, first of all its undos (so it runs last), the sweep of every
     * process left with this run's id and the removal of the marker.
     */
    public static RunMarker begin(Undo undo) {
        String id = Long.toString(System.currentTimeMillis(), 36) + "-" + UUID.randomUUID().toString().substring(0, 8);
        RunMarker m = new RunMarker(id, directory().resolve(id + ".run"));
        try {
            Files.createDirectories(directory());
            m.write();
        } catch (IOException e) {
            throw ZerodropException.environment("cannot write the run marker " + m.file + ": " + e.getMessage()
                    + " (zerodrop writes one before it starts anything, so that a killed run can be cleaned up)");
        }
        undo.register("stop every process left by run " + id + " and remove its marker", () -> {
            try {
                kill(id);
            } finally {
                Files.deleteIfExists(m.file);
                if (current == m) {
                    current = null;
                }
            }
        });
        current = m;
        return m;
    }

    /** The run under way in this JVM, if any. */
    public static Optional<RunMarker> current() {
        return Optional.ofNullable(current);
    }

    /** Adds this JVM's current run id to the environment of a process about to start. */
    public static void tag(Map<String, String> env) {
        RunMarker m = current;
        if (m != null) {
            env.put(ENV, m.id);
        }
    }

    public String id() {
        return id;
    }

    /** Records a network namespace before it is created. */
    public synchronized void namespace(String name) {
        namespaces.add(name);
        try {
            write();
        } catch (IOException e) {
            throw ZerodropException.environment("cannot update the run marker " + file + ": " + e.getMessage());
        }
    }

    private synchronized void write() throws IOException {
        ProcessHandle self = ProcessHandle.current();
        Properties p = new Properties();
        p.setProperty("run", id);
        p.setProperty("ownerPid", String.valueOf(self.pid()));
        p.setProperty("ownerStart", self.info().startInstant().map(Instant::toString).orElse(""));
        p.setProperty("createdMs", String.valueOf(System.currentTimeMillis()));
        p.setProperty("namespaces", String.join(",", namespaces));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var out = Files.newOutputStream(tmp)) {
            p.store(out, "zerodrop run marker: what this run may leave behind");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** What a cleanup found and removed. */
    public record Removed(String run, long ownerPid, List<Long> processes, List<String> namespaces) {
    }

    /**
     * Removes what runs whose owner is no longer alive left behind: their processes (SIGTERM, then SIGKILL after
     * 2 s), their network namespaces and their markers. Runs still alive are left alone.
     */
    public static List<Removed> cleanupDead() {
        List<Removed> out = new ArrayList<>();
        if (!Files.isDirectory(directory())) {
            return out;
        }
        try (DirectoryStream<Path> markers = Files.newDirectoryStream(directory(), "*.run")) {
            for (Path f : markers) {
                Properties p = new Properties();
                try (var in = Files.newInputStream(f)) {
                    p.load(in);
                } catch (IOException e) {
                    continue; // being written or removed by its owner
                }
                long owner = Long.parseLong(p.getProperty("ownerPid", "0"));
                if (alive(owner, p.getProperty("ownerStart", ""))) {
                    continue;
                }
                String run = p.getProperty("run", "");
                List<Long> killed = kill(run);
                List<String> removedNs = new ArrayList<>();
                for (String ns : p.getProperty("namespaces", "").split(",")) {
                    if (!ns.isBlank() && deleteNamespace(ns)) {
                        removedNs.add(ns);
                    }
                }
                Files.deleteIfExists(f);
                out.add(new Removed(run, owner, killed, removedNs));
            }
        } catch (IOException e) {
            throw ZerodropException.environment("cannot read the run markers in " + directory() + ": " + e.getMessage());
        }
        return out;
    }

    private static boolean alive(long pid, String start) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> start.isEmpty() || h.info().startInstant().map(Instant::toString).orElse("").equals(start))
                .isPresent();
    }

    /** The live processes whose environment carries {@code ZERODROP_RUN=run} (read from /proc). */
    public static List<Long> processesOf(String run) {
        byte[] needle = ("\0" + ENV + "=" + run + "\0").getBytes(StandardCharsets.UTF_8);
        List<Long> pids = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path d : proc) {
                long pid = Long.parseLong(d.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                try {
                    byte[] env = Files.readAllBytes(d.resolve("environ"));
                    byte[] padded = new byte[env.length + 1];
                    System.arraycopy(env, 0, padded, 1, env.length);
                    if (indexOf(padded, needle) >= 0) {
                        pids.add(pid);
                    }
                } catch (IOException | SecurityException gone) {
                    // exited meanwhile, or not ours to read
                }
            }
        } catch (IOException e) {
            return pids;
        }
        return pids;
    }

    private static List<Long> kill(String run) {
        List<Long> pids = processesOf(run);
        for (Long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        long deadline = System.currentTimeMillis() + 2_000;
        for (Long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                try {
                    h.onExit().get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                } catch (Exception stillThere) {
                    h.destroyForcibly();
                }
            });
        }
        return pids;
    }

    private static boolean deleteNamespace(String ns) {
        if (!Files.exists(Path.of("/run/netns", ns))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
