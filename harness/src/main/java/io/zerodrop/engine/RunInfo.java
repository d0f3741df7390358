package io.zerodrop.engine;

import io.zerodrop.core.RunMarker;
import io.zerodrop.report.Header;
import java.net.InetAddress;
import java.util.Map;

/** The journal header fields every run shares: the run's id, versions, host and the one clock. */
public final class RunInfo {
    private RunInfo() {
    }

    public static Header header(String command, String runtime, String target, String gatlingVersion,
            Map<String, Object> settings) {
        String host = hostName();
        // the run's one id: its marker's, its processes' ZERODROP_RUN, its records in a cluster (Lease, labels)
        return new Header(version(), command, RunMarker.current().map(RunMarker::id).orElse(null), runtime, target,
                gatlingVersion, System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), host,
                "every timestamp is epoch milliseconds from the clock of host " + host
                        + "; load generator, observers and the target's ledger share it", settings);
    }

    public static String version() {
        String v = RunInfo.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
