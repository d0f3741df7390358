package io.zerodrop.targetapp;

import java.util.Locale;

/** Prometheus text exposition (format 0.0.4) of the ledger, connections and shutdown phase. */
final class Metrics {
    private Metrics() {
    }

    static String render(AppState state, Ledger ledger, ConnectionTracker connections) {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("# HELP targetapp_requests_total Traffic requests by how they ended, as the server saw it.\n");
        sb.append("# TYPE targetapp_requests_total counter\n");
        for (Ledger.Outcome o : Ledger.Outcome.values()) {
            sb.append("targetapp_requests_total{outcome=\"").append(o.name().toLowerCase(Locale.ROOT))
                    .append("\"} ").append(ledger.count(o)).append('\n');
        }
        gauge(sb, "targetapp_requests_in_flight", "Traffic requests being served now.", ledger.inFlight());
        gauge(sb, "targetapp_connections_open", "Open client connections.", connections.openCount());
        sb.append("# HELP targetapp_connections_accepted_total Connections accepted since start.\n");
        sb.append("# TYPE targetapp_connections_accepted_total counter\n");
        sb.append("targetapp_connections_accepted_total ").append(connections.acceptedCount()).append('\n');
        gauge(sb, "targetapp_ready", "1 while /readyz answers 200.", state.ready() ? 1 : 0);
        sb.append("# HELP targetapp_shutdown_phase The app's phase: 1 for the current one.\n");
        sb.append("# TYPE targetapp_shutdown_phase gauge\n");
        for (Phase p : Phase.values()) {
            sb.append("targetapp_shutdown_phase{phase=\"").append(p.label()).append("\"} ")
                    .append(p == state.phase() ? 1 : 0).append('\n');
        }
        return sb.toString();
    }

    private static void gauge(StringBuilder sb, String name, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
        sb.append(name).append(' ').append(value).append('\n');
    }
}
