package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.List;
import java.util.Map;

/** Services: their target ports resolve on the pods they select, and their traffic policy. */
final class ServiceChecks {
    private ServiceChecks() {
    }

    /** ", such as …" naming up to three pod sources the audit does not read, or "". */
    private static String elsewhere(List<AuditObject> sources) {
        return sources.isEmpty() ? "" : " (its namespace has pods this audit does not read: "
                + AuditContext.refs(sources, 3) + ")";
    }

    /**
     * The Service checks in id order.
     *
     * <p>Size: a table of 3 rules, each entry a short check of its own, read top to bottom like the README's list.
     */
    static List<AuditCheck> all() {
        return List.of(
                new Rule("ZD205", "Service targetPort does not resolve to a declared containerPort", (c, f) -> {
                    for (AuditObject s : c.services()) {
                        Service svc = (Service) s.object();
                        for (AuditObject w : c.workloadsMaybeSelected(s, svc.getSpec().getSelector())) {
                            if (!Selectors.selects(svc, AuditContext.podLabels(w))) {
                                continue;
                            }
                            List<Container> containers = AuditContext.podSpec(w).getContainers();
                            for (ServicePort sp : svc.getSpec().getPorts()) {
                                IntOrString target = sp.getTargetPort() != null ? sp.getTargetPort()
                                        : new IntOrString(sp.getPort());
                                String field = "spec.ports[" + (sp.getName() != null ? sp.getName() : sp.getPort())
                                        + "].targetPort";
                                if (target.getStrVal() != null) {
                                    if (containers.stream().noneMatch(ct -> Containers.resolve(ct, target)
                                            .isPresent())) {
                                        f.add(Severity.ERROR, s, field, "targetPort \"" + target.getStrVal() + "\" is"
                                                + " not the name of a port declared by " + w.ref() + "'s containers:"
                                                + " its pods get no endpoint on this port, and every request through it"
                                                + " fails", "use a declared port's name or number");
                                    }
                                } else if (containers.stream().noneMatch(ct -> Containers.declares(ct,
                                        target.getIntVal()))) {
                                    f.inferred(Severity.WARNING, s, field, "targetPort " + target.getIntVal() + " is"
                                            + " not declared by " + w.ref() + "'s containers: it works only if the app"
                                            + " listens there", "declare the port in containers[].ports and target it"
                                            + " by name");
                                }
                            }
                        }
                    }
                }),
                new Rule("ZD215", "Service selects no pod", (c, f) -> {
                    for (AuditObject s : c.services()) {
                        Service svc = (Service) s.object();
                        Map<String, String> selector = svc.getSpec().getSelector();
                        if (selector == null || selector.isEmpty()) {
                            continue; // endpoints managed by hand, or an ExternalName: not selected pods
                        }
                        List<AuditObject> here = c.workloadsIn(s);
                        if (here.isEmpty()) {
                            // no pods of its namespace here to compare with, unless it was meant for pods elsewhere
                            List<AuditObject> there = c.matchingInOtherNamespaces(s, l -> Selectors.selects(svc, l));
                            if (!there.isEmpty()) {
                                f.inferred(Severity.WARNING, s, "spec.selector", "selector " + selector + " matches"
                                        + " no workload " + AuditContext.home(s) + " in this input, but the pods of "
                                        + AuditContext.refs(there, 3) + " of another namespace: a Service selects"
                                        + " only pods of its own namespace, so it has no endpoint there and every"
                                        + " request through it fails", "put the Service in the namespace of the"
                                        + " pods it serves");
                            }
                            continue;
                        }
                        if (c.workloadsMaybeSelected(s, selector).stream().noneMatch(w -> Selectors.selects(svc,
                                AuditContext.podLabels(w)))) {
                            f.inferred(Severity.WARNING, s, "spec.selector", "selector " + selector + " matches the"
                                    + " pods of none of the " + here.size() + " workload(s) of its namespace in this"
                                    + " input: the Service has no endpoint, and every request through it fails,"
                                    + " unless its pods come from elsewhere" + elsewhere(c.podSourcesNotRead(s)),
                                    "make spec.selector a subset of the"
                                    + " serving pods' template labels");
                        }
                    }
                }),
                new Rule("ZD213", "externalTrafficPolicy Local", (c, f) -> {
                    for (AuditObject s : c.services()) {
                        Service svc = (Service) s.object();
                        if ("Local".equals(svc.getSpec().getExternalTrafficPolicy())) {
                            f.add(Severity.WARNING, s, "spec.externalTrafficPolicy", "Local sends external traffic"
                                    + " only to pods on the node it arrives at: while a node's last pod terminates,"
                                    + " the load balancer keeps sending there until its health check"
                                    + " (healthCheckNodePort) fails", "Cluster, or a load balancer health check"
                                    + " faster than your preStop delay");
                        }
                    }
                }));
    }
}
