package io.zerodrop.workload;

import java.util.List;

/**
 * A probe or lifecycle handler of the pod template, runtime-agnostic. Exactly one of the action fields is set:
 * {@code httpPath} + {@code port} (httpGet), {@code port} alone (tcpSocket), {@code command} (exec), or
 * {@code sleepSeconds} (the native preStop sleep action).
 */
public record Probe(Kind kind, String httpPath, int port, List<String> command, long sleepSeconds,
        int initialDelaySeconds, int periodSeconds, int timeoutSeconds, int successThreshold, int failureThreshold) {

    /** The action, named as the pod spec names it. */
    public enum Kind {
        HTTP("httpGet"), TCP("tcpSocket"), EXEC("exec"), SLEEP("sleep");

        private final String field;

        Kind(String field) {
            this.field = field;
        }

        /** Its field in a pod spec: httpGet, tcpSocket, exec, sleep. */
        @Override
        public String toString() {
            return field;
        }
    }

    public static final Kind HTTP = Kind.HTTP;
    public static final Kind TCP = Kind.TCP;
    public static final Kind EXEC = Kind.EXEC;
    public static final Kind SLEEP = Kind.SLEEP;

    public Probe {
        command = command == null ? List.of() : List.copyOf(command);
    }

    public String describe() {
        return switch (kind) {
            case HTTP -> "httpGet :" + port + httpPath;
            case TCP -> "tcpSocket :" + port;
            case EXEC -> "exec " + String.join(" ", command);
            case SLEEP -> "sleep " + sleepSeconds + "s";
        };
    }
}
