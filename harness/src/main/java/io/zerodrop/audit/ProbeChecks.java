package io.zerodrop.audit;

import static io.zerodrop.audit.AuditContext.containerPath;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Readiness, liveness and startup probes: present where they matter, on the right port, consistent. */
final class ProbeChecks {
    private ProbeChecks() {
    }

    /**
     * The probe checks in id order.
     *
     * <p>Size: a table of 7 rules, each entry a short check of its own, read top to bottom like the README's list.
     */
    static List<AuditCheck> all() {
        return List.of(
                new Rule("ZD101", "readiness probe missing on a pod a Service selects", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        Container a = c.app(w);
                        if (a.getReadinessProbe() == null && !c.servicesOf(w).isEmpty()) {
                            f.add(Severity.ERROR, w, containerPath(w, a) + ".readinessProbe", "Service(s) "
                                    + names(c.servicesOf(w)) + " send traffic to the pod as soon as it is Running:"
                                    + " a replacement gets requests before it listens, and a terminating pod stays in"
                                    + " rotation until the endpoint controller removes it",
                                    "add a readinessProbe on the port the Service targets (e.g. httpGet /ready)");
                        }
                    }
                }),
                new Rule("ZD102", "probe on a port the container does not declare", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        for (Container ct : AuditContext.podSpec(w).getContainers()) {
                            probes(ct).forEach((name, p) -> {
                                IntOrString port = port(p);
                                if (port == null) {
                                    return;
                                }
                                String field = containerPath(w, ct) + "." + name + "." + handler(p) + ".port";
                                if (port.getStrVal() != null && Containers.resolve(ct, port).isEmpty()) {
                                    f.add(Severity.ERROR, w, field, "the probe names port \"" + port.getStrVal()
                                            + "\" but the container declares " + portNames(ct) + ": the kubelet"
                                            + " cannot resolve it and the probe always fails", "name a declared port"
                                            + " (containers[].ports[].name) or use its number");
                                } else if (port.getIntVal() != null && !Containers.declares(ct, port.getIntVal())) {
                                    f.inferred(Severity.WARNING, w, field, "the probe checks port " + port.getIntVal()
                                            + ", which the container does not declare (" + portNames(ct) + "): it"
                                            + " works only if the app listens there", "declare the port, or probe the"
                                            + " one the app serves on");
                                }
                            });
                        }
                    }
                }),
                new Rule("ZD103", "liveness and readiness probes identical", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        Container a = c.app(w);
                        Probe l = a.getLivenessProbe();
                        Probe r = a.getReadinessProbe();
                        // identical only when the handler AND every timing are the same (different timings are the
                        // recommended setup, not a defect)
                        if (l != null && r != null && sameHandler(l, r) && sameTimings(l, r)) {
                            f.add(Severity.WARNING, w, containerPath(w, a) + ".livenessProbe", "liveness and readiness"
                                    + " are the same probe with the same timings: when the app is merely busy it is"
                                    + " taken out of rotation and restarted at the same moment", "give liveness a"
                                    + " longer period or failureThreshold than readiness, or a cheaper endpoint");
                        }
                    }
                }),
                new Rule("ZD204", "readiness probe not on the port the Service targets", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        Container a = c.app(w);
                        Probe r = a.getReadinessProbe();
                        Optional<Integer> probed = r == null ? Optional.empty() : Containers.resolve(a, port(r));
                        if (probed.isEmpty()) {
                            continue;
                        }
                        List<Integer> served = new ArrayList<>();
                        List<String> by = new ArrayList<>();
                        for (AuditObject s : c.servicesOf(w)) {
                            for (ServicePort sp : c.requestPorts(s)) {
                                IntOrString target = sp.getTargetPort() != null ? sp.getTargetPort()
                                        : new IntOrString(sp.getPort());
                                Containers.resolve(a, target).filter(p -> !served.contains(p)).ifPresent(p -> {
                                    served.add(p);
                                    if (!by.contains(s.ref())) {
                                        by.add(s.ref());
                                    }
                                });
                            }
                        }
                        if (!served.isEmpty() && !served.contains(probed.get())) {
                            String ports = served.size() == 1 ? "port " + served.get(0) : "ports " + served;
                            f.add(Severity.WARNING, w, containerPath(w, a) + ".readinessProbe", "readiness is checked"
                                    + " on port " + probed.get() + " but " + String.join(", ", by) + " send"
                                    + (by.size() == 1 ? "s" : "") + " requests to " + ports + ": the pod can be Ready"
                                    + " while that listener is not", "probe the port the Service targets ("
                                    + served.get(0) + ")");
                        }
                    }
                }),
                new Rule("ZD206", "liveness gives up sooner than readiness", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        Container a = c.app(w);
                        Probe l = a.getLivenessProbe();
                        Probe r = a.getReadinessProbe();
                        if (l != null && r != null && window(l) < window(r)) {
                            f.add(Severity.WARNING, w, containerPath(w, a) + ".livenessProbe", "liveness restarts the"
                                    + " container after " + window(l) + " s of failures (period × failureThreshold),"
                                    + " readiness takes it out of rotation only after " + window(r) + " s: an"
                                    + " overloaded pod is killed with requests in flight instead of being shed",
                                    "make liveness's period × failureThreshold longer than readiness's");
                        }
                    }
                }),
                new Rule("ZD216", "probe on a UDP port", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        for (Container ct : AuditContext.podSpec(w).getContainers()) {
                            probes(ct).forEach((name, p) -> {
                                IntOrString port = port(p);
                                Optional<ContainerPort> declared = port == null ? Optional.empty()
                                        : Containers.ports(ct).stream().filter(cp -> port.getStrVal() != null
                                        ? port.getStrVal().equals(cp.getName()) : port.getIntVal().equals(
                                        cp.getContainerPort())).findFirst();
                                if (declared.isPresent() && "UDP".equals(declared.get().getProtocol())
                                        && Containers.ports(ct).stream().noneMatch(cp -> declared.get()
                                        .getContainerPort().equals(cp.getContainerPort()) && !"UDP".equals(
                                        cp.getProtocol()))) {
                                    f.add(Severity.ERROR, w, containerPath(w, ct) + "." + name + "." + handler(p)
                                            + ".port", "the probe checks port " + (port.getStrVal() != null ? "\""
                                            + port.getStrVal() + "\" (" + declared.get().getContainerPort() + ")"
                                            : port.getIntVal()) + ", declared UDP only: the kubelet's " + handler(p)
                                            + " probe speaks TCP, which nothing answers there, so the probe always"
                                            + " fails", "probe a TCP port the app serves (or an exec probe for a"
                                            + " UDP-only app)");
                                }
                            });
                        }
                    }
                }),
                new Rule("ZD212", "slow starter without a startupProbe", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        Container a = c.app(w);
                        int delay = Math.max(initialDelay(a.getLivenessProbe()), initialDelay(a.getReadinessProbe()));
                        if (a.getStartupProbe() == null && delay >= 30) {
                            f.add(Severity.WARNING, w, containerPath(w, a) + ".startupProbe", "a probe waits "
                                    + delay + " s before its first check (a slow starter), without a startupProbe:"
                                    + " a replacement that starts faster sits unready for the whole delay and one that"
                                    + " starts slower is restarted by liveness", "add a startupProbe (periodSeconds"
                                    + " 1-2, failureThreshold covering the slowest start) and drop initialDelaySeconds");
                        }
                    }
                }));
    }

    static String names(List<AuditObject> objects) {
        return objects.stream().map(AuditObject::name).distinct().toList().toString();
    }

    private static String portNames(Container c) {
        return Containers.ports(c).isEmpty() ? "no ports" : Containers.ports(c).stream().map(p -> (p.getName()
                == null ? "" : p.getName() + "=") + p.getContainerPort()).toList().toString();
    }

    private static Map<String, Probe> probes(Container c) {
        Map<String, Probe> m = new LinkedHashMap<>();
        if (c.getStartupProbe() != null) {
            m.put("startupProbe", c.getStartupProbe());
        }
        if (c.getReadinessProbe() != null) {
            m.put("readinessProbe", c.getReadinessProbe());
        }
        if (c.getLivenessProbe() != null) {
            m.put("livenessProbe", c.getLivenessProbe());
        }
        return m;
    }

    static IntOrString port(Probe p) {
        if (p == null) {
            return null;
        }
        if (p.getHttpGet() != null) {
            return p.getHttpGet().getPort();
        }
        if (p.getTcpSocket() != null) {
            return p.getTcpSocket().getPort();
        }
        return p.getGrpc() != null && p.getGrpc().getPort() != null ? new IntOrString(p.getGrpc().getPort()) : null;
    }

    private static String handler(Probe p) {
        return p.getHttpGet() != null ? "httpGet" : p.getTcpSocket() != null ? "tcpSocket" : "grpc";
    }

    private static boolean sameHandler(Probe a, Probe b) {
        return Objects.equals(a.getHttpGet(), b.getHttpGet()) && Objects.equals(a.getTcpSocket(), b.getTcpSocket())
                && Objects.equals(a.getExec(), b.getExec()) && Objects.equals(a.getGrpc(), b.getGrpc());
    }

    private static boolean sameTimings(Probe a, Probe b) {
        return initialDelay(a) == initialDelay(b) && period(a) == period(b) && or(a.getTimeoutSeconds(), 1)
                == or(b.getTimeoutSeconds(), 1) && or(a.getSuccessThreshold(), 1) == or(b.getSuccessThreshold(), 1)
                && failures(a) == failures(b);
    }

    private static int or(Integer v, int dflt) {
        return v == null ? dflt : v;
    }

    private static int initialDelay(Probe p) {
        return p == null ? 0 : or(p.getInitialDelaySeconds(), 0);
    }

    private static int period(Probe p) {
        return or(p.getPeriodSeconds(), 10);
    }

    private static int failures(Probe p) {
        return or(p.getFailureThreshold(), 3);
    }

    private static int window(Probe p) {
        return period(p) * failures(p);
    }
}
