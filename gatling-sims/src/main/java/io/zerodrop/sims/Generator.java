package io.zerodrop.sims;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One load generator of a distributed run: the process zerodrop starts N times (as the pods of an Indexed Job, or as
 * local processes when the local runtime plays the Job). It runs the simulation in this JVM only when told to start,
 * so all generators start together, and answers zerodrop's control lines (see {@link GeneratorControl}) either on
 * stdin/stdout ({@code --control stdio}) or over HTTP ({@code --control http:PORT}, reached through the API server's
 * pod proxy). It stops by itself when nobody drives it: stdin closed, no start or no finish within the timeouts.
 *
 * <pre>Generator --control stdio|http:PORT --results DIR --simulation CLASS</pre>
 *
 * Properties: the simulation's {@code zerodrop.*} ({@link Params}); {@code zerodrop.generator.index} (else the
 * Job's {@code JOB_COMPLETION_INDEX}, else 0) makes the run token and so every request id unique per generator;
 * {@code zerodrop.generator.clockSkewMs} makes this generator behave as if its clock ran that far ahead of the host's
 * (its records and its clock readings alike), for tests of clock correction;
 * {@code zerodrop.generator.idleTimeoutSeconds} (default 600) bounds each wait for zerodrop.
 */
public final class Generator {
    private Generator() {
    }

    public static void main(String[] args) throws Exception {
        String control = null;
        Path results = null;
        String simulation = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--control" -> control = args[i + 1];
                case "--results" -> results = Path.of(args[i + 1]);
                case "--simulation" -> simulation = args[i + 1];
                default -> usage("unknown option \"" + args[i] + "\"");
            }
        }
        if (control == null || results == null || simulation == null || args.length % 2 != 0) {
            usage("--control, --results and --simulation are required");
        }
        // the real stdout may be the control channel: everything the simulation prints goes to stderr
        PrintStream realOut = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        GeneratorControl ctl = new GeneratorControl(results, simulation, index(),
                Long.getLong("zerodrop.generator.clockSkewMs", 0L), System.err);
        System.setOut(ctl.console());
        long idleMs = Long.getLong("zerodrop.generator.idleTimeoutSeconds", 600L) * 1000L;
        Thread watchdog = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                if (ctl.idleMs() > idleMs) {
                    System.err.println("zerodrop generator: nobody drove this generator for " + idleMs / 1000
                            + " s; exiting");
                    Runtime.getRuntime().halt(3);
                }
            }
        }, "generator-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        if (control.equals("stdio")) {
            stdio(ctl, realOut);
        } else if (control.startsWith("http:")) {
            http(ctl, Integer.parseInt(control.substring(5)));
        } else {
            usage("--control is \"" + control + "\"; expected stdio or http:PORT");
        }
    }

    private static int index() {
        String p = System.getProperty("zerodrop.generator.index");
        String env = System.getenv("JOB_COMPLETION_INDEX");
        String v = p != null ? p : env != null ? env : "0";
        try {
            int i = Integer.parseInt(v.trim());
            if (i >= 0) {
                return i;
            }
        } catch (NumberFormatException e) {
            // below
        }
        usage("the generator index is \"" + v + "\"; expected a whole number ≥ 0");
        return 0;
    }

    private static void usage(String problem) {
        System.err.println("zerodrop generator: " + problem
                + "\nusage: Generator --control stdio|http:PORT --results DIR --simulation CLASS");
        System.exit(2);
    }

    /** One answer line per command line; end of input (zerodrop gone) stops the generator at once. */
    private static void stdio(GeneratorControl ctl, PrintStream out) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            out.println(ctl.answer(line));
            if (ctl.finished()) {
                out.flush();
                Runtime.getRuntime().halt(ctl.exitCode());
            }
        }
        System.err.println("zerodrop generator: control channel closed; exiting");
        Runtime.getRuntime().halt(ctl.finished() ? ctl.exitCode() : 3);
    }

    /** {@code GET /control?c=<command line>} answers the line as text/plain (read-only verbs: the pod proxy's get). */
    private static void http(GeneratorControl ctl, int port) throws IOException {
        HttpServer server = HttpServer.create(
                new InetSocketAddress(port), 16);
        server.createContext("/control", ex -> {
            String query = ex.getRequestURI().getRawQuery();
            String line = query != null && query.startsWith("c=")
                    ? URLDecoder.decode(query.substring(2), StandardCharsets.UTF_8) : "";
            byte[] body = (ctl.answer(line) + "\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
            if (ctl.finished()) {
                new Thread(() -> {
                    server.stop(1);
                    Runtime.getRuntime().halt(ctl.exitCode());
                }).start();
            }
        });
        server.start();
        System.err.println("zerodrop generator: control on :" + port);
    }
}
