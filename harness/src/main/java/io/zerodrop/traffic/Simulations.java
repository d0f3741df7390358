package io.zerodrop.traffic;

import io.gatling.javaapi.core.Simulation;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.sims.FreshConnectionsSimulation;
import io.zerodrop.sims.SlowRequestsSimulation;
import io.zerodrop.sims.SteadySimulation;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The built-in simulations by short name; anything else is taken as a class name on the simulation class path. */
public final class Simulations {
    private static final Map<String, String> BUILT_IN = Map.of(
            "steady", SteadySimulation.class.getName(),
            "fresh-connections", FreshConnectionsSimulation.class.getName(),
            "slow-requests", SlowRequestsSimulation.class.getName());

    private Simulations() {
    }

    /**
     * Whether the simulation's requests share kept-alive connections: true for steady, false for the built-ins that
     * open a connection per request, empty for a simulation zerodrop does not know.
     */
    public static Optional<Boolean> reusesConnections(String nameOrClass) {
        String c = BUILT_IN.getOrDefault(nameOrClass, nameOrClass);
        if (c.equals(SteadySimulation.class.getName())) {
            return Optional.of(true);
        }
        if (c.equals(FreshConnectionsSimulation.class.getName()) || c.equals(SlowRequestsSimulation.class.getName())) {
            return Optional.of(false);
        }
        return Optional.empty();
    }

    public static String resolve(String nameOrClass) {
        String known = BUILT_IN.get(nameOrClass);
        if (known != null) {
            return known;
        }
        if (!nameOrClass.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)+")) {
            throw ZerodropException.usage("--simulation \"" + nameOrClass + "\" is neither "
                    + String.join(", ", BUILT_IN.keySet().stream().sorted().toList())
                    + " nor a fully qualified class name");
        }
        return nameOrClass;
    }

    /**
     * Checks, before anything starts, that {@code className} can be loaded from zerodrop's class path plus
     * {@code extraClasspath} and is a Gatling simulation; returns a sentence saying what is wrong, or null.
     */
    public static String problem(String className, List<Path> extraClasspath) {
        URL[] urls = extraClasspath.stream().map(p -> {
            try {
                return p.toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }).toArray(URL[]::new);
        try (URLClassLoader loader = new URLClassLoader(urls, Simulations.class.getClassLoader())) {
            Class<?> c = Class.forName(className, false, loader);
            if (!Simulation.class.isAssignableFrom(c)
                    && !isScalaSimulation(c)) {
                return c.getName() + " is not a Gatling simulation (it extends neither"
                        + " io.gatling.javaapi.core.Simulation nor io.gatling.core.scenario.Simulation)";
            }
            return null;
        } catch (ClassNotFoundException | LinkageError e) {
            return "class " + className + " is not on the simulation class path" + (extraClasspath.isEmpty()
                    ? " (add its jar or classes directory with --simulation-classpath)" : " " + extraClasspath);
        } catch (IOException e) {
            return "the simulation class path " + extraClasspath + " cannot be read: " + e.getMessage();
        }
    }

    private static boolean isScalaSimulation(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            if (k.getName().equals("io.gatling.core.scenario.Simulation")) {
                return true;
            }
        }
        return false;
    }

    /** An HTTP method is one token (RFC 9110): letters, digits and a few symbols, no space. */
    public static boolean isMethod(String method) {
        return method != null && method.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    }

    public static String label(String className) {
        return BUILT_IN.entrySet().stream().filter(e -> e.getValue().equals(className)).map(Map.Entry::getKey)
                .findFirst().orElse(className);
    }
}
