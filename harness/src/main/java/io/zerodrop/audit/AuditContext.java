package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
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
    /** Which Services and ports carry only metrics scrapes. */
    private final MetricsPorts metrics;
    private final Autoscalers autoscalers;
    private final AuditOptions options;
    private final List<Map<String, String>> livePodLabels;

    public AuditContext(List<AuditObject> objects, AuditOptions options, List<Map<String, String>> livePodLabels) {
        this.objects = List.copyOf(objects);
        this.metrics = new MetricsPorts(this.objects);
        this.autoscalers = new Autoscalers(this.objects);
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

    /**
     * The replicas the checks count on: a workload a HorizontalPodAutoscaler scales can be scaled down to the
     * autoscaler's {@code minReplicas} (1 when omitted) whatever its own {@code replicas} says (an omitted
     * {@code replicas} is then not 1); otherwise its {@code replicas}.
     */
    public int replicas(AuditObject w) {
        Optional<AuditObject> hpa = autoscalerOf(w);
        Integer own = w.workload().replicas();
        return hpa.isPresent() ? Autoscalers.minReplicas(hpa.get()) : own == null ? 1 : own;
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
        return autoscalers.of(w);
    }

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
                    boolean serves = target.getStrVal() != null ? Containers.resolve(c, target).isPresent()
                            : target.getIntVal() != null && Containers.declares(c, target.getIntVal());
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
                .filter(s -> Selectors.selects((Service) s.object(), labels) && !metricsOnly(s)).toList();
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
        return metrics.metricsOnly(service);
    }

    /**
     * The ports of a Service that carry requests: all of them, less the metrics ports — one named {@code metrics},
     * {@code …-metrics} ({@code http-metrics}, {@code https-metrics}: the names exporters and kube-prometheus use),
     * {@code telemetry} or {@code …-telemetry} (kube-state-metrics' own metrics), or one a ServiceMonitor of the
     * input that selects the Service scrapes by name. All of them when the
     * Service is annotated {@code zerodrop.io/traffic: requests}.
     */
    public List<ServicePort> requestPorts(AuditObject service) {
        return metrics.requestPorts(service);
    }

    private static Map<String, List<AuditObject>> byNamespace(List<AuditObject> all) {
        Map<String, List<AuditObject>> m = new HashMap<>();
        for (AuditObject o : all) {
            m.computeIfAbsent(o.namespace(), k -> new ArrayList<>()).add(o);
        }
        return m;
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
        return candidates(budgetsByLabel, w.namespace(), labels).stream().filter(b -> Selectors.selects(
                ((PodDisruptionBudget) b.object()).getSpec().getSelector(), labels)).toList();
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
