package io.zerodrop.engine;

import io.zerodrop.core.RunMarker;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/** The journal header fields every run shares: the run's id, versions, host and the one clock. */
public final class RunInfo {
    private RunInfo() {
    }

    public static Map<String, Object> header(String command, String runtime, String target, String gatlingVersion,
            Map<String, Object> settings) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("zerodrop", version());
        h.put("command", command);
        // the run's one id: its marker's, its processes' ZERODROP_RUN, its records in a cluster (Lease, labels)
        RunMarker.current().ifPresent(m -> h.put("run", m.id()));
        h.put("runtime", runtime);
        h.put("target", target);
        h.put("gatling", gatlingVersion);
        h.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        h.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        h.put("cpus", Runtime.getRuntime().availableProcessors());
        h.put("host", hostName());
        h.put("clock", "every timestamp is epoch milliseconds from the clock of host " + hostName()
                + "; load generator, observers and the target's ledger share it");
        h.put("settings", settings);
        return h;
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
