package io.zerodrop.testsupport;

import java.io.IOException;

/** Reads one value from target-app's /metrics on a fresh connection. */
public final class Metric {
    private Metric() {
    }

    public static long read(int port, String series) throws IOException {
        try (RawHttp c = RawHttp.connect(port)) {
            String body = c.get("/metrics").body();
            for (String line : body.split("\n")) {
                if (line.startsWith(series + " ")) {
                    return Long.parseLong(line.substring(series.length() + 1).trim());
                }
            }
        }
        throw new AssertionError("series " + series + " not found in /metrics");
    }
}
