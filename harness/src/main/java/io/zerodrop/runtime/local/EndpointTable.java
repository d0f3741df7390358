package io.zerodrop.runtime.local;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Service's endpoints as the proxy sees them: backends that are ready receive new connections. Changes arrive
 * from the runtime after the propagation delay, like an EndpointSlice update reaching kube-proxy.
 */
final class EndpointTable {
    /** One backend. */
    record Backend(String pod, String ip, int port) {
        /** {@code ip:port}, as iptables and the reports write it. */
        String address() {
            return ip + ":" + port;
        }
    }

    private final Map<String, Backend> ready = new ConcurrentHashMap<>();

    void setReady(Backend b, boolean isReady) {
        if (isReady) {
            ready.put(b.pod(), b);
        } else {
            ready.remove(b.pod());
        }
    }

    boolean isReady(String pod) {
        return ready.containsKey(pod);
    }

    List<Backend> readyBackends() {
        List<Backend> out = new ArrayList<>(ready.values());
        out.sort(Comparator.comparing(Backend::pod));
        return out;
    }
}
