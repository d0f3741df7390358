package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zerodrop.audit.AuditChecksTest;
import io.zerodrop.audit.Auditor;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.runtime.kubernetes.ScriptedCluster;
import io.zerodrop.testsupport.ChildJvm;
import io.zerodrop.testsupport.HostTool;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code zerodrop audit} as a user runs it: on the overlays (naive fails with its problems named, hardened passes
 * with no warning, strict-pdb and shell-entrypoint fail on exactly their defects), in each output format (SARIF
 * validated against its schema), with ignores, on malformed input, from stdin, and live against a cluster.
 */
@Tag("slow")
class AuditCommandTest {
    static final Path OVERLAYS = Path.of(System.getProperty("user.dir")).resolveSibling("manifests/overlays");

    @TempDir
    Path dir;

    private static TreeSet<String> ids(JsonNode report, String severity) {
        TreeSet<String> out = new TreeSet<>();
        report.path("findings").forEach(f -> {
            if (f.path("severity").asText().equals(severity) && !f.has("ignoredBecause")) {
                out.add(f.path("id").asText());
            }
        });
        return out;
    }

    private JsonNode json(Cli r) throws Exception {
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void theOverlaysFailOnExactlyTheirDefectsAndHardenedPassesWithoutAWarning() throws Exception {
        HostTool.require("kubectl", "kubectl renders the overlays with its built-in kustomize");
        Cli naive = Cli.run("audit", OVERLAYS.resolve("naive").toString(), "--format", "json");
        assertThat(naive.exitCode()).as(naive.err()).isEqualTo(ExitCodes.VERDICT_FAILED);
        assertThat(ids(json(naive), "error")).containsExactly("ZD101", "ZD202");
        assertThat(ids(json(naive), "warning")).containsExactly("ZD104", "ZD108");

        Cli hardened = Cli.run("audit", OVERLAYS.resolve("hardened").toString(), "--format", "json");
        assertThat(hardened.exitCode()).as(hardened.out()).isEqualTo(ExitCodes.PASSED);
        assertThat(ids(json(hardened), "error")).isEmpty();
        assertThat(ids(json(hardened), "warning")).isEmpty();

        Cli strict = Cli.run("audit", OVERLAYS.resolve("strict-pdb").toString(), "--format", "json");
        assertThat(strict.exitCode()).isEqualTo(ExitCodes.VERDICT_FAILED);
        assertThat(ids(json(strict), "error")).containsExactly("ZD105");
        assertThat(ids(json(strict), "warning")).isEmpty();

        // built on the base, so it has the base's two problems; its own defect is the swallowed SIGTERM
        Cli shell = Cli.run("audit", OVERLAYS.resolve("shell-entrypoint").toString(), "--format", "json");
        assertThat(shell.exitCode()).isEqualTo(ExitCodes.VERDICT_FAILED);
        assertThat(ids(json(shell), "error")).containsExactly("ZD101", "ZD202", "ZD214");

        // a kustomize directory's findings point at the file each object came from (kustomize's origin
        // annotation), with the rendered line beside it; the annotation itself is not left on the objects
        JsonNode naiveJson = json(Cli.run("audit", OVERLAYS.resolve("naive").toString(), "--format", "json"));
        assertThat(naiveJson.path("findings")).filteredOn(f -> f.path("id").asText().equals("ZD101")).singleElement()
                .satisfies(f -> {
                    assertThat(Path.of(f.path("file").asText()).toAbsolutePath().normalize()).isEqualTo(OVERLAYS
                            .resolveSibling("base/deployment.yaml").toAbsolutePath().normalize());
                    assertThat(f.path("line").asInt()).isEqualTo(1);
                    assertThat(f.path("location").asText()).contains("base/deployment.yaml:1 (rendered by kubectl"
                            + " kustomize " + OVERLAYS.resolve("naive") + ", line ");
                });
        Cli table = Cli.run("audit", OVERLAYS.resolve("naive").toString());
        assertThat(table.out()).startsWith("zerodrop audit of " + OVERLAYS.resolve("naive") + ": 2 error(s), 2"
                + " warning(s), 0 suggestion(s) in 4 object(s): 1 workload(s), 2 Service(s), 0 PodDisruptionBudget(s)"
                + " — FAILED").contains("ERROR    ZD101  Deployment"
                + " target-app  spec.template.spec.containers[target-app].readinessProbe", "         fix: ",
                "(rendered by kubectl kustomize " + OVERLAYS.resolve("naive") + ", line ");
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void sarifValidatesAgainstTheSchemaAndPointsAtFileAndLine() throws Exception {
        Path m = file("web.yaml", AuditChecksTest.GOOD.replace("replicas: 3", "replicas: 1"));
        Path sarif = dir.resolve("out.sarif");
        Cli r = Cli.run("audit", m.toString(), "--format", "sarif", "--output", sarif.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.PASSED); // ZD107 and ZD210 are warnings here
        JsonNode doc = new ObjectMapper().readTree(sarif.toFile());
        try (InputStream in = getClass().getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
            var errors = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in).validate(doc);
            assertThat(errors).as("SARIF schema violations").isEmpty();
        }
        JsonNode results = doc.at("/runs/0/results");
        assertThat(StreamSupport.stream(results.spliterator(), false).map(x -> x.path("ruleId").asText()))
                .containsExactlyInAnyOrder("ZD107", "ZD210");
        JsonNode first = results.get(0);
        assertThat(first.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
                .as("outside the working directory: an absolute file URI").isEqualTo(m.toUri().toASCIIString());
        assertThat(first.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(1);
        assertThat(first.path("level").asText()).isEqualTo("warning");
        JsonNode rules = doc.at("/runs/0/tool/driver/rules");
        assertThat(rules.get(first.path("ruleIndex").asInt()).path("id").asText()).isEqualTo(first.path("ruleId")
                .asText());
        assertThat(r.err()).as("the summary still reaches the terminal").contains("2 warning(s)");
        for (JsonNode rule : rules) {
            assertThat(rule.at("/fullDescription/text").asText()).as(rule.path("id").asText()).isNotBlank();
            assertThat(rule.at("/help/text").asText()).startsWith(rule.path("id").asText() + " ");
            assertThat(rule.at("/help/markdown").asText()).contains("zerodrop.io/ignore");
            assertThat(rule.at("/defaultConfiguration/level").asText()).isIn("error", "warning", "note");
        }
        assertThat(StreamSupport.stream(rules.spliterator(), false).filter(x -> x.path("id").asText()
                .equals("ZD107")).findFirst().orElseThrow().at("/defaultConfiguration/level").asText())
                .isEqualTo("warning");

        // inside the working directory (a CI job audits its checkout): a relative URI, as code scanning expects
        Path inside = Files.createDirectories(Path.of("target", "sarif-uri test")).resolve("web.yaml");
        Files.writeString(inside, AuditChecksTest.GOOD.replace("replicas: 3", "replicas: 1"));
        JsonNode rel = new ObjectMapper().readTree(Cli.run("audit", inside.toString(), "--format", "sarif").out());
        assertThat(rel.at("/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri").asText())
                .isEqualTo("target/sarif-uri%20test/web.yaml");
    }

    /** Standard input is no file: its findings carry a stated logical location and no file URI. */
    @Test
    void sarifFromStandardInputHasNoFileUri() throws Exception {
        Process p = new ProcessBuilder(ChildJvm.command(List.of(), Zerodrop.class.getName(), "audit", "-",
                "--format", "sarif")).redirectError(dir.resolve("err").toFile()).start();
        try (var in = p.getOutputStream()) {
            in.write(AuditChecksTest.GOOD.replace("replicas: 3", "replicas: 1").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("err"))).isEqualTo(ExitCodes.PASSED);
        JsonNode doc = new ObjectMapper().readTree(out);
        try (InputStream in = getClass().getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
            assertThat(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in).validate(doc))
                    .isEmpty();
        }
        JsonNode loc = doc.at("/runs/0/results/0/locations/0");
        assertThat(loc.has("physicalLocation")).isFalse();
        assertThat(loc.path("logicalLocations").findValuesAsText("name")).containsExactly("<stdin>:1");
        assertThat(doc.at("/runs/0/results/0/message/text").asText()).endsWith("(read from standard input, the"
                + " document at line 1)");
    }

    @Test
    void junitHasACaseForEveryCheckFailedByItsErrors() throws Exception {
        Path m = file("web.yaml", AuditChecksTest.GOOD.replace("targetPort: http",
                "targetPort: web"));
        Cli r = Cli.run("audit", m.toString(), "--format", "junit");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.VERDICT_FAILED);
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(r.out().getBytes(StandardCharsets.UTF_8)));
        var suite = xml.getDocumentElement();
        assertThat(suite.getAttribute("tests")).isEqualTo(String.valueOf(Auditor.checks().size() + 1));
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        var failures = xml.getElementsByTagName("failure");
        assertThat(failures.getLength()).isEqualTo(1);
        assertThat(((Element) failures.item(0).getParentNode()).getAttribute("name"))
                .startsWith("ZD205 ");
    }

    @Test
    void anIgnoreNeedsAReasonAndIsShownWithIt() throws Exception {
        String single = AuditChecksTest.GOOD.replace("replicas: 3", "replicas: 1")
                .replace("metadata: {name: web}\nspec:\n  replicas", "metadata: {name: web, annotations:"
                        + " {zerodrop.io/ignore: 'ZD107: a batch worker, retried by its queue; ZD210: same'}}\nspec:\n"
                        + "  replicas");
        Cli ok = Cli.run("audit", file("a.yaml", single).toString(), "--format", "json");
        assertThat(ok.exitCode()).isEqualTo(ExitCodes.PASSED);
        JsonNode report = json(ok);
        assertThat(report.path("ignored").asInt()).isEqualTo(2);
        assertThat(report.path("findings").findValuesAsText("ignoredBecause")).contains(
                "a batch worker, retried by its queue", "same");
        assertThat(Cli.run("audit", dir.resolve("a.yaml").toString()).out()).contains("ignored  ZD107",
                "ignored: a batch worker, retried by its queue");

        Cli noReason = Cli.run("audit", file("b.yaml", single.replace("ZD107: a batch worker, retried by its queue;"
                + " ZD210: same", "ZD107")).toString(), "--format", "json");
        assertThat(noReason.exitCode()).isEqualTo(ExitCodes.VERDICT_FAILED);
        assertThat(json(noReason).path("findings")).anySatisfy(f -> {
            assertThat(f.path("id").asText()).isEqualTo("ZD001");
            assertThat(f.path("severity").asText()).isEqualTo("error");
            assertThat(f.path("why").asText()).isEqualTo("ignoring ZD107 needs a reason: \"ZD107\" gives none");
        });
        Cli unknown = Cli.run("audit", file("c.yaml", single.replace("ZD107: a batch", "ZD999: a batch")).toString());
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.VERDICT_FAILED);
        assertThat(unknown.out()).contains("\"ZD999: a batch worker, retried by its queue\" names no check");
    }

    @Test
    void malformedInputIsAnInputErrorNamingFileLineAndColumnAndNothingIsAudited() throws Exception {
        Path bad = file("bad.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n    labels: {a: b}\n");
        Cli r = Cli.run("audit", bad.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(bad + ":5:11: malformed YAML: ");
        assertThat(r.out()).isEmpty();

        Path wrongType = file("type.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n"
                + "  replicas: three\n");
        Cli t = Cli.run("audit", wrongType.toString());
        assertThat(t.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(t.err()).contains(wrongType + ":1: Deployment is not valid Kubernetes YAML: ", "replicas");

        Cli missing = Cli.run("audit", dir.resolve("nope.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("\"" + dir.resolve("nope.yaml") + "\" does not exist");
        assertThat(Cli.run("audit", bad.toString(), "--format", "xml").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    /** Objects the API server would refuse too: a located input error each (exit 2), never a crash (exit 4). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "apiVersion: apps/v1\\nkind: Deployment\\n|:1: Deployment has no metadata.name",
        "apiVersion: apps/v1\\nkind: Deployment\\nmetadata: {name: a}\\n|:1: Deployment a has no spec: expected spec.template",
        "apiVersion: apps/v1\\nkind: Deployment\\nmetadata: {name: a}\\nspec: {replicas: 2}\\n|:1: Deployment a has no spec.template.spec",
        "apiVersion: apps/v1\\nkind: Deployment\\nmetadata: {name: a}\\nspec: {template: {spec: {}}}\\n|:1: Deployment a has no containers in spec.template.spec.containers",
        "apiVersion: apps/v1\\nkind: StatefulSet\\nmetadata: {name: s}\\nspec: {template: {spec: {containers: [{image: x}]}}}\\n|:1: StatefulSet s has a container without a name",
        "apiVersion: v1\\nkind: Service\\nmetadata: {name: x}\\n---\\napiVersion: policy/v1\\nkind: PodDisruptionBudget\\nmetadata: {name: b}\\nspec: {maxUnavailable: 'abc%', selector: {matchLabels: {app: a}}}\\n|:1: Service x has no spec",
        "apiVersion: policy/v1\\nkind: PodDisruptionBudget\\nmetadata: {name: b}\\nspec: {maxUnavailable: 'abc%', selector: {matchLabels: {app: a}}}\\n|:1: PodDisruptionBudget b has spec.maxUnavailable \"abc%\": expected a whole number or a percentage",
        "apiVersion: apps/v1\\nkind: Deployment\\nmetadata: {name: a}\\nspec: {strategy: {rollingUpdate: {maxSurge: '150%'}}, template: {spec: {containers: [{name: c}]}}}\\n|:1: Deployment a has spec.strategy.rollingUpdate.maxSurge \"150%\"",
    })
    void anIncompleteObjectIsALocatedInputErrorNotACrash(String yaml, String message) throws Exception {
        Path f = file("incomplete.yaml", yaml.replace("\\n", "\n"));
        Cli r = Cli.run("audit", f.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(f + message).doesNotContain("internal error", "Exception");
        assertThat(r.out()).isEmpty();
    }

    /**
     * An input in which nothing is audited never passes; a directory walk passes over YAML that is no Kubernetes
     * object (CI workflows, Helm values) and kustomization files, and says so.
     */
    @Test
    void nothingAuditedIsAnInputErrorAndADirectoryWalkSaysWhatItPassedOver() throws Exception {
        Path empty = file("empty.yaml", "");
        Cli e = Cli.run("audit", empty.toString());
        assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(e.err()).contains("nothing to audit in " + empty + ": no Kubernetes object was read");
        Path emptyDir = Files.createDirectories(dir.resolve("nothing-here"));
        assertThat(Cli.run("audit", emptyDir.toString()).exitCode()).isEqualTo(ExitCodes.USAGE);

        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.createDirectories(repo.resolve(".github/workflows"));
        Files.writeString(repo.resolve(".github/workflows/ci.yaml"), "name: ci\non: [push]\njobs: {}\n");
        Files.writeString(repo.resolve("values.yaml"), "replicaCount: 2\nimage: {tag: v1}\n");
        Files.createDirectories(repo.resolve("deploy"));
        Files.writeString(repo.resolve("deploy/kustomization.yaml"), "resources: [svc.yaml]\n");
        Files.writeString(repo.resolve("deploy/svc.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
                + "spec: {selector: {app: web}, ports: [{port: 80}]}\n");
        Cli walk = Cli.run("audit", repo.toString(), "--format", "json");
        assertThat(walk.exitCode()).as(walk.err()).isIn(ExitCodes.PASSED, ExitCodes.VERDICT_FAILED);
        assertThat(walk.err()).contains("skipped " + repo.resolve(".github/workflows/ci.yaml")
                        + ":1: not a Kubernetes object", "skipped " + repo.resolve("values.yaml") + ":1",
                "skipped " + repo.resolve("deploy/kustomization.yaml") + ": a kustomization file");
        assertThat(new ObjectMapper().readTree(walk.out()).path("objects").asInt()).as("the Service only").isEqualTo(1);

        Path notK8s = file("values-only.yaml", "replicaCount: 2\n");
        Cli named = Cli.run("audit", notK8s.toString());
        assertThat(named.exitCode()).as("a file named on its own is not passed over").isEqualTo(ExitCodes.USAGE);
        assertThat(named.err()).contains(notK8s + ":1: not a Kubernetes object");
    }

    /**
     * What runs pods and is not audited is said in every format (table, JSON, SARIF notifications that the schema
     * accepts, JUnit output), and an input of only such objects audits nothing: exit 2, never a pass.
     */
    @Test
    void whatIsNotAuditedIsSaidInEveryFormatAndAnInputOfOnlySuchIsAnInputError() throws Exception {
        String job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec: {template: {spec:"
                + " {restartPolicy: Never, containers: [{name: m, image: x}]}}}\n";
        Path only = file("job.yaml", job + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
        Cli none = Cli.run("audit", only.toString());
        assertThat(none.exitCode()).as(none.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("nothing audited in " + only + ": read 1 ConfigMap, 1 Job, and no workload"
                + " (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Pod, Argo Rollout)",
                "Job migrate (" + only + ":1): runs its pods to completion");
        assertThat(none.out()).isEmpty();

        Path app = file("app.yaml", AuditChecksTest.GOOD.replace("apiVersion: policy/v1\n",
                "apiVersion: policy/v1beta1\n") + "---\n" + job);
        Cli table = Cli.run("audit", app.toString());
        assertThat(table.exitCode()).as(table.err()).isEqualTo(ExitCodes.PASSED);
        assertThat(table.out()).contains("; 1 object(s) running pods not audited — passed", "not audited  Job migrate",
                "read as     PodDisruptionBudget web", "at:  " + app + ":");
        JsonNode json = json(Cli.run("audit", app.toString(), "--format", "json"));
        assertThat(json.at("/notAudited/0/object").asText()).isEqualTo("Job migrate");
        assertThat(json.at("/notAudited/0/file").asText()).isEqualTo(app.toString());
        assertThat(json.at("/readAs/0/why").asText()).startsWith("policy/v1beta1 PodDisruptionBudget is no longer");
        assertThat(json.path("workloads").asInt()).isEqualTo(1);

        Cli sarif = Cli.run("audit", app.toString(), "--format", "sarif");
        JsonNode doc = new ObjectMapper().readTree(sarif.out());
        try (InputStream in = getClass().getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
            var errors = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in).validate(doc);
            assertThat(errors).as("SARIF schema violations").isEmpty();
        }
        assertThat(doc.at("/runs/0/invocations/0/executionSuccessful").asBoolean()).isTrue();
        assertThat(doc.at("/runs/0/invocations/0/toolExecutionNotifications").findValuesAsText("text"))
                .anySatisfy(t -> assertThat(t).startsWith("not audited: Job migrate"))
                .anySatisfy(t -> assertThat(t).startsWith("read as another version: PodDisruptionBudget web"));
        assertThat(Cli.run("audit", app.toString(), "--format", "junit").out())
                .contains("<system-out>not audited: Job migrate");
    }

    /** A file reached twice (named twice, or named and inside a named directory) is read once, and said so. */
    @Test
    void aFileGivenTwiceIsReadOnce() throws Exception {
        Path good = Files.createDirectories(dir.resolve("twice")).resolve("web.yaml");
        Files.writeString(good, AuditChecksTest.GOOD);
        Cli r = Cli.run("audit", good.toString(), good.getParent().toString(), good.getParent().resolve(".")
                .resolve("web.yaml").toString(), "--format", "json");
        assertThat(r.exitCode()).as("its budget is not 'several budgets over the same pods': " + r.out())
                .isEqualTo(ExitCodes.PASSED);
        assertThat(new ObjectMapper().readTree(r.out()).path("objects").asInt()).isEqualTo(3);
        assertThat(r.err()).contains(good.getParent().resolve("web.yaml") + ": already read (given more than once)");
    }

    /** helm template … | zerodrop audit - : a real pipe into a real process. */
    @Test
    void readsManifestsFromStandardInput() throws Exception {
        Process p = new ProcessBuilder(ChildJvm.command(List.of(), Zerodrop.class.getName(),
                "audit", "-", "--format", "json")).redirectError(dir.resolve("err").toFile()).start();
        try (var in = p.getOutputStream()) {
            in.write(AuditChecksTest.GOOD.replace("sleep: {seconds: 5}", "sleep: {seconds: 1}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("err"))).isEqualTo(ExitCodes.VERDICT_FAILED);
        JsonNode report = new ObjectMapper().readTree(out);
        assertThat(ids(report, "error")).containsExactly("ZD202");
        assertThat(report.at("/findings/0/location").asText()).isEqualTo("<stdin>:1");
    }

    @Test
    void liveAuditReadsTheNamespaceAsItIs() throws Exception {
        try (ScriptedCluster cluster = new ScriptedCluster(); KubernetesClient client = cluster.client()) {
            cluster.shop(client, Map.of(), 3, 3);
            client.policy().v1().podDisruptionBudget().inNamespace("shop").resource(new io.fabric8.kubernetes.api
                    .model.policy.v1.PodDisruptionBudgetBuilder().withNewMetadata().withName("old").endMetadata()
                    .withNewSpec().withNewMaxUnavailable(1).withNewSelector().withMatchLabels(Map.of("app", "web-v1"))
                    .endSelector().endSpec().build()).create();
            // as a cluster has them: the Deployment's pods owned by its ReplicaSet (audited through the Deployment),
            // a DaemonSet behind a Service, a Pod no controller owns, and an autoscaler that may scale web to 1
            var owner = new OwnerReferenceBuilder().withApiVersion("apps/v1")
                    .withKind("ReplicaSet").withName("web-5d9").withUid("u1").withController(true).build();
            for (var pod : client.pods().inNamespace("shop").list().getItems()) {
                pod.getMetadata().setOwnerReferences(List.of(owner));
                client.pods().inNamespace("shop").resource(pod).update();
            }
            client.apps().replicaSets().inNamespace("shop").resource(new io.fabric8.kubernetes.api.model.apps
                    .ReplicaSetBuilder().withNewMetadata().withName("web-5d9").addNewOwnerReference()
                    .withApiVersion("apps/v1").withKind("Deployment").withName("web").withUid("u0").withController(true)
                    .endOwnerReference().endMetadata().withNewSpec().withReplicas(3).withNewSelector()
                    .withMatchLabels(Map.of("app", "web")).endSelector().withNewTemplate().withNewMetadata()
                    .withLabels(Map.of("app", "web")).endMetadata().withNewSpec().addNewContainer().withName("web")
                    .withImage("shop/web:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
            client.apps().daemonSets().inNamespace("shop").resource(new io.fabric8.kubernetes.api.model.apps
                    .DaemonSetBuilder().withNewMetadata().withName("agent").endMetadata().withNewSpec()
                    .withNewSelector().withMatchLabels(Map.of("app", "agent")).endSelector().withNewTemplate()
                    .withNewMetadata().withLabels(Map.of("app", "agent")).endMetadata().withNewSpec().addNewContainer()
                    .withName("agent").withImage("shop/agent:1").endContainer().endSpec().endTemplate().endSpec()
                    .build()).create();
            cluster.service(client, "agent", "agent");
            client.pods().inNamespace("shop").resource(new PodBuilder()
                    .withNewMetadata().withName("debug").withLabels(Map.of("app", "debug")).endMetadata().withNewSpec()
                    .addNewContainer().withName("sh").withImage("busybox").endContainer().endSpec().build()).create();
            cluster.service(client, "debug", "debug");
            client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("shop").resource(new io.fabric8
                    .kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder().withNewMetadata()
                    .withName("web").endMetadata().withNewSpec().withMinReplicas(1).withMaxReplicas(5)
                    .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName("web")
                    .endScaleTargetRef().endSpec().build()).create();
            Path kubeconfig = cluster.kubeconfig(dir, "staging", "shop");
            cluster.calls.clear();
            Cli r = Cli.run("audit", "--runtime", "kubernetes", "--kubeconfig", kubeconfig.toString(), "--format",
                    "json");
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.VERDICT_FAILED);
            JsonNode report = json(r);
            assertThat(report.path("input").asText()).startsWith("namespace shop on ");
            // the shop's web has no probes and no preStop; its old budget selects no pod in the namespace
            assertThat(ids(report, "error")).containsExactly("ZD101", "ZD202", "ZD207");
            assertThat(report.path("findings")).anySatisfy(f -> {
                assertThat(f.path("id").asText()).isEqualTo("ZD207");
                assertThat(f.path("why").asText()).contains("matches no pod in the namespace");
                assertThat(f.path("location").asText()).isEqualTo("live: namespace shop, PodDisruptionBudget old");
            });
            assertThat(report.path("findings")).filteredOn(f -> f.path("id").asText().equals("ZD101"))
                    .extracting(f -> f.path("object").asText()).containsExactlyInAnyOrder("Deployment shop/web",
                            "DaemonSet shop/agent", "Pod shop/debug");
            assertThat(report.path("findings")).filteredOn(f -> f.path("id").asText().equals("ZD107"))
                    .extracting(f -> f.path("object").asText() + ": " + f.path("why").asText())
                    .containsExactlyInAnyOrder("Deployment shop/web: 1 replica (the minReplicas of"
                            + " HorizontalPodAutoscaler shop/web): every deletion, eviction or node drain leaves the"
                            + " Service without an endpoint", "Pod shop/debug: a Pod no controller owns: once it is"
                            + " deleted, evicted or its node drained, nothing recreates it, and its Service has no"
                            + " endpoint from then on");
            assertThat(report.path("findings")).as("owned pods and ReplicaSets are audited through their owner")
                    .noneSatisfy(f -> assertThat(f.path("object").asText()).matches("(Pod shop/web-.*|ReplicaSet .*)"));
            assertThat(cluster.mutations()).as("an audit changes nothing").isEmpty();

            Cli one = Cli.run("audit", "--runtime", "kubernetes", "--kubeconfig", kubeconfig.toString(),
                    "--workload", "deployment/nope");
            assertThat(one.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(one.err()).contains("--workload \"deployment/nope\": no such workload in namespace shop");
        }
    }
}
