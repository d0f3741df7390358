package io.zerodrop.runtime.local;

import java.util.List;

/** How the Service address reaches the ready endpoints: a userspace proxy, or netfilter DNAT in a network namespace. */
interface ServiceFront extends AutoCloseable {
    /** The Service port actually bound. */
    int port();

    /** New connections from now on go to these backends only. */
    void apply(List<EndpointTable.Backend> ready);

    /** Prefix for every process that must live in the pods' network (pods, probes, hooks, the load generator). */
    List<String> launcher();

    String describe();

    @Override
    void close();
}
