package io.zerodrop.traffic;

import io.zerodrop.sims.FreshConnectionsSimulation;
import io.zerodrop.sims.SlowRequestsSimulation;
import io.zerodrop.sims.SteadySimulation;
import java.util.Map;

/** The built-in simulations by short name; anything else is taken as a class name on the simulation class path. */
public final class Simulations {
    private static final Map<String, String> BUILT_IN = Map.of(
            "steady", SteadySimulation.class.getName(),
            "fresh-connections", FreshConnectionsSimulation.class.getName(),
            "slow-requests", SlowRequestsSimulation.class.getName());

    private Simulations() {
    }

    public static String resolve(String nameOrClass) {
        String known = BUILT_IN.get(nameOrClass);
        if (known != null) {
            return known;
        }
        if (!nameOrClass.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)+")) {
            throw io.zerodrop.core.ZerodropException.usage("--simulation \"" + nameOrClass + "\" is neither "
                    + String.join(", ", BUILT_IN.keySet().stream().sorted().toList())
                    + " nor a fully qualified class name");
        }
        return nameOrClass;
    }

    public static String label(String className) {
        return BUILT_IN.entrySet().stream().filter(e -> e.getValue().equals(className)).map(Map.Entry::getKey)
                .findFirst().orElse(className);
    }
}
