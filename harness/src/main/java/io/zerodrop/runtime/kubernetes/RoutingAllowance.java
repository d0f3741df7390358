package io.zerodrop.runtime.kubernetes;

import io.zerodrop.ledger.DataPath;
import java.time.Duration;

/** How much later than the EndpointSlice change the data path may still route to a pod, when it is not measured. */
final class RoutingAllowance {
    private RoutingAllowance() {
    }

    /**
     * Each node's kube-proxy applies an EndpointSlice change on its own schedule, rate-limited by its iptables
     * {@code minSyncPeriod} (1 s by default): a node may keep routing to a pod up to that long after the API took it
     * out of rotation (plus its own watch lag; longer through an ingress or a mesh).
     */
    static final DataPath.Allowance KUBE_PROXY = new DataPath.Allowance(1000, "kube-proxy applies an EndpointSlice"
            + " change rate-limited by its minSyncPeriod (1 s by default), later through an ingress or a mesh; measure"
            + " it instead with traffic.podHeader (a response header naming the serving pod)");

    /**
     * The scenario's {@code traffic.routingAllowance} instead of kube-proxy's default sync (an ingress, a mesh or a
     * kube-proxy configured slower route to a pod longer after the API took it out of rotation).
     */
    static DataPath.Allowance stated(Duration stated) {
        return new DataPath.Allowance(stated.toMillis(), "traffic.routingAllowance in the scenario ("
                + stated.toMillis() + " ms: the data path's stated lag behind the EndpointSlice); measure it"
                + " instead with traffic.podHeader (a response header naming the serving pod)");
    }
}
