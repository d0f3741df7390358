package io.zerodrop.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The processes of a run: every process a run starts carries {@code ZERODROP_RUN=<id>} in its environment (see
 * {@link RunMarker}), and only this user's are ever counted or signalled, whatever their environment says.
 */
public final class RunProcesses {
    private RunProcesses() {
    }

    /** The live processes of this user whose environment carries {@code ZERODROP_RUN=run} (read from /proc). */
    public static List<Long> of(String run) {
        byte[] needle = ("\0" + RunMarker.ENV + "=" + run + "\0").getBytes(StandardCharsets.UTF_8);
        List<Long> pids = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        String myUids;
        try {
            myUids = uids(Path.of("/proc/self"));
        } catch (IOException e) {
            return pids;
        }
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path d : proc) {
                long pid = Long.parseLong(d.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                try {
                    if (!myUids.equals(uids(d))) {
                        continue; // another user's: never signalled, whatever its environment says
                    }
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

    /**
     * A process's real, effective, saved and file-system user ids, as its status says. Not the owner of its /proc
     * directory: that is root for a process the kernel made non-dumpable (one that changed its user), whoever it runs
     * as.
     */
    private static String uids(Path procDir) throws IOException {
        for (String line : Files.readAllLines(procDir.resolve("status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("Uid:")) {
                return line.substring(4).strip().replaceAll("\\s+", " ");
            }
        }
        throw new IOException(procDir + "/status has no Uid line");
    }

    /** Stops them: SIGTERM, then SIGKILL to those still there after 2 s. Returns the pids it found. */
    static List<Long> stop(String run) {
        List<Long> pids = of(run);
        for (Long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (Long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                try {
                    h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (Exception stillThere) {
                    h.destroyForcibly();
                }
            });
        }
        return pids;
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
