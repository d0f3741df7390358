package io.zerodrop.targetapp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The app's settings, read from environment variables (see the README's target-app section for each one).
 * Every value is validated before the app listens; the first invalid one is reported as a {@link ConfigException}.
 */
record Config(
        int port,
        String bind,
        long startupDelayMs,
        long readyDelayMs,
        ShutdownMode shutdownMode,
        long shutdownDelayMs,
        long drainTimeoutMs,
        boolean failReadinessOnTerm,
        Optional<Path> ledgerFile,
        long ledgerFlushMs,
        Optional<Path> requestLogFile,
        Optional<Path> terminationLog,
        long workMaxMs,
        long idleTimeoutMs) {

    static final String DEFAULT_TERMINATION_LOG = "/dev/termination-log";

    static Config fromEnvironment(Map<String, String> env) throws ConfigException {
        int port = (int) longVar(env, "PORT", 8080, 0, 65535);
        String bind = bindVar(env);
        long startupDelay = longVar(env, "STARTUP_DELAY_MS", 0, 0, 600_000);
        long readyDelay = longVar(env, "READY_DELAY_MS", 0, 0, 600_000);
        ShutdownMode mode = enumVar(env, "SHUTDOWN_MODE", ShutdownMode.GRACEFUL);
        long shutdownDelay = longVar(env, "SHUTDOWN_DELAY_MS", 5_000, 0, 600_000);
        long drainTimeout = longVar(env, "DRAIN_TIMEOUT_MS", 10_000, 0, 600_000);
        boolean failReadiness = readinessVar(env);
        Optional<Path> ledger = pathVar(env, "LEDGER_FILE");
        long flush = longVar(env, "LEDGER_FLUSH_MS", 200, 10, 60_000);
        Optional<Path> requestLog = pathVar(env, "REQUEST_LOG_FILE");
        Optional<Path> termLog = terminationLogVar(env);
        long workMax = longVar(env, "WORK_MAX_MS", 60_000, 0, 3_600_000);
        long idle = longVar(env, "IDLE_TIMEOUT_MS", 30_000, 100, 3_600_000);
        return new Config(port, bind, startupDelay, readyDelay, mode, shutdownDelay, drainTimeout, failReadiness,
                ledger, flush, requestLog, termLog, workMax, idle);
    }

    private static String raw(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null ? null : v.trim();
    }

    private static long longVar(Map<String, String> env, String name, long dflt, long min, long max)
            throws ConfigException {
        String v = raw(env, name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        String expected = "a whole number from " + min + " to " + max;
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new ConfigException(name, env.get(name), expected);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(name, env.get(name), expected);
        }
    }

    private static ShutdownMode enumVar(Map<String, String> env, String name, ShutdownMode dflt)
            throws ConfigException {
        String v = raw(env, name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        for (ShutdownMode m : ShutdownMode.values()) {
            if (m.label().equals(v.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        String allowed = Arrays.stream(ShutdownMode.values()).map(ShutdownMode::label)
                .collect(Collectors.joining(", "));
        throw new ConfigException(name, env.get(name), "one of " + allowed);
    }

    private static boolean readinessVar(Map<String, String> env) throws ConfigException {
        String v = raw(env, "READINESS_ON_TERM");
        if (v == null || v.isEmpty() || v.equalsIgnoreCase("fail")) {
            return true;
        }
        if (v.equalsIgnoreCase("keep")) {
            return false;
        }
        throw new ConfigException("READINESS_ON_TERM", env.get("READINESS_ON_TERM"), "one of fail, keep");
    }

    private static String bindVar(Map<String, String> env) throws ConfigException {
        String v = raw(env, "BIND");
        if (v == null || v.isEmpty()) {
            return "0.0.0.0";
        }
        if (!v.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw new ConfigException("BIND", env.get("BIND"), "a literal IPv4 or IPv6 address such as 0.0.0.0 or 127.0.0.2");
        }
        try {
            InetAddress.getByName(v);
        } catch (UnknownHostException e) {
            throw new ConfigException("BIND", env.get("BIND"), "a literal IPv4 or IPv6 address such as 0.0.0.0 or 127.0.0.2");
        }
        return v;
    }

    private static Optional<Path> pathVar(Map<String, String> env, String name) throws ConfigException {
        String v = raw(env, name);
        if (v == null || v.isEmpty()) {
            return Optional.empty();
        }
        Path p = Path.of(v).toAbsolutePath();
        Path dir = p.getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new ConfigException(name, env.get(name), "a file path in an existing, writable directory");
        }
        if (Files.isDirectory(p)) {
            throw new ConfigException(name, env.get(name), "a file path, not a directory");
        }
        return Optional.of(p);
    }

    /**
     * An explicit TERMINATION_LOG must be writable. The default {@code /dev/termination-log} is used only
     * where it already exists and is writable (Kubernetes mounts it), so a local run never creates it.
     */
    private static Optional<Path> terminationLogVar(Map<String, String> env) throws ConfigException {
        String v = raw(env, "TERMINATION_LOG");
        if (v == null) {
            Path dflt = Path.of(DEFAULT_TERMINATION_LOG);
            return Files.isRegularFile(dflt) && Files.isWritable(dflt) ? Optional.of(dflt) : Optional.empty();
        }
        if (v.isEmpty() || v.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        return pathVar(env, "TERMINATION_LOG");
    }
}
