package io.zerodrop.audit;

import static io.zerodrop.audit.AuditChecksTest.GOOD;
import static io.zerodrop.audit.AuditChecksTest.READINESS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every kind that runs pods is audited or named as not audited, with the reason: the well-set manifest's
 * Deployment rewritten as each other kind keeps (or, where a check does not apply, drops) its findings; old API
 * versions are read as the current ones; Jobs, Helm hooks and custom resources with a pod template are listed.
 */
class WorkloadKindsTest {
    /** GOOD's Deployment header and rollout strategy, to rewrite it as another kind. */
    private static final String HEAD = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}";
    private static final String STRATEGY = "  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1,"
            + " maxUnavailable: 0}}\n";

    private static String as(String apiVersion, String kind) {
        assertThat(GOOD).contains(HEAD, STRATEGY);
        return GOOD.replace(HEAD, "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {name: web}");
    }

    private static AuditContext context(String yaml) {
        List<AuditObject> objects = new ArrayList<>();
        AuditInput.parse(yaml, "m.yaml", null, objects);
        return new AuditContext(objects, AuditOptions.defaults(), null);
    }

    private static List<String> ids(String yaml) {
        return Auditor.audit(context(yaml)).stream().map(AuditFinding::id).toList();
    }

    /**
     * A new kind is one class (or, for an apps/v1 kind, one constant of AppsKind): registered, and named in the
     * README's audit section.
     */
    @Test
    void everyWorkloadKindIsRegisteredAndInTheReadme() throws Exception {
        Path dir = Path.of("src/main/java/io/zerodrop/audit");
        List<String> classes;
        try (Stream<Path> files = Files.list(dir)) {
            classes = files.filter(f -> {
                try {
                    return Files.readString(f).contains(" implements WorkloadKind {");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).map(f -> f.getFileName().toString().replace(".java", "")).sorted().toList();
        }
        assertThat(WorkloadKinds.ALL.stream().map(k -> k.getClass().getSimpleName()).distinct().sorted().toList())
                .isEqualTo(classes);
        assertThat(WorkloadKinds.ALL.stream().map(WorkloadKind::kind).distinct()).hasSize(WorkloadKinds.ALL.size())
                .contains("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet");
        String readme = Files.readString(Path.of("../README.md"));
        String section = readme.substring(readme.indexOf("**What is audited.**"));
        for (WorkloadKind k : WorkloadKinds.ALL) {
            assertThat(section).as(k.kind()).contains(k.kind());
        }
    }

    @Test
    void eachKindThatRunsPodsIsAuditedWhereTheChecksApply() {
        assertThat(ids(GOOD)).as("the well-set Deployment").isEmpty();
        assertThat(ids(as("apps/v1", "ReplicaSet").replace(STRATEGY, ""))).isEmpty();
        assertThat(ids(as("argoproj.io/v1alpha1", "Rollout").replace(STRATEGY, "  strategy: {canary: {steps:"
                + " [{setWeight: 50}]}}\n"))).as("a Rollout's budget selects its pods: no ZD207").isEmpty();
        // a defect shows on every kind: no readiness probe on pods a Service selects
        for (String[] kind : new String[][] {{"apps/v1", "Deployment"}, {"apps/v1", "StatefulSet"},
                {"apps/v1", "DaemonSet"}, {"apps/v1", "ReplicaSet"}, {"argoproj.io/v1alpha1", "Rollout"}}) {
            String yaml = as(kind[0], kind[1]).replace(READINESS, "");
            if (!kind[1].equals("Deployment")) {
                yaml = yaml.replace(STRATEGY, "");
            }
            assertThat(ids(yaml)).as(kind[1]).contains("ZD101");
        }
        // a DaemonSet has no count: the replica, budget-count and spread checks do not apply to it
        String daemons = as("apps/v1", "DaemonSet").replace(STRATEGY, "").replace("  replicas: 3\n", "")
                .replaceAll("      topologySpreadConstraints: .*\n", "");
        assertThat(ids(daemons)).isEmpty();
        assertThat(ids(daemons.replace("maxUnavailable: 1, selector", "maxUnavailable: 0, selector")))
                .as("a budget of 0 over a DaemonSet: drains pass DaemonSet pods over").doesNotContain("ZD105");

        String rc = GOOD.replace(HEAD, "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: web}")
                .replace(STRATEGY, "").replace("selector: {matchLabels: {app: web}}\n  template", "selector: {app:"
                + " web}\n  template").replace("  replicas: 3", "  replicas: 1");
        assertThat(ids(rc)).as("a ReplicationController's plain selector and count").contains("ZD107", "ZD210");
    }

    @Test
    void aBarePodIsAuditedAsOnePodThatNothingRecreates() {
        String pod = String.join("\n", "apiVersion: v1", "kind: Pod", "metadata: {name: one, labels: {app: web}}",
                "spec:", "  containers:", "  - name: web", "    image: shop/web:1",
                "    ports: [{name: http, containerPort: 8080}]", "---", "apiVersion: v1", "kind: Service",
                "metadata: {name: web}", "spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}", "");
        List<AuditFinding> f = Auditor.audit(context(pod));
        assertThat(f).extracting(AuditFinding::id).contains("ZD101", "ZD107");
        assertThat(f).filteredOn(x -> x.id().equals("ZD101")).singleElement().satisfies(x -> assertThat(x.field())
                .isEqualTo("spec.containers[web].readinessProbe"));
        assertThat(f).filteredOn(x -> x.id().equals("ZD107")).singleElement().satisfies(x -> assertThat(x.why())
                .contains("nothing recreates it"));
    }

    @Test
    void oldApiVersionsAreReadAsTheCurrentOnesAndSaidSo() {
        for (String v : List.of("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2")) {
            String yaml = as(v, "Deployment").replace(READINESS, "");
            assertThat(ids(yaml)).as(v).containsExactly("ZD101");
            AuditScope scope = AuditScope.of(context(yaml));
            assertThat(scope.readAs()).singleElement().satisfies(e -> {
                assertThat(e.object()).isEqualTo("Deployment web");
                assertThat(e.why()).startsWith(v + " Deployment is no longer served").contains("audited as apps/v1");
            });
        }
        assertThat(ids(as("apps/v1beta1", "StatefulSet").replace(STRATEGY, "").replace("replicas: 3",
                "replicas: 1"))).contains("ZD107", "ZD210");
    }

    /** policy/v1beta1: an empty selector selects no pod; policy/v1: every pod of the namespace. */
    @Test
    void anEmptyBudgetSelectorSelectsNothingInV1beta1AndEverythingInV1() {
        String v1 = GOOD.replace("selector: {matchLabels: {app: web}}}", "selector: {}}");
        assertThat(v1).contains("selector: {}}");
        assertThat(ids(v1)).as("policy/v1 {} selects every pod").isEmpty();
        String beta = v1.replace("apiVersion: policy/v1\n", "apiVersion: policy/v1beta1\n");
        List<AuditFinding> f = Auditor.audit(context(beta));
        assertThat(f).extracting(AuditFinding::id).containsExactlyInAnyOrder("ZD104", "ZD207");
        assertThat(f).filteredOn(x -> x.id().equals("ZD207")).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.why()).contains("in policy/v1beta1 an empty selector selects no pod");
        });
        assertThat(ids(GOOD.replace("apiVersion: policy/v1\n", "apiVersion: policy/v1beta1\n")))
                .as("a v1beta1 budget with a selector works as in v1").isEmpty();
    }

    @Test
    void whatRunsPodsAndIsNotAuditedIsListedWithTheReason() {
        String yaml = GOOD + String.join("\n", "---", "apiVersion: batch/v1", "kind: Job", "metadata: {name: migrate}",
                "spec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: x}]}}}", "---",
                "apiVersion: batch/v1", "kind: CronJob", "metadata: {name: nightly}", "spec: {schedule: '0 1 * * *',"
                + " jobTemplate: {spec: {template: {spec: {containers: [{name: n, image: x}]}}}}}", "---",
                "apiVersion: v1", "kind: Pod", "metadata: {name: web-test, annotations: {helm.sh/hook: test}}",
                "spec: {containers: [{name: t, image: busybox}]}", "---",
                "apiVersion: apps.kruise.io/v1alpha1", "kind: CloneSet", "metadata: {name: cache}",
                "spec: {replicas: 2, template: {metadata: {labels: {app: cache}}, spec: {containers: [{name: c,"
                + " image: x}]}}}", "---",
                "apiVersion: argoproj.io/v1alpha1", "kind: Rollout", "metadata: {name: canary}",
                "spec: {replicas: 2, workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web}}", "---",
                "apiVersion: v1", "kind: ConfigMap", "metadata: {name: settings}", "data: {a: b}", "");
        AuditContext c = context(yaml);
        assertThat(Auditor.audit(c)).as("the well-set app still passes").isEmpty();
        AuditScope scope = AuditScope.of(c);
        assertThat(scope.notAudited()).extracting(AuditScope.Entry::object).containsExactly("Job migrate",
                "CronJob nightly", "Pod web-test", "CloneSet cache", "Rollout canary");
        assertThat(scope.notAudited()).extracting(AuditScope.Entry::why).satisfiesExactly(
                j -> assertThat(j).contains("runs its pods to completion"),
                cj -> assertThat(cj).contains("runs its pods to completion"),
                hook -> assertThat(hook).contains("a Helm hook (helm.sh/hook: test)"),
                cr -> assertThat(cr).contains("a custom resource whose controller runs the pods"),
                ref -> assertThat(ref).contains("spec.workloadRef"));
        assertThat(scope.notAudited().get(0).location().line()).isGreaterThan(1);
        assertThat(scope.workloads()).isEqualTo(1);
        assertThat(scope.summary()).isEqualTo("9 object(s): 1 workload(s), 1 Service(s), 1 PodDisruptionBudget(s);"
                + " 5 object(s) running pods not audited");
    }

    /**
     * A Service that carries only metrics scrapes (kube-prometheus: every port of the exporter's Service scraped by
     * a ServiceMonitor) holds its pods to no request-serving check; the annotation zerodrop.io/traffic states it
     * either way.
     */
    @Test
    void aServiceOnlyScrapedForMetricsHoldsItsPodsToNoRequestServingCheck() {
        String exporter = String.join("\n", "apiVersion: apps/v1", "kind: DaemonSet",
                "metadata: {name: node-exporter, namespace: monitoring}", "spec:",
                "  selector: {matchLabels: {app: node-exporter}}", "  template:",
                "    metadata: {labels: {app: node-exporter}}", "    spec:", "      containers:",
                "      - {name: node-exporter, image: x, args: [--web.listen-address=127.0.0.1:9100]}",
                "      - {name: kube-rbac-proxy, image: y, ports: [{name: https, containerPort: 9100}]}", "---",
                "apiVersion: v1", "kind: Service", "metadata: {name: node-exporter, namespace: monitoring, labels:"
                + " {app: node-exporter}}", "spec: {clusterIP: None, selector: {app: node-exporter}, ports: [{name:"
                + " https, port: 9100, targetPort: https}]}", "");
        String monitor = String.join("\n", "---", "apiVersion: monitoring.coreos.com/v1", "kind: ServiceMonitor",
                "metadata: {name: node-exporter, namespace: monitoring}", "spec: {selector: {matchLabels: {app:"
                + " node-exporter}}, endpoints: [{port: https, interval: 15s}]}", "");
        assertThat(ids(exporter)).as("a Service alone: its pods serve requests").contains("ZD101", "ZD202");
        assertThat(ids(exporter + monitor)).as("every port scraped by a ServiceMonitor").doesNotContain("ZD101",
                "ZD202");
        assertThat(ids(exporter + monitor.replace("port: https", "port: web"))).as("a port it does not scrape")
                .contains("ZD101");
        String stated = exporter.replace("labels: {app: node-exporter}}\nspec: {clusterIP",
                "labels: {app: node-exporter}, annotations: {zerodrop.io/traffic: metrics}}\nspec: {clusterIP");
        assertThat(stated).contains("zerodrop.io/traffic: metrics");
        assertThat(ids(stated)).doesNotContain("ZD101", "ZD202");
        assertThat(ids(stated.replace("traffic: metrics", "traffic: requests") + monitor))
                .as("stated: requests, whatever scrapes it").contains("ZD101", "ZD202");
    }

    /**
     * A budget or Service for pods an operator creates (kube-prometheus: a budget for the Prometheus resource's
     * pods) is not "selects nothing" for certain: the input holds what makes those pods, which the audit does not
     * read. Without it, and without any workload of its namespace, the audit cannot tell and says so; beside a
     * workload of its namespace that it does not select, it protects nothing.
     */
    @Test
    void aBudgetForPodsAnOperatorCreatesIsAWarningNamingWhatMayCreateThem() {
        String budget = String.join("\n", "apiVersion: policy/v1", "kind: PodDisruptionBudget",
                "metadata: {name: prometheus-k8s, namespace: monitoring}", "spec: {minAvailable: 1, selector:"
                + " {matchLabels: {app.kubernetes.io/name: prometheus}}}", "");
        String operatorResource = String.join("\n", "---", "apiVersion: monitoring.coreos.com/v1", "kind: Prometheus",
                "metadata: {name: k8s, namespace: monitoring}", "spec: {replicas: 2}", "");
        String otherWorkload = String.join("\n", "---", "apiVersion: apps/v1", "kind: Deployment",
                "metadata: {name: grafana, namespace: monitoring}", "spec:", "  selector: {matchLabels: {app: grafana}}",
                "  template:", "    metadata: {labels: {app: grafana}}", "    spec: {containers: [{name: grafana,"
                + " image: grafana/grafana:11}]}", "");
        assertThat(zd207(budget)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.why()).startsWith("(inferred) no workload in namespace monitoring is in this input");
        });
        assertThat(zd207(budget + otherWorkload)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.why()).endsWith("matches no workload's pod template here: it protects nothing");
        });
        assertThat(zd207(budget + operatorResource + otherWorkload)).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("ZD207");
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.inferred()).isTrue();
            assertThat(f.why()).contains("Prometheus monitoring/k8s");
        });
        assertThat(zd207(budget + otherWorkload + operatorResource.replace("namespace: monitoring",
                "namespace: elsewhere"))).as("an operator resource of another namespace makes no pods here")
                .singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.ERROR));
    }

    private static List<AuditFinding> zd207(String yaml) {
        return Auditor.audit(context(yaml)).stream().filter(f -> f.id().equals("ZD207")).toList();
    }
}
