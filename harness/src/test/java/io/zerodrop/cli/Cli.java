package io.zerodrop.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The real picocli command line run in-process, with stdout, stderr and the exit code captured. */
record Cli(int exitCode, String out, String err) {
    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Zerodrop.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(code, out.toString(), err.toString());
    }
}
