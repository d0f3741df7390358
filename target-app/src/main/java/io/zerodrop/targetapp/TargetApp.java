package io.zerodrop.targetapp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import sun.misc.Signal;

/**
 * zerodrop's reference service. Behaviour comes from environment variables (see {@link Config}); stdout carries
 * one JSON line per lifecycle event; the ledger (LEDGER_FILE) is the server-side ground truth.
 */
public final class TargetApp {
    static final int EXIT_CONFIG = 2;
    static final int EXIT_SIGTERM_IMMEDIATE = 143;
    static final int EXIT_SIGINT = 130;

    private final Config config;
    private final EventLog events;
    private final AppState state;
    private final Ledger ledger = new Ledger();
    private final ConnectionTracker connections = new ConnectionTracker();
    private final String servedBy;
    private final Server server = new Server();
    private final ServerConnector connector;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "target-app-timers");
        t.setDaemon(true);
        return t;
    });
    private final Object ledgerLock = new Object();
    private boolean finalLedgerWritten;

    private TargetApp(Config config, EventLog events) {
        this.config = config;
        this.events = events;
        this.state = new AppState(config.failReadinessOnTerm());
        String pod = System.getenv("POD_NAME");
        this.servedBy = pod != null && !pod.isBlank() ? pod : "pid-" + ProcessHandle.current().pid();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.bind());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeoutMs());
        connector.addEventListener(connections);
        server.addConnector(connector);
        server.setHandler(new AppHandler(config, state, ledger, connections, servedBy));
        server.setStopTimeout(0);
    }

    public static void main(String[] args) throws Exception {
        Config config;
        try {
            config = Config.fromEnvironment(System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(EXIT_CONFIG);
            return;
        }
        new TargetApp(config, new EventLog(System.out)).run();
    }

    private void run() throws Exception {
        events.event("start", "mode", config.shutdownMode().label(), "servedBy", servedBy,
                "startupDelayMs", config.startupDelayMs(), "readyDelayMs", config.readyDelayMs());
        Signal.handle(new Signal("TERM"), s -> onSigterm());
        Signal.handle(new Signal("INT"), s -> new Thread(() -> finish(EXIT_SIGINT, "sigint"), "sigint").start());
        if (config.requestLogFile().isPresent()) {
            ledger.logRequestsTo(RequestLog.open(config.requestLogFile().get()));
        }
        config.ledgerFile().ifPresent(f -> {
            writeLedger(false, null);
            timers.scheduleAtFixedRate(() -> writeLedger(false, null),
                    config.ledgerFlushMs(), config.ledgerFlushMs(), TimeUnit.MILLISECONDS);
        });
        if (config.startupDelayMs() > 0) {
            Thread.sleep(config.startupDelayMs());
        }
        synchronized (state) {
            if (state.phase() != Phase.STARTING) {
                return; // SIGTERM arrived during the start-up delay
            }
            server.start();
            state.phase(Phase.LISTENING);
        }
        events.event("listening", "address", config.bind(), "port", connector.getLocalPort());
        timers.schedule(() -> {
            synchronized (state) {
                state.warmedUp();
            }
            if (state.ready()) {
                events.event("ready");
            }
        }, config.readyDelayMs(), TimeUnit.MILLISECONDS);
        server.join();
    }

    /** Whether the connector is closed and the kernel has no listener left on {@code bound} (when known). */
    private boolean listenerGone(InetSocketAddress bound) {
        return !connector.isOpen() && (bound == null || !ListenSocket.listening(bound));
    }

    /** The listening socket's address, or null when it cannot be read. */
    private InetSocketAddress boundAddress() {
        try {
            return connector.getTransport() instanceof ServerSocketChannel c
                    && c.getLocalAddress() instanceof InetSocketAddress a ? a : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void onSigterm() {
        if (!state.sigterm()) {
            return;
        }
        switch (config.shutdownMode()) {
            case IGNORE -> events.event("sigterm", "mode", "ignore", "action", "ignored");
            case IMMEDIATE -> {
                events.event("sigterm", "mode", "immediate", "inFlight", ledger.inFlight(),
                        "openConnections", connections.openCount());
                new Thread(() -> finish(EXIT_SIGTERM_IMMEDIATE, "sigterm-immediate"), "sigterm").start();
            }
            case GRACEFUL -> new Thread(this::gracefulShutdown, "graceful-shutdown").start();
        }
    }

    private void gracefulShutdown() {
        synchronized (state) {
            if (state.phase() == Phase.STARTING) {
                state.phase(Phase.STOPPED);
                events.event("sigterm", "mode", "graceful", "phase", "starting");
                finish(0, "sigterm-before-listening");
                return;
            }
            state.phase(Phase.DELAYING);
        }
        events.event("sigterm", "mode", "graceful", "readiness", config.failReadinessOnTerm() ? "failing" : "kept",
                "shutdownDelayMs", config.shutdownDelayMs(), "drainTimeoutMs", config.drainTimeoutMs(),
                "inFlight", ledger.inFlight(), "openConnections", connections.openCount());
        sleepQuietly(config.shutdownDelayMs());

        state.phase(Phase.DRAINING);
        InetSocketAddress bound = boundAddress();
        connector.close();
        // close() marks the channel closed at once, but Jetty's selector holds it: the kernel's listening socket
        // goes when that selector next runs, and until then connects still succeed (seen under CPU contention: a
        // connect accepted just after the event). The event says "no longer accepting" once the socket is gone.
        long closeDeadline = System.currentTimeMillis() + 2_000;
        while (!listenerGone(bound) && System.currentTimeMillis() < closeDeadline) {
            sleepQuietly(5);
        }
        events.event("stop_accepting", "listenerClosed", listenerGone(bound));
        int idle = connections.closeIdle();
        events.event("idle_closed", "connections", idle);

        long start = System.currentTimeMillis();
        long deadline = start + config.drainTimeoutMs();
        while (ledger.inFlight() > 0 && System.currentTimeMillis() < deadline) {
            sleepQuietly(5);
        }
        events.event("drained", "inFlightLeft", ledger.inFlight(), "drainMs", System.currentTimeMillis() - start);
        finish(0, "sigterm-graceful");
    }

    /** Cuts what is still in flight, writes the final ledger and termination message, and halts. */
    private void finish(int exitCode, String reason) {
        state.quiesce(200); // no answer is written after this point, and those being written have settled
        int cut = ledger.cutAllInFlight();
        writeLedger(true, Map.of("exitCode", exitCode, "reason", reason));
        writeTerminationLog(exitCode, reason);
        events.event("exit", "code", exitCode, "reason", reason, "cutInFlight", cut);
        System.out.flush();
        Runtime.getRuntime().halt(exitCode);
    }

    private Map<String, Object> ledgerDocument(boolean isFinal, Map<String, Object> exit) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", Ledger.SCHEMA);
        doc.put("final", isFinal);
        doc.put("writtenAtMs", System.currentTimeMillis());
        doc.put("pid", ProcessHandle.current().pid());
        doc.put("servedBy", servedBy);
        doc.put("mode", config.shutdownMode().label());
        doc.put("phase", state.phase().label());
        doc.putAll(state.moments());
        doc.put("exit", exit);
        doc.put("connections", connections.totals());
        doc.put("requests", ledger.requestTotals(state.phase() == Phase.STOPPED));
        return doc;
    }

    private void writeLedger(boolean isFinal, Map<String, Object> exit) {
        if (config.ledgerFile().isEmpty()) {
            return;
        }
        synchronized (ledgerLock) {
            if (finalLedgerWritten) {
                return;
            }
            try {
                Ledger.writeAtomically(config.ledgerFile().get(), ledgerDocument(isFinal, exit));
                finalLedgerWritten = isFinal;
            } catch (IOException e) {
                System.err.println("target-app: could not write ledger " + config.ledgerFile().get() + ": " + e);
            }
        }
    }

    private void writeTerminationLog(int exitCode, String reason) {
        if (config.terminationLog().isEmpty()) {
            return;
        }
        Path file = config.terminationLog().get();
        Map<String, Object> r = ledger.requestTotals(state.phase() == Phase.STOPPED);
        String line = "target-app exit=" + exitCode + " reason=" + reason + " mode=" + config.shutdownMode().label()
                + " received=" + r.get("received") + " ok=" + r.get("ok") + " error=" + r.get("error")
                + " cut=" + r.get("cut") + " clientAborted=" + r.get("clientAborted") + "\n";
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("target-app: could not write termination log " + file + ": " + e);
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
