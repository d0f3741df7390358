package io.zerodrop.traffic;

import io.zerodrop.gatling.GeneratorLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A finished load: every generator's simulation.log with its clock offset, what each generator was (for the
 * per-generator table; empty for the single local generator), when injection started on this host's clock (-1 if
 * never seen), the client request logs (one per generator, each with its own run token), Gatling's own report, and
 * the generators that died during the load ({@code lostGenerators}: name and why; what they sent until then is in
 * {@code logs}, cut short).
 */
public record LoadResult(List<GeneratorLog> logs, List<GeneratorRow> generators, long injectionSeenMs,
        List<Path> clientLogs, Optional<Path> gatlingReport, List<String> lostGenerators) {

    public LoadResult {
        logs = List.copyOf(logs);
        generators = List.copyOf(generators);
        clientLogs = List.copyOf(clientLogs);
        lostGenerators = List.copyOf(lostGenerators);
    }

    /** A load whose every generator lived to its end. */
    public LoadResult(List<GeneratorLog> logs, List<GeneratorRow> generators, long injectionSeenMs,
            List<Path> clientLogs, Optional<Path> gatlingReport) {
        this(logs, generators, injectionSeenMs, clientLogs, gatlingReport, List.of());
    }
}
