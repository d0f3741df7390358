package io.zerodrop.workload;

import java.util.List;

/**
 * A probe or lifecycle handler of the pod template, runtime-agnostic. Exactly one of the action fields is set:
 * {@code httpPath} + {@code port} (httpGet), {@code port} alone (tcpSocket), {@code command} (exec), or
 * {@code sleepSeconds} (the native preStop sleep action).
 */
public record Probe(String kind, String httpPath, int port, List<String> command, long sleepSeconds,
        int initialDelaySeconds, int periodSeconds, int timeoutSeconds, int successThreshold, int failureThreshold) {

    public static final String HTTP = "httpGet";
    public static final String TCP = "tcpSocket";
    public static final String EXEC = "exec";
    public static final String SLEEP = "sleep";

    public Probe {
        command = command == null ? List.of() : List.copyOf(command);
    }

    public String describe() {
        return switch (kind) {
            case HTTP -> "httpGet :" + port + httpPath;
            case TCP -> "tcpSocket :" + port;
            case EXEC -> "exec " + String.join(" ", command);
            default -> "sleep " + sleepSeconds + "s";
        };
    }
}
