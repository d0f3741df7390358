package io.zerodrop.cli;

import io.zerodrop.core.Durations;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.scenario.Scenario;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --start-budget}: how long the workload may take to be ready before the load starts; run and tune take it. */
final class StartBudgetOption {
    @Option(names = "--start-budget", paramLabel = "DURATION",
            description = "How long the workload may take to be ready before the load starts (image pulls, readiness,"
                    + " the rollout of the settings under test), 5s to 1h; overrides the scenario's target.startBudget."
                    + " Default: 90s on the local runtime, 5m on kubernetes.")
    String startBudget;

    /** The budget given, or null (the scenario's or the runtime's default); a usage error quoting a bad value. */
    Duration get() {
        if (startBudget == null) {
            return null;
        }
        Duration d = Durations.parse(startBudget).orElseThrow(() -> ZerodropException.usage("--start-budget \""
                + startBudget + "\" is invalid: expected " + Durations.EXPECTED));
        if (Scenario.startBudgetProblem(d) != null) {
            throw ZerodropException.usage("--start-budget \"" + startBudget + "\" is invalid: "
                    + Scenario.startBudgetProblem(d));
        }
        return d;
    }
}
