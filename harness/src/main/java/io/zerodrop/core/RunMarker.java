package io.zerodrop.core;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What a run leaves on this machine, written down before anything starts, so that nothing outlives it even when it
 * is killed with SIGKILL (a CI hard timeout): a marker file in {@link #directory()} names the run, its owner process
 * and the network namespaces it created; every process the run starts carries {@code ZERODROP_RUN=<id>} in its
 * environment (inherited by its own children). The run's last undo stops every process still carrying its id. A
 * later run, or {@code zerodrop cleanup}, removes what a run whose owner is gone left behind — identified by the
 * marker, never by a process name.
 *
 * <p>Whether the owner is alive is never judged by comparing times or pids: the owner holds an exclusive lock on its
 * marker for its whole life, taken before the marker becomes visible, and the kernel releases it when the owner
 * dies, however it dies. A cleaner that can take the lock knows the owner is gone, whatever the wall clock did (a
 * step of 3 s once made live runs look dead when their start times were compared). The lock is a POSIX record lock,
 * which the kernel drops when the owning process closes <em>any</em> descriptor of the file: this JVM therefore never
 * opens a marker it owns (see {@link #OWN}).
 *
 * <p>Only markers that are ours are trusted: the directory must belong to this user with mode 0700, and a marker that
 * is a link or belongs to someone else is passed over with a warning, so a file another user could write never makes
 * a cleanup signal a process or delete a network namespace. Only this user's processes are signalled.
 *
 * <p>Why not a parent-death signal: Linux sends PR_SET_PDEATHSIG when the <em>thread</em> that forked the child
 * ends, and JVM pool threads come and go during a run: a pod would be killed when an idle thread retired.
 */
public final class RunMarker {
    /** The environment variable every process of a run carries. */
    public static final String ENV = "ZERODROP_RUN";
    private static final Pattern NETNS = Pattern.compile("zd-[0-9A-Za-z_-]{1,40}");
    /** The markers this JVM owns: never opened by its own cleanups, whose close would release their lock. */
    private static final Set<Path> OWN = ConcurrentHashMap.newKeySet();
    private static volatile RunMarker current;

    private final String id;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final List<String> namespaces = new ArrayList<>();

    private RunMarker(String id, Path file, FileChannel channel, FileLock lock) {
        this.id = id;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * The directory markers live in: {@code ${java.io.tmpdir}/zerodrop-runs-<user>} (one per user: a user can stop
     * only their own processes), or {@code -Dzerodrop.runs}.
     */
    public static Path directory() {
        return Path.of(System.getProperty("zerodrop.runs", Path.of(System.getProperty("java.io.tmpdir"),
                "zerodrop-runs-" + System.getProperty("user.name", "unknown")).toString()));
    }

    /** Begins a run with a new id: see {@link #begin(Undo, String)}. */
    public static RunMarker begin(Undo undo) {
        return begin(undo, RunId.next());
    }

    /**
     * Writes the marker of run {@code id} (a {@link RunId}) and registers, first of all its undos (so it runs last),
     * the sweep of every process left with this run's id, the removal of the marker and the release of its lock.
     */
    public static RunMarker begin(Undo undo, String id) {
        if (!RunId.valid(id)) {
            throw new IllegalArgumentException("not a run id: \"" + id + "\"");
        }
        Path dir = ownDirectory(true);
        Path file = dir.resolve(id + ".run");
        Path tmp = dir.resolve(id + ".run.new");
        RunMarker m;
        OWN.add(tmp);
        OWN.add(file);
        try {
            FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            FileLock lock = ch.lock();
            m = new RunMarker(id, file, ch, lock);
            m.write();
            // the rename keeps the locked inode: the marker is never visible unlocked
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            OWN.remove(file);
            throw ZerodropException.environment("cannot write the run marker " + file + ": " + e.getMessage()
                    + " (zerodrop writes one before it starts anything, so that a killed run can be cleaned up)");
        } finally {
            OWN.remove(tmp);
        }
        RunMarker marker = m;
        undo.register("stop every process left by run " + id + " and remove its marker", () -> {
            try {
                RunProcesses.stop(id);
            } finally {
                Files.deleteIfExists(marker.file);
                marker.close();
                if (current == marker) {
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

    /** Records a network namespace (a name {@code zd-…}) before it is created. */
    public synchronized void namespace(String name) {
        if (!NETNS.matcher(name).matches()) {
            throw new IllegalArgumentException("network namespace " + name + " is not a zd-… name");
        }
        namespaces.add(name);
        try {
            write();
        } catch (IOException e) {
            throw ZerodropException.environment("cannot update the run marker " + file + ": " + e.getMessage());
        }
    }

    /** Written through the locked channel, never replaced: a new inode would carry no lock. Content only grows. */
    private synchronized void write() throws IOException {
        Properties p = new Properties();
        p.setProperty("run", id);
        p.setProperty("ownerPid", String.valueOf(ProcessHandle.current().pid()));
        p.setProperty("createdMs", String.valueOf(System.currentTimeMillis()));
        p.setProperty("namespaces", String.join(",", namespaces));
        var text = new StringWriter();
        p.store(text, "zerodrop run marker: what this run may leave behind; its owner holds a lock on it while alive");
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        int n = bytes.remaining();
        long at = 0;
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
        channel.truncate(n);
        channel.force(false);
    }

    private synchronized void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } finally {
            OWN.remove(file);
        }
    }

    /** What a cleanup found and removed. */
    public record Removed(String run, long ownerPid, List<Long> processes, List<String> namespaces) {
    }

    /** What a cleanup removed, and the files it would not trust (each with the reason). */
    public record Cleanup(List<Removed> removed, List<String> warnings) {
    }

    /**
     * Removes what runs whose owner is no longer alive left behind: their processes (SIGTERM, then SIGKILL after
     * 2 s), their network namespaces and their markers. A run is alive while its owner holds the lock on its marker;
     * runs still alive are left alone, and so is every file that is not this user's own.
     */
    public static Cleanup cleanupDead() {
        List<Removed> out = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Path dir = directory();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return new Cleanup(out, warnings);
        }
        ownDirectory(false);
        UserPrincipal me = owner(dir);
        try (DirectoryStream<Path> markers = Files.newDirectoryStream(dir, "*.run")) {
            for (Path f : markers) {
                if (OWN.contains(f)) {
                    continue; // a live run of this JVM
                }
                String trust = untrusted(f, me);
                if (trust != null) {
                    warnings.add("ignored " + f + ": " + trust + "; only this user's own marker files are acted on");
                    continue;
                }
                cleanupIfDead(f, warnings).ifPresent(out::add);
            }
            removeAbandonedNewMarkers(dir, me);
        } catch (IOException e) {
            throw ZerodropException.environment("cannot read the run markers in " + dir + ": " + e.getMessage());
        }
        return new Cleanup(out, warnings);
    }

    /** A run killed between creating its marker and publishing it had started nothing yet: its file goes. */
    private static void removeAbandonedNewMarkers(Path dir, UserPrincipal me) throws IOException {
        try (DirectoryStream<Path> news = Files.newDirectoryStream(dir, "*.run.new")) {
            for (Path f : news) {
                if (OWN.contains(f) || untrusted(f, me) != null) {
                    continue;
                }
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    FileLock lock = ch.tryLock();
                    if (lock != null) {
                        Files.deleteIfExists(f);
                        lock.release();
                    }
                } catch (OverlappingFileLockException | NoSuchFileException busyOrGone) {
                    // being published by a run of this JVM, or already gone
                }
            }
        }
    }

    private static Optional<Removed> cleanupIfDead(Path f, List<String> warnings) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException heldHere) {
                return Optional.empty(); // another thread of this JVM holds it
            }
            if (lock == null) {
                return Optional.empty(); // its owner is alive
            }
            try {
                Properties p = new Properties();
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 16));
                ch.read(buf, 0);
                p.load(new StringReader(new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1)));
                String name = f.getFileName().toString();
                String run = name.substring(0, name.length() - ".run".length());
                if (!RunId.valid(run) || !run.equals(p.getProperty("run", run))) {
                    warnings.add("ignored " + f + ": not a marker zerodrop wrote (run id " + p.getProperty("run")
                            + " in a file named " + name + ")");
                    return Optional.empty();
                }
                long owner = parseLong(p.getProperty("ownerPid", "0"));
                List<Long> killed = RunProcesses.stop(run);
                List<String> removedNs = new ArrayList<>();
                for (String ns : p.getProperty("namespaces", "").split(",")) {
                    if (ns.isBlank()) {
                        continue;
                    }
                    if (!NETNS.matcher(ns).matches()) {
                        warnings.add("marker " + f + " names network namespace '" + ns + "', which zerodrop never"
                                + " creates: left alone");
                    } else if (deleteNamespace(ns)) {
                        removedNs.add(ns);
                    }
                }
                Files.deleteIfExists(f);
                return Optional.of(new Removed(run, owner, killed, removedNs));
            } finally {
                lock.release();
            }
        } catch (NoSuchFileException gone) {
            return Optional.empty(); // removed by its owner or another cleaner meanwhile
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Why a marker file is not to be trusted, or null when it is this user's own regular file. */
    private static String untrusted(Path f, UserPrincipal me) {
        try {
            PosixFileAttributes a = Files.readAttributes(f, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                return "it is a symbolic link";
            }
            if (!a.isRegularFile()) {
                return "it is not a regular file";
            }
            if (!a.owner().equals(me)) {
                return "it belongs to " + a.owner().getName() + ", not to " + me.getName();
            }
            return null;
        } catch (IOException e) {
            return "cannot read its owner (" + e.getMessage() + ")";
        }
    }

    private static UserPrincipal owner(Path p) {
        try {
            return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw ZerodropException.environment("cannot read the owner of " + p + ": " + e.getMessage());
        }
    }

    /**
     * The marker directory, checked: a directory (not a link) of this user's, mode 0700 (a looser mode of ours is
     * tightened). Created 0700 when {@code create}. Anything else is refused (exit 3) with what to do.
     */
    static Path ownDirectory(boolean create) {
        Path dir = directory();
        Set<PosixFilePermission> only = PosixFilePermissions.fromString("rwx------");
        try {
            if (create && !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(only));
                } catch (FileAlreadyExistsException raced) {
                    // another run created it meanwhile: checked below like any other
                }
            }
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            UserPrincipal me = Files.getOwner(Path.of("/proc/self"));
            if (!a.isDirectory()) {
                throw ZerodropException.environment("the run marker directory " + dir + " is "
                        + (a.isSymbolicLink() ? "a symbolic link" : "not a directory") + "; expected a directory"
                        + " owned by " + me.getName() + " with mode 0700. Remove it, or choose another with"
                        + " -Dzerodrop.runs=<dir>");
            }
            if (!a.owner().equals(me)) {
                throw ZerodropException.environment("the run marker directory " + dir + " belongs to "
                        + a.owner().getName() + ", not to " + me.getName() + ": zerodrop acts only on markers"
                        + " it could have written. Remove it, or choose another with -Dzerodrop.runs=<dir>");
            }
            if (!a.permissions().equals(only)) {
                Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setPermissions(only);
            }
            return dir;
        } catch (IOException e) {
            throw ZerodropException.environment("cannot prepare the run marker directory " + dir + ": "
                    + e.getMessage() + " (zerodrop writes a marker before it starts anything, so that a killed run"
                    + " can be cleaned up)");
        }
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
}
