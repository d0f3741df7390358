package io.zerodrop.runtime.local;

import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import java.io.IOException;
import java.security.SecureRandom;

/**
 * Opens the Service's front on an address of the run's own, {@code 127.<subnet>.255.1}, the subnet picked at random
 * so that runs side by side do not meet: netfilter DNAT in a private network namespace where the machine allows it
 * (mode {@code netfilter}, or {@code auto} as root with ip and iptables), else a userspace proxy, bound on another
 * subnet when the address is taken, and on a free port when the Service's port is below 1024 and this user may not
 * bind it.
 */
final class ServiceFronts {
    /** How many subnets a userspace proxy tries before it gives up. */
    static final int ATTEMPTS = 20;

    private ServiceFronts() {
    }

    /** The front opened, the subnet its address and the pods' addresses are on, and the Service's address. */
    record Opened(ServiceFront front, int subnet, String vip) {
    }

    static Opened open(String mode, int port, Undo undo, EndpointTable endpoints) {
        SecureRandom pick = new SecureRandom();
        boolean netfilter = mode.equals("netfilter") || (mode.equals("auto") && NetfilterFront.available());
        if (netfilter) {
            if (!NetfilterFront.available()) {
                throw ZerodropException.environment("the netfilter Service mode needs root, ip (iproute2) and iptables;"
                        + " use the userspace mode instead");
            }
            int subnet = 16 + pick.nextInt(230);
            String vip = "127." + subnet + ".255.1";
            return new Opened(new NetfilterFront(vip, port, undo), subnet, vip);
        }
        IOException last = null;
        int listenPort = port;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int subnet = 16 + pick.nextInt(230);
            String vip = "127." + subnet + ".255.1";
            try {
                return new Opened(new ServiceProxy(vip, listenPort, endpoints), subnet, vip);
            } catch (IOException e) {
                last = e;
                if (listenPort < 1024 && listenPort > 0 && String.valueOf(e.getMessage()).contains("Permission denied")) {
                    // an unprivileged user cannot bind a port below 1024: serve the Service on a free port instead;
                    // the address is the run's own, so nothing else is reached by mistake, and the report says so
                    listenPort = 0;
                    attempt--;
                }
            }
        }
        throw ZerodropException.environment("cannot bind the Service address on 127.x.255.1:" + listenPort + " ("
                + last + ")");
    }
}
