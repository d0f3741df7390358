package io.zerodrop.cli;

import io.zerodrop.core.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;

/** The real picocli command line run in-process, with stdout, stderr and the exit code captured. */
record Cli(int exitCode, String out, String err) {
    /**
     * Whether the run passed, or was INCONCLUSIVE (exit 3) only because this machine's load generator could not send
     * the asked rate — on a starved runner beside other runs, the run rightly judges nothing; what the test checks
     * besides the verdict still holds.
     */
    boolean passedOrSaturated() {
        return exitCode == ExitCodes.PASSED || saturated() && !out.contains("    FAIL ");
    }

    /** Whether the run was INCONCLUSIVE (exit 3) because this machine's load generator could not send the rate. */
    boolean saturated() {
        return exitCode == ExitCodes.ENVIRONMENT && out.contains("verdict    INCONCLUSIVE")
                && out.contains("LOAD GENERATOR SATURATED");
    }

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Zerodrop.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(code, out.toString(), err.toString());
    }
}
