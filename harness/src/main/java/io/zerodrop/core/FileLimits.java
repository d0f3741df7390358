package io.zerodrop.core;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Open-file limits for a load generator. Every connection the generator holds is a file descriptor: at R req/s
 * with a request timeout of T s, up to about R × T connections can be open at once against a slow target (one
 * generator at 10,000 req/s once ended in "Too many open files" and lost its run). A JVM raises its own soft limit
 * to the hard one (HotSpot's MaxFDLimit); past the hard limit only a privileged parent can help: with
 * CAP_SYS_RESOURCE (root on most hosts; not in every container) zerodrop starts the generator through {@code prlimit},
 * otherwise it says what to raise.
 */
public final class FileLimits {
    /** File descriptors a Gatling JVM uses besides its connections (jars, logs, epoll, pipes), generously. */
    static final long BASE = 2_048;

    private FileLimits() {
    }

    /**
     * How a child that needs {@code needed} open files is started: a launcher prefix (empty, or {@code prlimit}), and
     * what was done or could not be, for the user (null when nothing needed saying).
     */
    public record Plan(List<String> prefix, String note) {
    }

    /** The open files a generator sending {@code rate} req/s with {@code timeoutMs} per request may need at once. */
    public static long neededFor(double rate, long timeoutMs) {
        return BASE + (long) Math.ceil(rate * Math.max(1, timeoutMs) / 1000.0 * 1.2);
    }

    public static Plan forChild(long needed) {
        Optional<Long> hard = hardLimit();
        if (hard.isEmpty() || hard.get() >= needed) {
            return new Plan(List.of(), null);
        }
        return forChild(needed, hard.get(), canRaiseHardLimits(), onPath("prlimit"), nrOpen());
    }

    static Plan forChild(long needed, long hard, boolean privileged, boolean prlimit, long nrOpen) {
        if (privileged && prlimit) {
            long n = Math.min(needed, nrOpen);
            return new Plan(List.of("prlimit", "--nofile=" + n + ":" + n, "--"), "raised the load generator's"
                    + " open-file limit from " + hard + " to " + n + " (it may hold about " + needed + " at once: one per"
                    + " connection in flight up to the request timeout)" + (n < needed ? "; the kernel allows no more"
                    + " (fs.nr_open)" : ""));
        }
        return new Plan(List.of(), "the load generator may run out of open files: it may hold about " + needed + " at"
                + " once (one per connection in flight up to the request timeout) and this host allows " + hard
                + (privileged ? " (prlimit, from util-linux, would raise it)" : " to zerodrop (raising it needs"
                + " CAP_SYS_RESOURCE)") + "; raise it (ulimit -n, LimitNOFILE) or lower the rate or the request"
                + " timeout. Requests refused for want of a file are the load generator's failures, not the target's");
    }

    /** This process's hard limit of open files (Linux /proc/self/limits); empty where it cannot be read. */
    static Optional<Long> hardLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return Optional.of(f[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[1]));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static long nrOpen() {
        try {
            // not Files.readString: a /proc file says its size is 0, and readString then returns its first byte
            return Long.parseLong(Files.readAllLines(Path.of("/proc/sys/fs/nr_open")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return 1_048_576;
        }
    }

    /** Whether this process may raise a hard limit: CAP_SYS_RESOURCE (bit 24) in its effective capabilities. */
    private static boolean canRaiseHardLimits() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 24)) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
