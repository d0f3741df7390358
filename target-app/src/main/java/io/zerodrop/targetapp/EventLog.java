package io.zerodrop.targetapp;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON line per lifecycle event on stdout, each with {@code ts} in epoch milliseconds from the host clock,
 * the same clock zerodrop uses for every timestamp it correlates.
 */
final class EventLog {
    private final PrintStream out;
    private final long pid = ProcessHandle.current().pid();

    EventLog(PrintStream out) {
        this.out = out;
    }

    void event(String name, Object... keyValues) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", System.currentTimeMillis());
        line.put("event", name);
        line.put("pid", pid);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
        }
        String text = Json.write(line);
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }
}
