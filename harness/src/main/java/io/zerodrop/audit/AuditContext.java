package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The objects under audit, with the questions every check asks of them: which workloads, their pods' labels and
 * spec, which Services and PodDisruptionBudgets select them, how ports resolve. In live mode the pods of the
 * namespace are known too ({@code livePodLabels}), so a budget's selector is matched against real pods.
 */
public final class AuditContext {
    private final List<AuditObject> objects;
    private final AuditOptions options;
    private final List<Map<String, String>> livePodLabels;

    public AuditContext(List<AuditObject> objects, AuditOptions options, List<Map<String, String>> livePodLabels) {
        this.objects = List.copyOf(objects);
        this.options = options;
        this.livePodLabels = livePodLabels;
    }

    public AuditOptions options() {
        return options;
    }

    public List<AuditObject> objects() {
        return objects;
    }

    /** The objects that run pods of a kind the audit reads ({@link WorkloadKinds}), once. */
    public List<AuditObject> workloads() {
        if (workloads == null) {
            workloads = objects.stream().filter(o -> o.workload() != null).toList();
        }
        return workloads;
    }

    private List<AuditObject> workloads;

    /**
     * The workloads whose pods have a count (all but DaemonSets): the replica, budget-arithmetic and spread checks
     * reason about these only.
     */
    public List<AuditObject> counted() {
        return workloads().stream().filter(w -> w.workload().counted()).toList();
    }

    /** Objects that run pods the audit does not read, each with the reason, in input order; found once. */
    public List<Map.Entry<AuditObject, String>> notAudited() {
        if (notAudited == null) {
            List<Map.Entry<AuditObject, String>> out = new ArrayList<>();
            for (AuditObject o : objects) {
                String why = o.workload() != null ? null : WorkloadKinds.notAudited(o.object());
                if (why != null) {
                    out.add(Map.entry(o, why));
                }
            }
            notAudited = List.copyOf(out);
        }
        return notAudited;
    }

    private List<Map.Entry<AuditObject, String>> notAudited;

    /**
     * What in {@code selecting}'s namespace may run pods this input does not show: objects that run pods the audit
     * does not read, and custom resources, whose operators create pods (a Prometheus resource, a Kafka cluster).
     * Empty when the input holds every pod source of the namespace that the audit can know of.
     */
    public List<AuditObject> podSourcesNotRead(AuditObject selecting) {
        if (podSourcesNotRead == null) {
            Set<AuditObject> notRead = Collections.newSetFromMap(new IdentityHashMap<>());
            notAudited().forEach(e -> notRead.add(e.getKey()));
            podSourcesNotRead = byNamespace(objects.stream().filter(o -> notRead.contains(o) || (o.workload() == null
                    && WorkloadKinds.custom(o.object()))).toList());
        }
        return podSourcesNotRead.getOrDefault(selecting.namespace(), List.of());
    }

    private Map<String, List<AuditObject>> podSourcesNotRead;

    /** "Prometheus k8s, Job migrate, …": the objects' kinds and names, at most {@code max} of them. */
    public static String refs(List<AuditObject> objects, int max) {
        return String.join(", ", objects.stream().limit(max).map(AuditObject::ref).toList())
                + (objects.size() > max ? ", …" : "");
    }

    public List<AuditObject> services() {
        return objects.stream().filter(o -> o.object() instanceof Service).toList();
    }

    public List<AuditObject> budgets() {
        return objects.stream().filter(o -> o.object() instanceof PodDisruptionBudget).toList();
    }

    /** The pod labels of every pod the audit knows: live pods, or else the workloads' templates. */
    public List<Map<String, String>> knownPodLabels() {
        return livePodLabels != null ? livePodLabels : workloads().stream().map(AuditContext::podLabels).toList();
    }

    /**
     * The pod labels a selector of {@code selecting} can reach: a selector only ever selects pods of its own
     * namespace (live: the namespace read; files: workloads naming the same namespace, or none when it names none).
     */
    public List<Map<String, String>> knownPodLabels(AuditObject selecting) {
        return livePodLabels != null ? livePodLabels : workloadsIn(selecting).stream().map(AuditContext::podLabels)
                .toList();
    }

    /** The workloads in {@code o}'s namespace, grouped once (selectors, and so every check, stay in a namespace). */
    public List<AuditObject> workloadsIn(AuditObject o) {
        if (workloadsByNamespace == null) {
            workloadsByNamespace = byNamespace(workloads());
        }
        return workloadsByNamespace.getOrDefault(o.namespace(), List.of());
    }

    /**
     * The workloads of other namespaces of the input whose pods {@code matches} accepts: what a selector of
     * {@code selecting} that selects nothing at home would select had it been in their namespace — most often a
     * namespace set on one object and not the other. Asked only of selectors that selected nothing.
     */
    public List<AuditObject> matchingInOtherNamespaces(AuditObject selecting, Predicate<Map<String, String>> matches) {
        return workloads().stream().filter(w -> !w.namespace().equals(selecting.namespace())
                && matches.test(podLabels(w))).toList();
    }

    /** "in namespace shop" / "in the namespace the input is applied to": where a selector of {@code o} looks. */
    public static String home(AuditObject o) {
        return o.namespace().isEmpty() ? "in the namespace the input is applied to" : "in namespace " + o.namespace();
    }

    /**
     * The workloads of {@code o}'s namespace that a selector needing every one of {@code labels} may select: those
     * whose pod template carries the first of them (all of them when there are none), by an index built once.
     */
    public List<AuditObject> workloadsMaybeSelected(AuditObject o, Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return workloadsIn(o);
        }
        if (workloadsByLabel == null) {
            workloadsByLabel = new HashMap<>();
            for (AuditObject w : workloads()) {
                podLabels(w).forEach((k, v) -> workloadsByLabel.computeIfAbsent(w.namespace() + "\u0000" + k + "="
                        + v, x -> new ArrayList<>()).add(w));
            }
        }
        Map.Entry<String, String> first = labels.entrySet().iterator().next();
        return workloadsByLabel.getOrDefault(o.namespace() + "\u0000" + first.getKey() + "=" + first.getValue(),
                List.of());
    }

    private Map<String, List<AuditObject>> workloadsByNamespace;
    private Map<String, List<AuditObject>> workloadsByLabel;

    /**
     * Whether two objects are in one namespace. An object that names none is in the namespace it is applied to
     * (kubectl's {@code -n}, or the context's), the same for every object of one input.
     */
    public static boolean sameNamespace(AuditObject a, AuditObject b) {
        return a.namespace().equals(b.namespace());
    }

    public boolean live() {
        return livePodLabels != null;
    }

    static PodTemplateSpec template(AuditObject w) {
        return w.workload().template();
    }

    public static PodSpec podSpec(AuditObject w) {
        return template(w).getSpec();
    }

    public static Map<String, String> podLabels(AuditObject w) {
        PodTemplateSpec t = template(w);
        return t.getMetadata() == null || t.getMetadata().getLabels() == null ? Map.of() : t.getMetadata().getLabels();
    }

    /** The workload's own selector's matchLabels (stable across releases, unlike a version label). */
    public static Map<String, String> selectorLabels(AuditObject w) {
        LabelSelector s = w.workload().selector();
        return s == null || s.getMatchLabels() == null ? podLabels(w) : s.getMatchLabels();
    }

    public static int specReplicas(AuditObject w) {
        Integer r = w.workload().replicas();
        return r == null ? 1 : r;
    }

    /**
     * The replicas the checks count on: a workload a HorizontalPodAutoscaler scales can be scaled down to the
     * autoscaler's {@code minReplicas} (1 when omitted) whatever its own {@code replicas} says (an omitted
     * {@code replicas} is then not 1); otherwise its {@code replicas}.
     */
    public int replicas(AuditObject w) {
        Optional<AuditObject> hpa = autoscalerOf(w);
        return hpa.isPresent() ? minReplicas(hpa.get()) : specReplicas(w);
    }

    /** " (the minReplicas of HorizontalPodAutoscaler x)" when an autoscaler sets the count, else "". */
    public String replicasBasis(AuditObject w) {
        return autoscalerOf(w).map(h -> " (the minReplicas of " + h.ref() + ")").orElse("");
    }

    /**
     * The HorizontalPodAutoscaler of any version (autoscaling/v1, v2, v2beta*) in the workload's namespace whose
     * scaleTargetRef names its kind and name.
     */
    public Optional<AuditObject> autoscalerOf(AuditObject w) {
        if (autoscalers == null) {
            Map<String, AuditObject> byTarget = new HashMap<>();
            for (AuditObject o : objects) {
                if ("HorizontalPodAutoscaler".equals(o.object().getKind())) {
                    Map<?, ?> ref = path(o, "spec", "scaleTargetRef");
                    if (ref != null) {
                        byTarget.putIfAbsent(o.namespace() + "/" + ref.get("kind") + "/" + ref.get("name"), o);
                    }
                }
            }
            autoscalers = byTarget;
        }
        return Optional.ofNullable(autoscalers.get(w.namespace() + "/" + w.object().getKind() + "/"
                + w.object().getMetadata().getName()));
    }

    /** The autoscalers by namespace/kind/name of what they scale, read once. */
    private Map<String, AuditObject> autoscalers;

    private static int minReplicas(AuditObject hpa) {
        Map<?, ?> spec = path(hpa, "spec");
        Object min = spec == null ? null : spec.get("minReplicas");
        return min instanceof Number n ? n.intValue() : 1;
    }

    /** A nested map of the object as its JSON reads, whatever class fabric8 gave it; null where absent. */
    private static Map<?, ?> path(AuditObject o, String... keys) {
        Object at = SERIALIZATION.convertValue(o.object(), Map.class);
        for (String k : keys) {
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(k);
        }
        return at instanceof Map<?, ?> m ? m : null;
    }

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /**
     * The container the checks look at: the one that serves what a Service selecting the pods sends — the first
     * container that declares a Service's targetPort (by name, or by number) — whatever its place in the list (a
     * sidecar listed first is not the app); the first container when no Service says.
     */
    public Container app(AuditObject w) {
        List<Container> containers = podSpec(w).getContainers();
        for (AuditObject s : servicesOf(w)) {
            for (ServicePort sp : requestPorts(s)) {
                IntOrString target = sp.getTargetPort() != null ? sp.getTargetPort() : new IntOrString(sp.getPort());
                for (Container c : containers) {
                    boolean serves = target.getStrVal() != null ? resolve(c, target).isPresent()
                            : target.getIntVal() != null && declares(c, target.getIntVal());
                    if (serves) {
                        return c;
                    }
                }
            }
        }
        return containers.get(0);
    }

    /** "spec.template.spec.containers[name]" ("spec.containers[name]" for a bare Pod). */
    public static String containerPath(AuditObject w, Container c) {
        return podSpecPath(w) + ".containers[" + c.getName() + "]";
    }

    /** Where the pod spec sits in the workload: "spec.template.spec", or "spec" for a bare Pod. */
    public static String podSpecPath(AuditObject w) {
        return w.workload().podSpecPath();
    }

    /**
     * The Services that send requests to the workload's pods: those whose selector selects them, less those that
     * carry only metrics scrapes ({@link #metricsOnly}) — a failed scrape is no dropped request.
     */
    public List<AuditObject> servicesOf(AuditObject w) {
        return servicesOf.computeIfAbsent(w, this::selectingServices);
    }

    /** Each workload's Services, found once: every check asks, and a namespace may hold thousands of Services. */
    private final Map<AuditObject, List<AuditObject>> servicesOf = new IdentityHashMap<>();

    private List<AuditObject> selectingServices(AuditObject w) {
        if (servicesByLabel == null) {
            servicesByLabel = byFirstLabel(services(), s -> {
                Map<String, String> sel = ((Service) s.object()).getSpec() == null ? null
                        : ((Service) s.object()).getSpec().getSelector();
                return sel == null || sel.isEmpty() ? null : sel;
            }, false);
        }
        Map<String, String> labels = podLabels(w);
        return candidates(servicesByLabel, w.namespace(), labels).stream()
                .filter(s -> selects((Service) s.object(), labels) && !metricsOnly(s)).toList();
    }

    /** Services by namespace and the first pair of their selector (one without a selector selects no pod). */
    private Map<String, List<AuditObject>> servicesByLabel;
    /** Budgets by namespace and the first pair of their matchLabels; under "namespace\0" those with none. */
    private Map<String, List<AuditObject>> budgetsByLabel;

    /**
     * Selecting objects indexed so that a workload meets only those that may select it: each under its namespace
     * and the first key=value its selector requires; one that requires none (a budget of matchExpressions only, or
     * {@code {}}) under its namespace alone, unless {@code dropUnkeyed} (it then selects nothing).
     */
    private static Map<String, List<AuditObject>> byFirstLabel(List<AuditObject> selecting,
            Function<AuditObject, Map<String, String>> required, boolean keepUnkeyed) {
        Map<String, List<AuditObject>> m = new HashMap<>();
        for (AuditObject o : selecting) {
            Map<String, String> req = required.apply(o);
            if (req == null || req.isEmpty()) {
                if (keepUnkeyed) {
                    m.computeIfAbsent(o.namespace() + "\u0000", k -> new ArrayList<>()).add(o);
                }
                continue;
            }
            Map.Entry<String, String> first = req.entrySet().iterator().next();
            m.computeIfAbsent(o.namespace() + "\u0000" + first.getKey() + "=" + first.getValue(),
                    k -> new ArrayList<>()).add(o);
        }
        return m;
    }

    /** The indexed objects that may select pods with {@code labels} in {@code namespace}, in input order. */
    private List<AuditObject> candidates(Map<String, List<AuditObject>> index, String namespace,
            Map<String, String> labels) {
        List<AuditObject> out = new ArrayList<>(index.getOrDefault(namespace + "\u0000", List.of()));
        labels.forEach((k, v) -> out.addAll(index.getOrDefault(namespace + "\u0000" + k + "=" + v, List.of())));
        if (out.size() > 1) {
            Map<AuditObject, Integer> order = inputOrder();
            out.sort(Comparator.comparingInt(order::get));
        }
        return out;
    }

    /** Each object's place in the input, for results that keep input order. */
    private Map<AuditObject, Integer> inputOrder() {
        if (inputOrder == null) {
            inputOrder = new IdentityHashMap<>();
            for (int i = 0; i < objects.size(); i++) {
                inputOrder.put(objects.get(i), i);
            }
        }
        return inputOrder;
    }

    private Map<AuditObject, Integer> inputOrder;

    /** The annotation that states what a Service carries: {@code metrics} (scrapes only) or {@code requests}. */
    public static final String TRAFFIC_ANNOTATION = "zerodrop.io/traffic";

    /**
     * Whether a Service carries only metrics scrapes: it says so ({@code zerodrop.io/traffic: metrics}), or every
     * one of its ports is a metrics port ({@link #requestPorts}: named so, or scraped by a Prometheus-operator
     * ServiceMonitor of the input — kube-prometheus's exporters behind kube-rbac-proxy).
     * {@code zerodrop.io/traffic: requests} says otherwise whatever scrapes it.
     */
    public boolean metricsOnly(AuditObject service) {
        return metricsOnly.computeIfAbsent(service, this::scrapedOnly);
    }

    private final Map<AuditObject, Boolean> metricsOnly = new IdentityHashMap<>();

    /**
     * The ports of a Service that carry requests: all of them, less the metrics ports — one named {@code metrics},
     * {@code …-metrics} ({@code http-metrics}, {@code https-metrics}: the names exporters and kube-prometheus use),
     * {@code telemetry} or {@code …-telemetry} (kube-state-metrics' own metrics), or one a ServiceMonitor of the
     * input that selects the Service scrapes by name. All of them when the
     * Service is annotated {@code zerodrop.io/traffic: requests}.
     */
    public List<ServicePort> requestPorts(AuditObject service) {
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
                && selects(m.selector(), labels) && m.ports().contains(name));
    }

    private static Optional<String> stated(AuditObject service) {
        var annotations = service.object().getMetadata().getAnnotations();
        return Optional.ofNullable(annotations == null ? null : annotations.get(TRAFFIC_ANNOTATION)).map(String::trim);
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
                        && o.object().getApiVersion().startsWith("monitoring.coreos.com/") ? path(o, "spec") : null;
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
                        ? null : SERIALIZATION.convertValue(spec.get("selector"), LabelSelector.class), ports));
            }
            serviceMonitors = List.copyOf(out);
        }
        return serviceMonitors;
    }

    private List<Monitor> serviceMonitors;


    private static Map<String, List<AuditObject>> byNamespace(List<AuditObject> all) {
        Map<String, List<AuditObject>> m = new HashMap<>();
        for (AuditObject o : all) {
            m.computeIfAbsent(o.namespace(), k -> new ArrayList<>()).add(o);
        }
        return m;
    }

    public static boolean selects(Service s, Map<String, String> labels) {
        Map<String, String> sel = s.getSpec() == null ? null : s.getSpec().getSelector();
        return sel != null && !sel.isEmpty() && labels.entrySet().containsAll(sel.entrySet());
    }

    /** Budgets whose selector selects the workload's pods. */
    public List<AuditObject> budgetsOf(AuditObject w) {
        return budgetsOf.computeIfAbsent(w, this::selectingBudgets);
    }

    /** Each workload's budgets, found once (as its Services). */
    private final Map<AuditObject, List<AuditObject>> budgetsOf = new IdentityHashMap<>();

    private List<AuditObject> selectingBudgets(AuditObject w) {
        if (budgetsByLabel == null) {
            budgetsByLabel = byFirstLabel(budgets(), b -> {
                LabelSelector sel = ((PodDisruptionBudget) b.object()).getSpec().getSelector();
                return sel == null ? null : sel.getMatchLabels();
            }, true);
        }
        Map<String, String> labels = podLabels(w);
        return candidates(budgetsByLabel, w.namespace(), labels).stream().filter(b -> selects(
                ((PodDisruptionBudget) b.object()).getSpec().getSelector(), labels)).toList();
    }

    /**
     * policy/v1 selector semantics: matchLabels AND every matchExpression must hold; a null selector selects
     * nothing, an empty one ({@code {}}) every pod of the namespace.
     */
    public static boolean selects(LabelSelector sel, Map<String, String> labels) {
        if (sel == null) {
            return false;
        }
        boolean byLabels = sel.getMatchLabels() == null || labels.entrySet().containsAll(sel.getMatchLabels()
                .entrySet());
        boolean byExpressions = sel.getMatchExpressions() == null || sel.getMatchExpressions().stream().allMatch(e -> {
            List<String> values = e.getValues() == null ? List.of() : e.getValues();
            return switch (e.getOperator()) {
                case "In" -> labels.containsKey(e.getKey()) && values.contains(labels.get(e.getKey()));
                case "NotIn" -> !labels.containsKey(e.getKey()) || !values.contains(labels.get(e.getKey()));
                case "Exists" -> labels.containsKey(e.getKey());
                case "DoesNotExist" -> !labels.containsKey(e.getKey());
                default -> false;
            };
        });
        return byLabels && byExpressions;
    }

    /** A port (number or name) as a number on this container; empty when a name is not declared. */
    public static Optional<Integer> resolve(Container c, IntOrString port) {
        if (port == null) {
            return Optional.empty();
        }
        if (port.getIntVal() != null) {
            return Optional.of(port.getIntVal());
        }
        return ports(c).stream().filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst();
    }

    public static List<ContainerPort> ports(Container c) {
        return c.getPorts() == null ? List.of() : c.getPorts();
    }

    public static boolean declares(Container c, int port) {
        return ports(c).stream().anyMatch(p -> p.getContainerPort() != null && p.getContainerPort() == port);
    }

    /** An env var's literal value on the container, if set. */
    public static Optional<String> env(Container c, String name) {
        return c.getEnv() == null ? Optional.empty() : c.getEnv().stream().filter(e -> name.equals(e.getName())
                && e.getValue() != null).map(e -> e.getValue()).findFirst();
    }

    /** An annotation on the workload or its pod template. */
    public static Optional<String> annotation(AuditObject w, String key) {
        var m = w.object().getMetadata().getAnnotations();
        if (m != null && m.containsKey(key)) {
            return Optional.of(m.get(key));
        }
        var t = template(w).getMetadata();
        return t == null || t.getAnnotations() == null ? Optional.empty()
                : Optional.ofNullable(t.getAnnotations().get(key));
    }
}
