package io.zerodrop.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every check against a manifest that has its defect and the same manifest without it (a well-set Deployment,
 * Service and budget that passes with nothing above a suggestion), plus the cases other linters get wrong.
 */
public class AuditChecksTest {
    public static final String GOOD = String.join("\n",
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata: {name: web}",
            "spec:",
            "  replicas: 3",
            "  selector: {matchLabels: {app: web}}",
            "  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}",
            "  template:",
            "    metadata: {labels: {app: web, tier: backend}}",
            "    spec:",
            "      terminationGracePeriodSeconds: 30",
            "      topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname,"
                    + " whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]",
            "      containers:",
            "      - name: web",
            "        image: shop/web:1",
            "        ports: [{name: http, containerPort: 8080}]",
            "        lifecycle: {preStop: {sleep: {seconds: 5}}}",
            "        readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 2, failureThreshold: 2}",
            "        livenessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 10, failureThreshold: 3}",
            "---",
            "apiVersion: v1",
            "kind: Service",
            "metadata: {name: web}",
            "spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}",
            "---",
            "apiVersion: policy/v1",
            "kind: PodDisruptionBudget",
            "metadata: {name: web}",
            "spec: {maxUnavailable: 1, unhealthyPodEvictionPolicy: AlwaysAllow, selector: {matchLabels: {app: web}}}",
            "");
    static final String PDB = "spec: {maxUnavailable: 1, unhealthyPodEvictionPolicy: AlwaysAllow, selector:"
            + " {matchLabels: {app: web}}}";
    static final String READINESS = "        readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 2,"
            + " failureThreshold: 2}\n";
    static final String LIVENESS = "        livenessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 10,"
            + " failureThreshold: 3}\n";
    static final String SPREAD = GOOD.lines().filter(l -> l.contains("topologySpreadConstraints")).findFirst()
            .orElseThrow() + "\n";
    static final String CONTAINER = "      - name: web\n        image: shop/web:1\n";

    static List<AuditFinding> audit(String yaml) {
        return audit(yaml, AuditOptions.defaults());
    }

    static List<AuditFinding> audit(String yaml, AuditOptions options) {
        List<AuditObject> objects = new ArrayList<>();
        AuditInput.parse(yaml, "m.yaml", null, objects);
        return Auditor.audit(new AuditContext(objects, options, null));
    }

    static String mutate(String from, String to) {
        assertThat(GOOD).contains(from);
        return GOOD.replace(from, to);
    }

    /**
     * A Service or a budget reaches only pods of its own namespace: the well-set manifest with its Service and budget
     * moved to another namespace protects and fronts nothing (peers' fixtures: 15 of 28 wrong findings came from
     * matching across namespaces).
     */
    @Test
    void servicesAndBudgetsSelectOnlyPodsOfTheirOwnNamespace() {
        String split = GOOD.replace("kind: Deployment\nmetadata: {name: web}", "kind: Deployment\nmetadata: {name: web,"
                + " namespace: shop}").replace("kind: Service\nmetadata: {name: web}", "kind: Service\nmetadata: {name:"
                + " web, namespace: other}").replace("kind: PodDisruptionBudget\nmetadata: {name: web}",
                "kind: PodDisruptionBudget\nmetadata: {name: web, namespace: other}");
        assertThat(split).contains("namespace: shop", "name: web, namespace: other}\nspec: {selector",
                "namespace: other}\nspec: {maxUnavailable");
        List<AuditFinding> f = audit(split);
        assertThat(f).extracting(AuditFinding::id).contains("ZD104", "ZD207");
        assertThat(f).filteredOn(x -> x.id().equals("ZD207")).singleElement()
                .satisfies(x -> assertThat(x.object()).isEqualTo("PodDisruptionBudget other/web"));
        assertThat(f).filteredOn(x -> x.id().equals("ZD104")).singleElement()
                .satisfies(x -> assertThat(x.object()).isEqualTo("Deployment shop/web"));

        String together = split.replace("namespace: other", "namespace: shop");
        assertThat(audit(together)).as("the same three in one namespace").isEmpty();
        // a readiness probe is required only of pods a Service in their namespace selects
        String noReadiness = split.replace(READINESS, "");
        assertThat(audit(noReadiness)).extracting(AuditFinding::id).doesNotContain("ZD101");
        assertThat(audit(noReadiness.replace("namespace: other", "namespace: shop"))).extracting(AuditFinding::id)
                .contains("ZD101");
    }

    /**
     * Percentages as the controllers scale them. Disruption controller (getExpectedPodCount): a budget's
     * maxUnavailable and minAvailable percentages round up. Deployment controller (ResolveFenceposts): maxSurge rounds
     * up, maxUnavailable down, and when both come to 0 maxUnavailable becomes 1; only literal zeros for both are
     * refused by validation.
     */
    @Test
    void percentagesAreScaledAsTheControllersScaleThem() {
        String rollout = "rollingUpdate: {maxSurge: 1, maxUnavailable: 0}";
        assertThat(audit(mutate(PDB, PDB.replace("maxUnavailable: 1", "maxUnavailable: '10%'"))))
                .as("10% of 3 rounds up to 1: evictions go one by one").extracting(AuditFinding::id)
                .doesNotContain("ZD105");
        assertThat(audit(mutate(PDB, PDB.replace("maxUnavailable: 1", "minAvailable: '50%'"))))
                .as("50% of 3 rounds up to 2 kept: one may go").extracting(AuditFinding::id).doesNotContain("ZD105");
        assertThat(audit(mutate(PDB, PDB.replace("maxUnavailable: 1", "minAvailable: '70%'"))))
                .as("70% of 3 rounds up to 3 kept: none may go").extracting(AuditFinding::id).contains("ZD105");

        assertThat(audit(mutate(rollout, "rollingUpdate: {maxSurge: 0, maxUnavailable: '10%'}")))
                .as("10% of 3 rounds down to 0, and the controller makes it 1").extracting(AuditFinding::id)
                .doesNotContain("ZD209");
        assertThat(audit(mutate(rollout, "rollingUpdate: {maxSurge: 0, maxUnavailable: '10%'}")
                .replace("replicas: 3", "replicas: 1"))).as("...which for one replica is every pod")
                .filteredOn(f -> f.id().equals("ZD209")).singleElement()
                .satisfies(f -> assertThat(f.why()).contains("maxSurge 0 and maxUnavailable 1 (of 1 replicas"));
        assertThat(audit(mutate(rollout, "rollingUpdate: {maxSurge: '0%', maxUnavailable: 0}")))
                .filteredOn(f -> f.id().equals("ZD209")).singleElement()
                .satisfies(f -> assertThat(f.why()).contains("both 0: the API server refuses it"));
        assertThat(audit(mutate(rollout, "rollingUpdate: {maxSurge: 1, maxUnavailable: 3}")))
                .as("a surge does not save a rollout allowed to stop every old pod at once")
                .filteredOn(f -> f.id().equals("ZD209")).singleElement()
                .satisfies(f -> assertThat(f.why()).contains("maxSurge 1 and maxUnavailable 3 (of 3 replicas"));
    }

    @Test
    void theWellSetManifestHasNothingAboveASuggestion() {
        assertThat(audit(GOOD)).isEmpty();
    }

    static Stream<Arguments> defects() {
        return Stream.of(
                Arguments.of("ZD101", Severity.ERROR, mutate(READINESS, "")),
                Arguments.of("ZD102", Severity.ERROR, mutate("path: /ready, port: http", "path: /ready, port: admin")),
                Arguments.of("ZD102", Severity.WARNING, mutate("path: /ready, port: http", "path: /ready, port: 9090")),
                Arguments.of("ZD103", Severity.WARNING, mutate(LIVENESS, READINESS.replace("readinessProbe",
                        "livenessProbe"))),
                Arguments.of("ZD104", Severity.WARNING, GOOD.substring(0, GOOD.lastIndexOf("---"))),
                Arguments.of("ZD105", Severity.ERROR, mutate(PDB, PDB.replace("maxUnavailable: 1", "maxUnavailable: 0"))),
                Arguments.of("ZD105", Severity.ERROR, mutate(PDB, PDB.replace("maxUnavailable: 1",
                        "minAvailable: '100%'"))),
                Arguments.of("ZD105", Severity.ERROR, mutate(PDB, "spec: {selector: {matchLabels: {app: web}}}")),
                Arguments.of("ZD106", Severity.WARNING, mutate("{type: RollingUpdate, rollingUpdate: {maxSurge: 1,"
                        + " maxUnavailable: 0}}", "{type: Recreate}")),
                Arguments.of("ZD107", Severity.WARNING, mutate("replicas: 3", "replicas: 1")),
                Arguments.of("ZD108", Severity.WARNING, mutate(SPREAD, "")),
                Arguments.of("ZD201", Severity.ERROR, mutate("labels: {app: web, tier: backend}}",
                        "labels: {app: web, tier: backend}, annotations: {zerodrop.io/expected-drain: 30s}}")),
                Arguments.of("ZD201", Severity.WARNING, mutate("terminationGracePeriodSeconds: 30",
                        "terminationGracePeriodSeconds: 8")),
                Arguments.of("ZD202", Severity.ERROR, mutate("sleep: {seconds: 5}", "sleep: {seconds: 2}")),
                Arguments.of("ZD202", Severity.ERROR, mutate("        lifecycle: {preStop: {sleep: {seconds: 5}}}\n",
                        "")),
                Arguments.of("ZD203", Severity.WARNING, mutate("image: shop/web:1\n        ports: [{name: http,"
                        + " containerPort: 8080}]\n        lifecycle: {preStop: {sleep: {seconds: 5}}}",
                        "image: gcr.io/distroless/java17-debian12\n        ports: [{name: http, containerPort: 8080}]\n"
                        + "        lifecycle: {preStop: {exec: {command: [sleep, '5']}}}")),
                Arguments.of("ZD204", Severity.WARNING, mutate("ports: [{name: http, containerPort: 8080}]",
                        "ports: [{name: http, containerPort: 8080}, {name: admin, containerPort: 9090}]")
                        .replace("path: /ready, port: http", "path: /ready, port: admin")),
                Arguments.of("ZD205", Severity.ERROR, mutate("targetPort: http", "targetPort: web")),
                Arguments.of("ZD205", Severity.WARNING, mutate("targetPort: http", "targetPort: 9000")),
                Arguments.of("ZD206", Severity.WARNING, mutate("path: /healthz, port: http}, periodSeconds: 10,"
                        + " failureThreshold: 3", "path: /healthz, port: http}, periodSeconds: 1, failureThreshold: 1")),
                Arguments.of("ZD207", Severity.ERROR, mutate(PDB, PDB.replace("{app: web}", "{app: shop}"))),
                Arguments.of("ZD208", Severity.ERROR, GOOD + "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\n"
                        + "metadata: {name: web-2}\nspec: {minAvailable: 1, selector: {matchLabels: {tier: backend}}}\n"),
                Arguments.of("ZD209", Severity.ERROR, mutate("rollingUpdate: {maxSurge: 1, maxUnavailable: 0}",
                        "rollingUpdate: {maxSurge: 0, maxUnavailable: '100%'}")),
                Arguments.of("ZD210", Severity.ERROR, mutate("replicas: 3", "replicas: 1").replace(PDB,
                        PDB.replace("maxUnavailable: 1", "minAvailable: 1"))),
                Arguments.of("ZD211", Severity.ERROR, mutate(CONTAINER, CONTAINER + "        command: [sh, -c,"
                        + " 'cd /app; java -jar app.jar']\n")),
                Arguments.of("ZD211", Severity.WARNING, mutate(CONTAINER, CONTAINER + "        command: [/bin/sh, -c,"
                        + " 'java -jar /app/app.jar']\n")),
                Arguments.of("ZD212", Severity.WARNING, mutate("periodSeconds: 10, failureThreshold: 3}",
                        "periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 60}")),
                Arguments.of("ZD213", Severity.WARNING, mutate("spec: {selector: {app: web}, ports",
                        "spec: {type: LoadBalancer, externalTrafficPolicy: Local, selector: {app: web}, ports")),
                Arguments.of("ZD214", Severity.ERROR, mutate(CONTAINER, CONTAINER
                        + "        env: [{name: SHUTDOWN_MODE, value: ignore}]\n")),
                Arguments.of("ZD215", Severity.WARNING, mutate("spec: {selector: {app: web}, ports",
                        "spec: {selector: {app: shop}, ports")),
                Arguments.of("ZD216", Severity.ERROR, mutate("ports: [{name: http, containerPort: 8080}]",
                        "ports: [{name: http, containerPort: 8080}, {name: stats, containerPort: 8125, protocol: UDP}]")
                        .replace("path: /ready, port: http", "path: /ready, port: stats")),
                Arguments.of("ZD216", Severity.ERROR, mutate("ports: [{name: http, containerPort: 8080}]",
                        "ports: [{name: http, containerPort: 8080}, {containerPort: 8125, protocol: UDP}]")
                        .replace(LIVENESS, "        livenessProbe: {tcpSocket: {port: 8125}, periodSeconds: 10,"
                        + " failureThreshold: 3}\n")),
                Arguments.of("ZD217", Severity.INFO, mutate(PDB, PDB.replace(" unhealthyPodEvictionPolicy: AlwaysAllow,",
                        ""))),
                Arguments.of("ZD217", Severity.INFO, mutate(PDB, PDB.replace("AlwaysAllow", "IfHealthyBudget"))),
                Arguments.of("ZD108", Severity.WARNING, mutate("labelSelector: {matchLabels: {app: web}}",
                        "labelSelector: {matchLabels: {app: api}}")),
                Arguments.of("ZD108", Severity.WARNING, mutate("labelSelector: {matchLabels: {app: web}}",
                        "matchLabelKeys: [pod-template-hash]")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("defects")
    void eachCheckFindsItsDefectAndOnlyWhereItIs(String id, Severity severity, String yaml) {
        List<AuditFinding> found = audit(yaml);
        assertThat(found).as(id + " in " + found).anySatisfy(f -> {
            assertThat(f.id()).isEqualTo(id);
            assertThat(f.severity()).isEqualTo(severity);
            assertThat(f.why()).isNotBlank();
            assertThat(f.fix()).isNotBlank();
            assertThat(f.location().file()).isEqualTo("m.yaml");
            assertThat(f.location().line()).isIn(1, 21, 26, 31);
            assertThat(f.inferred()).isEqualTo(f.why().startsWith("(inferred) "));
        });
        assertThat(audit(GOOD)).noneMatch(f -> f.id().equals(id));
    }

    @Test
    void everyCheckHasAFailingCase() {
        assertThat(defects().map(a -> (String) a.get()[0]).distinct().sorted().toList())
                .isEqualTo(Auditor.checks().stream().map(AuditCheck::id).toList());
    }

    /**
     * A single-replica worker that no Service selects (a queue consumer, a load generator) drops no request when it
     * is down: ZD107 is about a Service left without an endpoint (bank-of-anthos's loadgenerator, the voting app's
     * worker).
     */
    @Test
    void aSingleReplicaNoServiceSelectsIsNoZd107() {
        String single = mutate("replicas: 3", "replicas: 1");
        assertThat(audit(single)).extracting(AuditFinding::id).contains("ZD107");
        String worker = single.substring(0, single.indexOf("---\napiVersion: v1\nkind: Service"));
        assertThat(audit(worker)).extracting(AuditFinding::id).doesNotContain("ZD107");
    }

    /** kube-score#339: the same endpoint with different timings is the recommended setup, not "identical". */
    @Test
    void livenessOnTheReadinessEndpointWithOtherTimingsIsNotIdentical() {
        String sameHandler = mutate(LIVENESS, "        livenessProbe: {httpGet: {path: /ready, port: http},"
                + " periodSeconds: 10, failureThreshold: 3}\n");
        assertThat(audit(sameHandler)).noneMatch(f -> f.id().equals("ZD103"));
    }

    /** polaris#999: matchLabels and matchExpressions must both hold; one that holds alone selects nothing. */
    @Test
    void aBudgetSelectsOnlyWhenMatchLabelsAndEveryMatchExpressionHold() {
        String notSelecting = mutate(PDB, "spec: {maxUnavailable: 1, unhealthyPodEvictionPolicy: AlwaysAllow,"
                + " selector: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [db]}]}}");
        assertThat(audit(notSelecting)).extracting(AuditFinding::id).contains("ZD104", "ZD207");
        String selecting = mutate(PDB, "spec: {maxUnavailable: 1, unhealthyPodEvictionPolicy: AlwaysAllow,"
                + " selector: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values:"
                + " [backend]}]}}");
        assertThat(audit(selecting)).isEmpty();
    }

    /** kube-score#613: anti-affinity spreads replicas as well as topology spread constraints do. */
    @Test
    void podAntiAffinityCountsAsSpreading() {
        String anti = mutate(SPREAD, "      affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution:"
                + " [{weight: 100, podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels:"
                + " {app: web}}}}]}}\n");
        assertThat(audit(anti)).isEmpty();
    }

    @Test
    void readinessIsRequiredOnlyWhereAServiceSelectsThePods() {
        String noService = mutate(READINESS, "").replace("spec: {selector: {app: web}, ports",
                "spec: {selector: {app: other}, ports");
        assertThat(audit(noService)).noneMatch(f -> f.id().equals("ZD101") || f.id().equals("ZD202"));
    }

    /** -c in an option cluster or after other options, a script file as the operand, and a trap that forwards. */
    @Test
    void aShellIsPid1HoweverItIsToldToRunItsScript() {
        for (String command : List.of("[sh, -ec, 'cd /app; java -jar app.jar']", "[bash, -e, -c, 'cd /app; java"
                + " -jar app.jar']", "[/bin/bash, -o, pipefail, -euc, 'cd /app; java -jar app.jar']")) {
            assertThat(audit(mutate(CONTAINER, CONTAINER + "        command: " + command + "\n"))).as(command)
                    .filteredOn(f -> f.id().equals("ZD211")).singleElement().satisfies(f ->
                            assertThat(f.severity()).isEqualTo(Severity.ERROR));
        }
        assertThat(audit(mutate(CONTAINER, CONTAINER + "        command: [sh, /docker-entrypoint.sh]\n")))
                .filteredOn(f -> f.id().equals("ZD211")).singleElement().satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.WARNING);
                    assertThat(f.inferred()).isTrue();
                    assertThat(f.why()).contains("runs sh /docker-entrypoint.sh: the shell is PID 1");
                });
        assertThat(audit(mutate(CONTAINER, CONTAINER + "        command: [sh, -c, 'trap \"kill -TERM $child\" TERM;"
                + " java -jar app.jar & child=$!; wait $child']\n"))).as("a trap that passes SIGTERM on")
                .noneMatch(f -> f.id().equals("ZD211"));
    }

    @Test
    void aScriptThatExecsTheAppKeepsNoShellAsPid1() {
        assertThat(audit(mutate(CONTAINER, CONTAINER + "        command: [sh, -c, 'exec java -jar app.jar']\n")))
                .noneMatch(f -> f.id().equals("ZD211"));
        assertThat(audit(mutate(CONTAINER, CONTAINER + "        command: [sh, -c, 'cd /app && exec java -jar"
                + " app.jar']\n"))).noneMatch(f -> f.id().equals("ZD211"));
    }

    static String hpa(int minReplicas, String apiVersion) {
        return "---\napiVersion: " + apiVersion + "\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
                + "spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: "
                + minReplicas + ", maxReplicas: 10}\n";
    }

    /** A workload an autoscaler scales counts on its minReplicas: an omitted replicas is not 1 there. */
    @Test
    void aWorkloadAnAutoscalerScalesHasItsMinReplicasAsItsFloor() {
        String scaled = GOOD.replace("  replicas: 3\n", "") + hpa(3, "autoscaling/v2");
        assertThat(audit(GOOD.replace("  replicas: 3\n", ""))).as("no autoscaler: 1 replica").extracting(
                AuditFinding::id).contains("ZD107");
        assertThat(audit(scaled)).as("minReplicas 3").extracting(AuditFinding::id).doesNotContain("ZD107", "ZD210");
        // a budget that lets no pod go once the autoscaler has scaled down to its floor
        String tight = mutate(PDB, PDB.replace("maxUnavailable: 1", "minAvailable: 2")) + hpa(2, "autoscaling/v1");
        assertThat(audit(tight)).filteredOn(f -> f.id().equals("ZD105")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.why()).contains("with 2 replicas of Deployment web (the minReplicas of"
                    + " HorizontalPodAutoscaler web) allows 0 disruptions");
        });
        assertThat(audit(mutate(PDB, PDB.replace("maxUnavailable: 1", "minAvailable: 2")))).as("3 replicas, no"
                + " autoscaler: one may go").extracting(AuditFinding::id).doesNotContain("ZD105");
    }

    /** A sidecar listed first is not the app: the container serving the Service's targetPort is the one checked. */
    @Test
    void theContainerServingTheServicesTargetPortIsCheckedNotTheFirstListed() {
        String sidecarFirst = mutate(CONTAINER, "      - name: log-shipper\n        image: fluent/fluent-bit:3\n"
                + "        ports: [{name: metrics, containerPort: 2020}]\n" + CONTAINER);
        assertThat(audit(sidecarFirst)).as("the web container is checked, and it is sound").isEmpty();
        // the same pod whose serving container lacks readiness: found on that container
        String unready = sidecarFirst.replace(READINESS, "");
        assertThat(audit(unready)).filteredOn(f -> f.id().equals("ZD101")).singleElement().satisfies(f ->
                assertThat(f.field()).contains("containers[web]"));
    }

    /** A preStop at least as long as the grace period is an error whatever the app's drain: it is SIGKILLed at once. */
    @Test
    void aGracePeriodNoLongerThanThePreStopIsAnErrorWhateverTheDrain() {
        List<AuditFinding> f = audit(mutate("terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 10")
                .replace("sleep: {seconds: 5}", "sleep: {seconds: 60}"));
        assertThat(f).filteredOn(x -> x.id().equals("ZD201")).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.inferred()).isFalse();
            assertThat(x.why()).contains("terminationGracePeriodSeconds 10 < preStop 60 s");
        });
        // a preStop well inside the grace period, with only the default drain to go by, stays a warning
        assertThat(audit(mutate("terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 8")))
                .filteredOn(x -> x.id().equals("ZD201")).singleElement().satisfies(x ->
                        assertThat(x.severity()).isEqualTo(Severity.WARNING));
    }

    /** The drain comes from --drain, the annotation, a known app's settings, or the stated default — in that order. */
    @Test
    void theExpectedDrainIsTakenFromTheMostSpecificSource() {
        String tight = mutate("terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 12");
        assertThat(audit(tight)).isEmpty(); // 5 s preStop + 5 s default drain fits in 12 s
        assertThat(audit(tight, new AuditOptions(10.0, 5))).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("ZD201");
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.why()).contains("terminationGracePeriodSeconds 12 < preStop 5 s + drain 10 s (--drain)");
            assertThat(f.fix()).isEqualTo("terminationGracePeriodSeconds: 20 (preStop + drain + 5 s margin)");
        });
        String targetApp = mutate(CONTAINER, CONTAINER + "        env: [{name: SHUTDOWN_MODE, value: graceful},"
                + " {name: SHUTDOWN_DELAY_MS, value: '1000'}, {name: DRAIN_TIMEOUT_MS, value: '10000'}]\n")
                .replace("terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 15");
        assertThat(audit(targetApp)).singleElement().satisfies(f -> assertThat(f.why()).contains(
                "preStop 5 s + drain 11 s (target-app SHUTDOWN_DELAY_MS 1 s + DRAIN_TIMEOUT_MS 10 s)"));
    }
}
