package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;
import java.util.Optional;

/** What a container declares: its ports (by number or name) and its literal environment. */
final class Containers {
    private Containers() {
    }

    /** A port (number or name) as a number on this container; empty when a name is not declared. */
    static Optional<Integer> resolve(Container c, IntOrString port) {
        if (port == null) {
            return Optional.empty();
        }
        if (port.getIntVal() != null) {
            return Optional.of(port.getIntVal());
        }
        return ports(c).stream().filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst();
    }

    /** Its declared ports; none when it declares none. */
    static List<ContainerPort> ports(Container c) {
        return c.getPorts() == null ? List.of() : c.getPorts();
    }

    /** Whether it declares {@code port}. */
    static boolean declares(Container c, int port) {
        return ports(c).stream().anyMatch(p -> p.getContainerPort() != null && p.getContainerPort() == port);
    }

    /** An env var's literal value on the container, if set. */
    static Optional<String> env(Container c, String name) {
        return c.getEnv() == null ? Optional.empty() : c.getEnv().stream().filter(e -> name.equals(e.getName())
                && e.getValue() != null).map(e -> e.getValue()).findFirst();
    }
}
