package io.zerodrop.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** target-app as a real child JVM (from the test's class path), its JSON events read from stdout; killed on close. */
public final class AppProcess implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** target-app's main class; the test's class path must contain target-app. */
    public static final String TARGET_APP_MAIN = "io.zerodrop.targetapp.TargetApp";

    private final Process process;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread stdoutReader;

    private AppProcess(Process process) {
        this.process = process;
        stdoutReader = new Thread(() -> readLines(process.inputReader(StandardCharsets.UTF_8), true), "app-stdout");
        Thread err = new Thread(() -> readLines(process.errorReader(StandardCharsets.UTF_8), false), "app-stderr");
        stdoutReader.setDaemon(true);
        err.setDaemon(true);
        stdoutReader.start();
        err.start();
    }

    /** Starts target-app on 127.0.0.1 with an ephemeral port unless env says otherwise. */
    public static AppProcess start(Map<String, String> env) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xss512k", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), TARGET_APP_MAIN);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> List.of("PORT", "BIND", "SHUTDOWN_MODE", "LEDGER_FILE", "TERMINATION_LOG",
                "POD_NAME").contains(k));
        e.put("PORT", "0");
        e.put("BIND", "127.0.0.1");
        e.putAll(env);
        return new AppProcess(pb.start());
    }

    public static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private void readLines(BufferedReader reader, boolean json) {
        try (reader) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (json && line.startsWith("{")) {
                    events.add(JSON.readTree(line));
                } else {
                    stderr.append(line).append('\n');
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    public JsonNode awaitEvent(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode e : events) {
                if (name.equals(e.path("event").asText())) {
                    return e;
                }
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("target-app did not log event '" + name + "' within " + timeout
                + "; events so far: " + events + "; stderr: " + stderr);
    }

    public boolean hasEvent(String name) {
        return events.stream().anyMatch(e -> name.equals(e.path("event").asText()));
    }

    public List<String> eventNames() {
        List<String> names = new ArrayList<>();
        events.forEach(e -> names.add(e.path("event").asText()));
        return names;
    }

    public int awaitListening() {
        return awaitEvent("listening", Duration.ofSeconds(20)).path("port").asInt();
    }

    /**
     * Sends SIGTERM through {@link ProcessHandle}. {@link Process#destroy()} would also close this side of the
     * child's stdout and stderr pipes, and everything the child logs after the signal would be lost.
     */
    public void sigterm() {
        process.toHandle().destroy();
    }

    public void sigkill() {
        process.toHandle().destroyForcibly();
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("target-app still running after " + timeout + "; events: " + events);
        }
        stdoutReader.join(5000); // everything the process wrote is read before the caller looks at it
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String stderr() {
        return stderr.toString();
    }

    public static JsonNode readLedger(Path file) throws IOException {
        return JSON.readTree(Files.readString(file));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
