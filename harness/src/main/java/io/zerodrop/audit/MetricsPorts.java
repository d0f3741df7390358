package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which Services and ports of an audit's input carry only metrics scrapes, not requests: by their names, by the
 * Prometheus-operator ServiceMonitors of the input that scrape them, or as {@code zerodrop.io/traffic} states it.
 * The checks about requests leave those out.
 */
final class MetricsPorts {
    private final List<AuditObject> objects;

    MetricsPorts(List<AuditObject> objects) {
        this.objects = objects;
    }

    /** As {@link AuditContext#metricsOnly}: found once per Service. */
    boolean metricsOnly(AuditObject service) {
        return metricsOnly.computeIfAbsent(service, this::scrapedOnly);
    }

    private final Map<AuditObject, Boolean> metricsOnly = new IdentityHashMap<>();

    /** As {@link AuditContext#requestPorts}. */
    List<ServicePort> requestPorts(AuditObject service) {
        List<ServicePort> ports = ((Service) service.object()).getSpec().getPorts() == null ? List.of()
                : ((Service) service.object()).getSpec().getPorts();
        if (stated(service).filter("requests"::equals).isPresent()) {
            return ports;
        }
        return ports.stream().filter(p -> !metricsPort(service, p)).toList();
    }

    private boolean metricsPort(AuditObject service, ServicePort port) {
        String name = port.getName();
        if (name == null) {
            return false;
        }
        if (name.equals("metrics") || name.endsWith("-metrics") || name.equals("telemetry")
                || name.endsWith("-telemetry")) {
            return true;
        }
        Map<String, String> labels = service.object().getMetadata().getLabels() == null ? Map.of()
                : service.object().getMetadata().getLabels();
        return serviceMonitors().stream().anyMatch(m -> m.watches(service.namespace())
                && Selectors.selects(m.selector(), labels) && m.ports().contains(name));
    }

    private static Optional<String> stated(AuditObject service) {
        var annotations = service.object().getMetadata().getAnnotations();
        return Optional.ofNullable(annotations == null ? null : annotations.get(AuditContext.TRAFFIC_ANNOTATION)).map(String::trim);
    }

    private boolean scrapedOnly(AuditObject service) {
        Optional<String> stated = stated(service);
        if (stated.isPresent()) {
            return stated.get().equals("metrics");
        }
        List<ServicePort> ports = ((Service) service.object()).getSpec().getPorts();
        return ports != null && !ports.isEmpty() && requestPorts(service).isEmpty();
    }

    /** A ServiceMonitor as the check reads it: what it selects, where, and the port names it scrapes. */
    private record Monitor(String namespace, Object namespaceSelector, LabelSelector selector, List<String> ports) {
        /** Its own namespace, unless its namespaceSelector says any or names others. */
        boolean watches(String ns) {
            if (!(namespaceSelector instanceof Map<?, ?> sel)) {
                return namespace.equals(ns);
            }
            if (Boolean.TRUE.equals(sel.get("any"))) {
                return true;
            }
            return sel.get("matchNames") instanceof List<?> names ? names.contains(ns) : namespace.equals(ns);
        }
    }

    /** The input's Prometheus-operator ServiceMonitors, each read once. */
    private List<Monitor> serviceMonitors() {
        if (serviceMonitors == null) {
            List<Monitor> out = new ArrayList<>();
            for (AuditObject o : objects) {
                Map<?, ?> spec = "ServiceMonitor".equals(o.kind()) && o.object().getApiVersion() != null
                        && o.object().getApiVersion().startsWith("monitoring.coreos.com/") ? ObjectJson.path(o, "spec") : null;
                if (spec == null) {
                    continue;
                }
                List<String> ports = new ArrayList<>();
                if (spec.get("endpoints") instanceof List<?> endpoints) {
                    for (Object e : endpoints) {
                        if (e instanceof Map<?, ?> endpoint && endpoint.get("port") != null) {
                            ports.add(String.valueOf(endpoint.get("port")));
                        }
                    }
                }
                out.add(new Monitor(o.namespace(), spec.get("namespaceSelector"), spec.get("selector") == null
                        ? null : ObjectJson.SERIALIZATION.convertValue(spec.get("selector"), LabelSelector.class), ports));
            }
            serviceMonitors = List.copyOf(out);
        }
        return serviceMonitors;
    }

    private List<Monitor> serviceMonitors;
}
