package io.zerodrop.runtime.local;

import java.util.List;
import java.util.Map;

/** How the Service address reaches the ready endpoints: a userspace proxy, or netfilter DNAT in a network namespace. */
interface ServiceFront extends AutoCloseable {
    /** The Service port actually bound. */
    int port();

    /** New connections from now on go to these backends only. */
    void apply(List<EndpointTable.Backend> ready);

    /** Prefix for every process that must live in the pods' network (pods, probes, hooks, the load generator). */
    List<String> launcher();

    String describe();

    /** The {@code ip:port} of every backend new connections go to now, as the mechanism itself has them. */
    List<String> routed();

    /**
     * New connections that reached a pod after it had left the Service's rules, by pod (only those with any): with
     * netfilter, through conntrack entries that outlived the endpoint. A userspace proxy decides every new
     * connection itself, so it has none.
     */
    default Map<String, Long> staleConnects() {
        return Map.of();
    }

    @Override
    void close();
}
