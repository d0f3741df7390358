package io.zerodrop.audit;

import static io.zerodrop.audit.AuditChecksTest.CONTAINER;
import static io.zerodrop.audit.AuditChecksTest.audit;
import static io.zerodrop.audit.AuditChecksTest.mutate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.zerodrop.core.ZerodropException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cases met auditing public applications' manifests (the corpus in docs/audit-corpus.md): an app that keeps
 * serving after SIGTERM on its own, and Services that carry more than requests.
 */
class RealAppsAuditTest {
    /** CoreDNS as its own deployment repository ships it: no preStop, {@code health { lameduck 5s }}. */
    static String coredns(String lameduck) {
        return String.join("\n",
                "apiVersion: v1",
                "kind: ConfigMap",
                "metadata: {name: coredns, namespace: kube-system}",
                "data:",
                "  Corefile: |",
                "    .:53 {",
                "        errors",
                "        health {",
                "          lameduck " + lameduck,
                "        }",
                "        ready",
                "        forward . /etc/resolv.conf",
                "    }",
                "---",
                "apiVersion: apps/v1",
                "kind: Deployment",
                "metadata: {name: coredns, namespace: kube-system}",
                "spec:",
                "  replicas: 2",
                "  selector: {matchLabels: {k8s-app: kube-dns}}",
                "  template:",
                "    metadata: {labels: {k8s-app: kube-dns}}",
                "    spec:",
                "      affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey:"
                        + " kubernetes.io/hostname, labelSelector: {matchLabels: {k8s-app: kube-dns}}}]}}",
                "      containers:",
                "      - name: coredns",
                "        image: registry.k8s.io/coredns/coredns:v1.11.3",
                "        args: [-conf, /etc/coredns/Corefile]",
                "        volumeMounts: [{name: config-volume, mountPath: /etc/coredns, readOnly: true}]",
                "        ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53,"
                        + " protocol: TCP}, {name: metrics, containerPort: 9153, protocol: TCP}]",
                "        readinessProbe: {httpGet: {path: /ready, port: 8181}}",
                "        livenessProbe: {httpGet: {path: /health, port: 8080}, periodSeconds: 10,"
                        + " failureThreshold: 5}",
                "      volumes: [{name: config-volume, configMap: {name: coredns, items: [{key: Corefile,"
                        + " path: Corefile}]}}]",
                "---",
                "apiVersion: v1",
                "kind: Service",
                "metadata: {name: kube-dns, namespace: kube-system}",
                "spec:",
                "  selector: {k8s-app: kube-dns}",
                "  ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP},"
                        + " {name: metrics, port: 9153, protocol: TCP}]",
                "---",
                "apiVersion: policy/v1",
                "kind: PodDisruptionBudget",
                "metadata: {name: coredns, namespace: kube-system}",
                "spec: {maxUnavailable: 1, unhealthyPodEvictionPolicy: AlwaysAllow, selector: {matchLabels:"
                        + " {k8s-app: kube-dns}}}",
                "");
    }

    static List<String> ids(List<AuditFinding> findings) {
        return findings.stream().map(AuditFinding::id).toList();
    }

    @Test
    void coreDnsLameduckKeepsItServingAsAPreStopWould() {
        assertThat(ids(audit(coredns("5s")))).as("lameduck 5s covers the 5 s propagation").doesNotContain("ZD202");
        assertThat(audit(coredns("2s"))).filteredOn(f -> f.id().equals("ZD202")).singleElement().satisfies(f ->
                assertThat(f.why()).startsWith("no preStop hook plus the app's own 2 s delay (CoreDNS health"
                        + " lameduck 2s in ConfigMap kube-system/coredns Corefile): SIGTERM arrives 2 s after"));
        assertThat(ids(audit(coredns("1m30s")))).doesNotContain("ZD202");
        // the Corefile is read only from a ConfigMap the container mounts, in its namespace
        assertThat(audit(coredns("5s").replace("configMap: {name: coredns,", "configMap: {name: other,")))
                .filteredOn(f -> f.id().equals("ZD202")).singleElement().satisfies(f ->
                        assertThat(f.why()).startsWith("no preStop hook: SIGTERM arrives 0 s after"));
        assertThat(ids(audit(coredns("5s").replace("metadata: {name: coredns, namespace: kube-system}\ndata",
                "metadata: {name: coredns, namespace: dns}\ndata")))).contains("ZD202");
        // a health block without lameduck stops at once
        assertThat(ids(audit(coredns("5s").replace("          lameduck 5s\n", "")))).contains("ZD202");
    }

    /** Readiness on CoreDNS's ready port against the DNS port: said once, not once per protocol or metrics port. */
    @Test
    void readinessIsComparedOnceWithTheRequestPortsNotTheMetricsPort() {
        assertThat(audit(coredns("5s"))).filteredOn(f -> f.id().equals("ZD204")).singleElement().satisfies(f ->
                assertThat(f.why()).isEqualTo("readiness is checked on port 8181 but Service kube-system/kube-dns"
                        + " sends requests to port 53: the pod can be Ready while that listener is not"));
        // readiness on one of two request ports (rabbitmq: amqp probed, management not): nothing to say
        String twoPorts = mutate("ports: [{name: http, containerPort: 8080}]",
                "ports: [{name: http, containerPort: 8080}, {name: admin, containerPort: 9000}]")
                .replace("ports: [{name: http, port: 80, targetPort: http}]",
                        "ports: [{name: http, port: 80, targetPort: http}, {name: admin, port: 9000}]");
        assertThat(ids(audit(twoPorts))).doesNotContain("ZD204");
        // a metrics port beside the request port is no request port
        String withMetrics = mutate("ports: [{name: http, containerPort: 8080}]",
                "ports: [{name: http, containerPort: 8080}, {name: http-metrics, containerPort: 9090}]")
                .replace("readinessProbe: {httpGet: {path: /ready, port: http}",
                        "readinessProbe: {httpGet: {path: /ready, port: 9090}")
                .replace("ports: [{name: http, port: 80, targetPort: http}]",
                        "ports: [{name: http, port: 80, targetPort: http}, {name: http-metrics, port: 9090}]");
        assertThat(audit(withMetrics)).filteredOn(f -> f.id().equals("ZD204")).singleElement().satisfies(f ->
                assertThat(f.why()).contains("on port 9090 but Service web sends requests to port 8080"));
        // stated: every port carries requests, and readiness on one of them is enough
        assertThat(ids(audit(withMetrics.replace("kind: Service\nmetadata: {name: web}", "kind: Service\nmetadata:"
                + " {name: web, annotations: {zerodrop.io/traffic: requests}}")))).doesNotContain("ZD204");
    }

    /** A Service whose every port is a metrics port is a scrape target: its pods owe it no readiness. */
    @Test
    void aServiceOfMetricsPortsAloneHoldsItsPodsToNoRequestCheck() {
        String scrapeOnly = mutate("ports: [{name: http, port: 80, targetPort: http}]",
                "ports: [{name: metrics, port: 9090, targetPort: http}]").replace(AuditChecksTest.READINESS, "");
        assertThat(ids(audit(scrapeOnly))).doesNotContain("ZD101", "ZD202");
        assertThat(ids(audit(scrapeOnly.replace("name: metrics, port: 9090", "name: web, port: 9090"))))
                .contains("ZD101");
    }

    /** podinfo waits 3 s after SIGTERM on its own (pkg/signals/shutdown.go), unless it logs at debug. */
    @Test
    void podinfoOwnWaitIsCountedAndNamed() {
        String podinfo = mutate(CONTAINER, "      - name: web\n        image: ghcr.io/stefanprodan/podinfo:6.7.0\n")
                .replace("        lifecycle: {preStop: {sleep: {seconds: 5}}}\n", "");
        assertThat(audit(podinfo)).filteredOn(f -> f.id().equals("ZD202")).singleElement().satisfies(f ->
                assertThat(f.why()).startsWith("no preStop hook plus the app's own 3 s delay (podinfo's own wait"
                        + " after SIGTERM): SIGTERM arrives 3 s after the deletion"));
        assertThat(ids(audit(podinfo, new AuditOptions(null, 3)))).doesNotContain("ZD202");
        String debug = podinfo.replace("podinfo:6.7.0\n", "podinfo:6.7.0\n        args: [--level=debug]\n");
        assertThat(audit(debug, new AuditOptions(null, 3))).filteredOn(f -> f.id().equals("ZD202")).singleElement()
                .satisfies(f -> assertThat(f.why()).startsWith("no preStop hook: SIGTERM arrives 0 s"));
    }

    /** Any app can state its own delay; the grace-period arithmetic counts it beside the default drain. */
    @Test
    void theShutdownDelayAnnotationStatesTheAppsOwnDelay() {
        String stated = mutate("        lifecycle: {preStop: {sleep: {seconds: 5}}}\n", "")
                .replace("metadata: {labels: {app: web, tier: backend}}", "metadata: {labels: {app: web, tier:"
                        + " backend}, annotations: {zerodrop.io/shutdown-delay: 6s}}")
                .replace("terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 10");
        List<AuditFinding> f = audit(stated);
        assertThat(ids(f)).doesNotContain("ZD202");
        assertThatThrownBy(() -> audit(stated.replace("shutdown-delay: 6s", "shutdown-delay: soon")))
                .isInstanceOf(ZerodropException.class).hasMessageContaining("Deployment web has"
                        + " spec.template.metadata.annotations[zerodrop.io/shutdown-delay] \"soon\": expected a whole"
                        + " number with ms, s, m or h");
        assertThat(f).filteredOn(x -> x.id().equals("ZD201")).singleElement().satisfies(x -> assertThat(x.why())
                .contains("terminationGracePeriodSeconds 10 < preStop 0 s + drain 11 s (annotation"
                        + " zerodrop.io/shutdown-delay 6 s + the default 5 s"));
    }

    /** Servers on Kubernetes' API server library keep serving for --shutdown-delay-duration (metrics-server). */
    @Test
    void theApiServerLibrarysShutdownDelayFlagIsTheAppsOwnDelay() {
        String bare = mutate("        lifecycle: {preStop: {sleep: {seconds: 5}}}\n", "");
        assertThat(ids(audit(bare))).contains("ZD202");
        assertThat(ids(audit(bare.replace(CONTAINER, CONTAINER + "        args: [--cert-dir=/tmp,"
                + " --shutdown-delay-duration=10s]\n")))).doesNotContain("ZD202");
        assertThat(audit(bare.replace(CONTAINER, CONTAINER + "        args: [--shutdown-delay-duration, 2s]\n")))
                .filteredOn(f -> f.id().equals("ZD202")).singleElement().satisfies(f -> assertThat(f.why())
                        .startsWith("no preStop hook plus the app's own 2 s delay (--shutdown-delay-duration=2s)"));
    }

    /** kube-state-metrics' headless Service: http-metrics and telemetry, both scraped, neither a request port. */
    @Test
    void kubeStateMetricsPortsAreMetricsPorts() {
        String exporter = mutate("ports: [{name: http, port: 80, targetPort: http}]",
                "clusterIP: None, ports: [{name: http-metrics, port: 8080, targetPort: http}, {name: telemetry,"
                        + " port: 8081, targetPort: http}]")
                .replace("        lifecycle: {preStop: {sleep: {seconds: 5}}}\n", "");
        assertThat(ids(audit(exporter))).doesNotContain("ZD202", "ZD101");
        assertThat(ids(audit(exporter.replace("name: telemetry,", "name: api,")))).contains("ZD202");
    }

    /** kubernetes/examples' guestbook directory holds the same app three ways: each audited, the repeat said. */
    @Test
    void anObjectDefinedTwiceIsAuditedTwiceAndSaidSo() {
        String unready = AuditChecksTest.GOOD.replace(AuditChecksTest.READINESS, "");
        List<AuditObject> objects = new ArrayList<>();
        AuditInput.parse(unready, "a.yaml", null, objects);
        AuditInput.parse(unready, "all-in-one/b.yaml", null, objects);
        assertThat(AuditInput.redefined(objects)).containsExactly(
                "Deployment web is defined 2 times (a.yaml:1, all-in-one/b.yaml:1): each definition is audited;"
                        + " applied together, the last would replace the others",
                "Service web is defined 2 times (a.yaml:20, all-in-one/b.yaml:20): each definition is audited;"
                        + " applied together, the last would replace the others",
                "PodDisruptionBudget web is defined 2 times (a.yaml:25, all-in-one/b.yaml:25): each definition is"
                        + " audited; applied together, the last would replace the others");
        List<AuditFinding> f = Auditor.audit(new AuditContext(objects, AuditOptions.defaults(), null));
        assertThat(f).filteredOn(x -> x.id().equals("ZD101")).hasSize(2).allSatisfy(x ->
                assertThat(x.why()).startsWith("Service(s) [web] send traffic"));
    }

    /**
     * kube-score's service-target-deployment-different-namespace: a Service alone in its namespace whose selector
     * matches pods of another namespace of the input. Nothing of its own namespace to compare with, but the likely
     * mistake is plain; a budget so placed says the same beside its error.
     */
    @Test
    void aSelectorThatMatchesOnlyPodsOfAnotherNamespaceSaysWhere() {
        String split = AuditChecksTest.GOOD.replace("kind: Deployment\nmetadata: {name: web}",
                "kind: Deployment\nmetadata: {name: web, namespace: foospace}")
                .replace("kind: Service\nmetadata: {name: web}", "kind: Service\nmetadata: {name: web, namespace:"
                        + " not-foospace}")
                .replace("kind: PodDisruptionBudget\nmetadata: {name: web}", "kind: PodDisruptionBudget\nmetadata:"
                        + " {name: web, namespace: not-foospace}");
        List<AuditFinding> f = audit(split);
        assertThat(f).filteredOn(x -> x.id().equals("ZD215")).singleElement().satisfies(x -> {
            assertThat(x.object()).isEqualTo("Service not-foospace/web");
            assertThat(x.inferred()).isTrue();
            assertThat(x.why()).isEqualTo("(inferred) selector {app=web} matches no workload in namespace not-foospace"
                    + " in this input, but the pods of Deployment foospace/web of another namespace: a Service selects"
                    + " only pods of its own namespace, so it has no endpoint there and every request through it fails");
        });
        assertThat(f).filteredOn(x -> x.id().equals("ZD207")).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.why()).endsWith("in namespace not-foospace, though it matches those of Deployment"
                    + " foospace/web of another namespace (a budget protects only pods of its own): it protects"
                    + " nothing");
            assertThat(x.fix()).isEqualTo("put the budget in the namespace of the pods it protects (foospace)");
        });
        // a Service alone in its namespace that matches nothing anywhere: nothing to compare with, nothing said
        assertThat(ids(audit(split.replace("spec: {selector: {app: web}, ports", "spec: {selector: {app: db}, ports"))))
                .doesNotContain("ZD215");
    }

    /**
     * kube-linter's pdb fixtures: budgets given without their workloads (a chart that keeps them in a file of their
     * own). What is wrong whatever the pods — maxUnavailable 0, minAvailable 100 % — is an error; whether the
     * selector finds its pods cannot be known here and is said as such, not as "protects nothing".
     */
    @Test
    void budgetsGivenWithoutTheirWorkloadsAreJudgedOnWhatTheyAlwaysMean() {
        String budgets = String.join("\n",
                "apiVersion: policy/v1",
                "kind: PodDisruptionBudget",
                "metadata: {name: zero, namespace: bar}",
                "spec: {maxUnavailable: 0, selector: {matchLabels: {app: a}}}",
                "---",
                "apiVersion: policy/v1",
                "kind: PodDisruptionBudget",
                "metadata: {name: all, namespace: bar}",
                "spec: {minAvailable: '100%', unhealthyPodEvictionPolicy: AlwaysAllow, selector: {matchLabels:"
                        + " {app: b}}}",
                "---",
                "apiVersion: policy/v1",
                "kind: PodDisruptionBudget",
                "metadata: {name: one, namespace: bar}",
                "spec: {maxUnavailable: 1, selector: {matchLabels: {app: c}}}",
                "");
        List<AuditFinding> f = audit(budgets);
        assertThat(f).filteredOn(x -> x.id().equals("ZD105")).extracting(AuditFinding::object, AuditFinding::why)
                .containsExactlyInAnyOrder(
                        tuple("PodDisruptionBudget bar/zero", "maxUnavailable 0 allows 0"
                                + " disruptions whatever the number of pods it selects: every eviction is refused,"
                                + " node drains hang until someone deletes pods by hand"),
                        tuple("PodDisruptionBudget bar/all", "minAvailable 100% allows 0"
                                + " disruptions whatever the number of pods it selects: every eviction is refused,"
                                + " node drains hang until someone deletes pods by hand"));
        assertThat(f).filteredOn(x -> x.id().equals("ZD207")).hasSize(3).allSatisfy(x -> {
            assertThat(x.severity()).isEqualTo(Severity.WARNING);
            assertThat(x.why()).startsWith("(inferred) no workload in namespace bar is in this input to check its"
                    + " selector against");
        });
        assertThat(f).filteredOn(x -> x.id().equals("ZD217")).extracting(AuditFinding::object)
                .containsExactlyInAnyOrder("PodDisruptionBudget bar/zero", "PodDisruptionBudget bar/one");
        // beside a workload of its namespace that it does not select, the budget protects nothing: an error
        assertThat(audit(budgets + "---\n" + AuditChecksTest.GOOD.substring(0, AuditChecksTest.GOOD.indexOf("---"))
                .replace("metadata: {name: web}", "metadata: {name: web, namespace: bar}")))
                .filteredOn(x -> x.id().equals("ZD207")).hasSize(3).allSatisfy(x ->
                        assertThat(x.severity()).isEqualTo(Severity.ERROR));
    }

    /**
     * kube-linter's no-anti-affinity fixture: an anti-affinity term whose namespaces list leaves out the pods' own
     * namespace counts none of them, however its labelSelector reads.
     */
    @Test
    void antiAffinityCountingOtherNamespacesSpreadsNothing() {
        String anti = mutate(AuditChecksTest.SPREAD, "      affinity: {podAntiAffinity:"
                + " {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname,"
                + " labelSelector: {matchLabels: {app: web}}, namespaces: [bar]}]}}\n")
                .replace("metadata: {name: web}", "metadata: {name: web, namespace: foo}");
        assertThat(audit(anti)).filteredOn(f -> f.id().equals("ZD108")).singleElement().satisfies(f -> {
            assertThat(f.why()).contains("in namespace foo; a term whose namespaces leave that out counts only pods"
                    + " of those");
            assertThat(f.fix()).startsWith("namespaces that include foo (or none), and a labelSelector");
        });
        assertThat(ids(audit(anti.replace("namespaces: [bar]", "namespaces: [bar, foo]")))).doesNotContain("ZD108");
        assertThat(ids(audit(anti.replace("namespaces: [bar]", "namespaces: [bar], namespaceSelector: {}"))))
                .doesNotContain("ZD108");
    }

    /** kube-linter's no-rolling-update-strategy fixture: a strategy type the API server refuses is refused here. */
    @Test
    void anUpdateStrategyTheApiServerRefusesIsAnInputError() {
        assertThatThrownBy(() -> audit(mutate("strategy: {type: RollingUpdate,", "strategy: {type: Other,")))
                .isInstanceOf(ZerodropException.class).hasMessageContaining("m.yaml:1: Deployment web has"
                        + " spec.strategy.type \"Other\": expected RollingUpdate or Recreate");
    }

    /**
     * Polaris' fixtures: a Deployment of apiVersion v1 and a budget with both minAvailable and maxUnavailable — the
     * API server refuses both; so does the audit, saying what it expected, instead of passing them over.
     */
    @Test
    void objectsTheApiServerRefusesAreRefusedWithWhatWasExpected() {
        assertThatThrownBy(() -> audit(AuditChecksTest.GOOD.replace("apiVersion: apps/v1\nkind: Deployment",
                "apiVersion: v1\nkind: Deployment"))).isInstanceOf(ZerodropException.class).hasMessageContaining(
                "m.yaml:1: Deployment web has apiVersion v1: expected apps/v1 (or an older apps/v1beta1,"
                        + " apps/v1beta2, extensions/v1beta1)");
        assertThatThrownBy(() -> audit(mutate("spec: {maxUnavailable: 1,", "spec: {maxUnavailable: 1, minAvailable:"
                + " '100%',"))).isInstanceOf(ZerodropException.class).hasMessageContaining("PodDisruptionBudget web"
                + " has both spec.minAvailable and spec.maxUnavailable: expected one of them");
        // a custom resource's kind of the same name is not Kubernetes' own
        String knative = AuditChecksTest.GOOD + "---\napiVersion: serving.knative.dev/v1\nkind: Service\n"
                + "metadata: {name: hello}\nspec: {template: {spec: {containers: [{image: hello:1}]}}}\n";
        assertThat(audit(knative)).isEmpty();
    }

    @Test
    void goDurationsAsCoreDnsWritesThem() {
        assertThat(OwnDelay.goSeconds("5s")).contains(5.0);
        assertThat(OwnDelay.goSeconds("1m30s")).contains(90.0);
        assertThat(OwnDelay.goSeconds("500ms")).contains(0.5);
        assertThat(OwnDelay.goSeconds("2.5s")).contains(2.5);
        assertThat(OwnDelay.goSeconds("5")).isEmpty();
        assertThat(OwnDelay.goSeconds("5s,")).isEmpty();
        assertThat(OwnDelay.goSeconds("soon")).isEmpty();
    }
}
