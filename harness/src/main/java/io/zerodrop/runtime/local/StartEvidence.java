package io.zerodrop.runtime.local;

import io.zerodrop.workload.Probe;
import io.zerodrop.workload.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The evidence a failed start of the workload's pods gives, for the error that says the start failed. */
final class StartEvidence {
    private StartEvidence() {
    }

    /** What a failed start looked like, pod by pod: container state, each probe with its last answer, log tails. */
    static String of(Collection<LocalPod> pods, Workload workload) {
        StringBuilder sb = new StringBuilder();
        for (LocalPod p : pods) {
            sb.append("  pod ").append(p.name).append(": container ").append(p.isAlive() ? "running"
                    : "exited with code " + p.lastExitCode).append(", ").append(p.isReady() ? "Ready" : "not Ready")
                    .append(", restarts ").append(p.restarts()).append('\n');
            probeLine(sb, "startup", workload.startupProbe(), p);
            probeLine(sb, "readiness", workload.readinessProbe(), p);
            probeLine(sb, "liveness", workload.livenessProbe(), p);
            sb.append("    stderr tail: ").append(orNothing(tail(p.dir.resolve("stderr.log")))).append('\n');
            sb.append("    stdout tail: ").append(orNothing(tail(p.dir.resolve("stdout.log")))).append('\n');
        }
        return sb.toString();
    }

    private static void probeLine(StringBuilder sb, String which, Optional<Probe> probe, LocalPod p) {
        probe.ifPresent(pr -> sb.append("    ").append(which).append(" probe ").append(pr.describe())
                .append(": last answer ").append(p.lastProbe.getOrDefault(which, "none yet (not run)")).append('\n'));
    }

    private static String orNothing(String s) {
        return s.isBlank() ? "(empty)" : s;
    }

    private static String tail(Path f) {
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
