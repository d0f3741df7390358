package io.zerodrop.cli;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.engine.RunInfo;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code zerodrop} command line. Exit codes: see {@link ExitCodes}; this is the one place they are mapped. */
@Command(name = "zerodrop", mixinStandardHelpOptions = true, versionProvider = Zerodrop.Version.class,
        description = "Proves with real load that Kubernetes workloads drop no requests when pods go away.",
        subcommands = {RunCommand.class, TrafficCommand.class, AuditCommand.class, TuneCommand.class, DemoCommand.class,
            CleanupCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:verdict failed", "2:usage or input error",
            "3:environment error (cluster unreachable, missing permission, saturated load generator)",
            "4:internal error (a zerodrop bug)", "130:interrupted (SIGINT, Ctrl-C); what was changed was undone, what was measured reported",
        "143:terminated (SIGTERM); as for 130"})
public final class Zerodrop implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see zerodrop --help)");
    }

    /** picocli's version provider. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"zerodrop " + RunInfo.version()};
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line in-process; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Zerodrop());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof ZerodropException z) {
                if (z.exitCode() != ExitCodes.INTERRUPTED) { // the signal handler has said "interrupted" already
                    line.getErr().println("zerodrop: " + z.getMessage());
                }
                return z.exitCode();
            }
            // input errors are ZerodropException.usage; anything else escaping a command is a bug, never "bad input"
            line.getErr().println("zerodrop: internal error (a zerodrop bug; what was changed has been undone): " + ex);
            ex.printStackTrace(line.getErr());
            return ExitCodes.INTERNAL;
        });
        cl.setParameterExceptionHandler((ex, params) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("zerodrop: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        });
        return cl.execute(args);
    }
}
