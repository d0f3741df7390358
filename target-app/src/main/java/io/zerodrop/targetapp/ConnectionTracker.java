package io.zerodrop.targetapp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;

/** Counts accepted and open connections and knows which open ones are idle (no request being served). */
final class ConnectionTracker implements Connection.Listener {
    private final Map<Connection, AtomicInteger> open = new ConcurrentHashMap<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong closedIdleAtShutdown = new AtomicLong();

    @Override
    public void onOpened(Connection connection) {
        accepted.incrementAndGet();
        open.put(connection, new AtomicInteger());
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    void requestStarted(Connection connection) {
        AtomicInteger n = open.get(connection);
        if (n != null) {
            n.incrementAndGet();
        }
    }

    void requestEnded(Connection connection) {
        AtomicInteger n = open.get(connection);
        if (n != null) {
            n.decrementAndGet();
        }
    }

    /** Closes every open connection that has no request in flight; returns how many were closed. */
    int closeIdle() {
        int n = 0;
        for (Map.Entry<Connection, AtomicInteger> e : open.entrySet()) {
            if (e.getValue().get() == 0) {
                e.getKey().getEndPoint().close();
                n++;
            }
        }
        closedIdleAtShutdown.addAndGet(n);
        return n;
    }

    long openCount() {
        return open.size();
    }

    long acceptedCount() {
        return accepted.get();
    }

    Map<String, Object> totals() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accepted", accepted.get());
        m.put("open", (long) open.size());
        m.put("closedIdleAtShutdown", closedIdleAtShutdown.get());
        return m;
    }
}
