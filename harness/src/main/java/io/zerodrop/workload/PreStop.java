package io.zerodrop.workload;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's preStop hook as zerodrop reads it: how long it sleeps, when that can be known — the native
 * {@code sleep} action, {@code exec: [sleep, N]}, or {@code exec: [sh, -c, "sleep N"]}.
 */
public final class PreStop {
    /** The length of a hook whose length cannot be read (an httpGet, a script). */
    public static final long UNKNOWN = -1;
    private static final Pattern SLEEP = Pattern.compile("sleep (\\d+)");

    private PreStop() {
    }

    /** Empty: no preStop hook; {@link #UNKNOWN}: a hook of unknown length; else its sleep in seconds. */
    public static Optional<Long> seconds(Container c) {
        LifecycleHandler h = c.getLifecycle() == null ? null : c.getLifecycle().getPreStop();
        if (h == null) {
            return Optional.empty();
        }
        if (h.getSleep() != null && h.getSleep().getSeconds() != null) {
            return Optional.of(h.getSleep().getSeconds());
        }
        return execSleep(c).or(() -> Optional.of(UNKNOWN));
    }

    /** The seconds of an {@code exec} preStop that runs the {@code sleep} binary (directly or through a shell). */
    public static Optional<Long> execSleep(Container c) {
        LifecycleHandler h = c.getLifecycle() == null ? null : c.getLifecycle().getPreStop();
        if (h == null || h.getExec() == null || h.getExec().getCommand() == null) {
            return Optional.empty();
        }
        return sleepOf(h.getExec().getCommand());
    }

    /** The seconds an exec command sleeps: {@code [sleep, N]} or {@code [sh, -c, "sleep N"]}; empty otherwise. */
    public static Optional<Long> sleepOf(List<String> cmd) {
        String line = cmd.size() == 2 && cmd.get(0).endsWith("sleep") ? "sleep " + cmd.get(1)
                : cmd.size() == 3 && cmd.get(0).endsWith("sh") && cmd.get(1).equals("-c") ? cmd.get(2).trim() : "";
        Matcher m = SLEEP.matcher(line);
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** How long a preStop hook of the workload model sleeps: the sleep action or an exec sleep; 0 otherwise. */
    public static long seconds(Probe p) {
        return p.sleepSeconds() > 0 ? p.sleepSeconds() : sleepOf(p.command()).orElse(0L);
    }
}
