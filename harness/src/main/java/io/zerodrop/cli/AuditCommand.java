package io.zerodrop.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zerodrop.audit.AuditCheck;
import io.zerodrop.audit.AuditContext;
import io.zerodrop.audit.AuditFinding;
import io.zerodrop.audit.AuditInput;
import io.zerodrop.audit.AuditObject;
import io.zerodrop.audit.AuditOptions;
import io.zerodrop.audit.AuditOutput;
import io.zerodrop.audit.AuditScope;
import io.zerodrop.audit.Auditor;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.engine.RunInfo;
import io.zerodrop.runtime.kubernetes.Cluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code zerodrop audit}: the shutdown, readiness and PodDisruptionBudget arithmetic checked before anything runs —
 * on files (static) or on a workload as it is in a cluster (live). Exit 1 when any error counts, 0 otherwise, 2 on
 * unreadable input, 3 when the cluster cannot be read.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Check manifests (files, kustomize directories, - for stdin) or a live workload for settings that"
                + " drop requests when pods go away: grace vs preStop vs drain, probes and ports, budgets, rollouts.")
final class AuditCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "YAML files, directories (read recursively),"
            + " kustomize directories, or - for standard input (helm template … | zerodrop audit -).")
    List<String> paths = new ArrayList<>();

    @Option(names = "--format", paramLabel = "table|json|sarif|junit", defaultValue = "table",
            description = "Output format. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the output to FILE (default: stdout).")
    Path output;

    @Option(names = "--drain", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the app takes to drain after SIGTERM, when neither the annotation"
                    + " zerodrop.io/expected-drain nor a known app setting says it. Default: 5s, stated in each finding"
                    + " that relies on it.")
    Duration drain;

    @Option(names = "--propagation", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "5s", description = "How long endpoint removal takes to reach every node's rules."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration propagation;

    @Option(names = "--runtime", paramLabel = "kubernetes", description = "kubernetes: audit the objects as they are"
            + " in the cluster (the namespace's Deployments, StatefulSets, DaemonSets and the ReplicaSets and Pods no"
            + " controller owns, or --workload, with the namespace's Services, budgets and autoscalers) instead of"
            + " files.")
    String runtime;

    @Option(names = "--workload", paramLabel = "KIND/NAME", description = "Live: only this workload"
            + " (deployment/<name>, statefulset/<name> or daemonset/<name>).")
    String workload;

    @Option(names = "--list", description = "List the checks and exit.")
    boolean list;

    @CommandLine.Mixin
    ClusterOptionsMixin cluster = new ClusterOptionsMixin();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            for (AuditCheck c : Auditor.checks()) {
                out.println(c.id() + "  " + c.title());
            }
            out.println(Auditor.IGNORE_CHECK + "  zerodrop.io/ignore annotation without a reason or naming no check");
            out.flush();
            return ExitCodes.PASSED;
        }
        if (!List.of("table", "json", "sarif", "junit").contains(format)) {
            throw ZerodropException.usage("--format \"" + format + "\" is invalid: expected table, json, sarif or junit");
        }
        AuditOptions options = new AuditOptions(drain == null ? null : drain.toMillis() / 1000.0,
                propagation.toMillis() / 1000.0);
        Input input = runtime != null ? fromCluster() : fromFiles();
        List<AuditObject> objects = input.objects();
        String what = input.what();
        AuditContext context = new AuditContext(objects, options, input.livePods());
        AuditScope scope = AuditScope.of(context);
        if (scope.auditedNothing()) {
            throw ZerodropException.usage("nothing audited in " + what + ": read " + scope.kindsRead() + ", and no"
                    + " workload (" + AuditScope.auditedKinds() + "), Service or PodDisruptionBudget among them"
                    + scope.notAudited().stream().map(e -> "; " + e).reduce("", String::concat) + ". An input that"
                    + " audits nothing never passes");
        }
        List<AuditFinding> findings = Auditor.audit(context);
        String text = switch (format) {
            case "json" -> AuditOutput.json(findings, scope, what);
            case "sarif" -> AuditOutput.sarif(findings, scope, RunInfo.version());
            case "junit" -> AuditOutput.junit(findings, scope, what);
            default -> AuditOutput.table(findings, scope, what);
        };
        if (output != null) {
            try {
                Files.writeString(output, text);
            } catch (IOException e) {
                throw ZerodropException.usage("--output " + output + " cannot be written: " + e.getMessage());
            }
            if (!format.equals("table")) {
                spec.commandLine().getErr().println(AuditOutput.table(findings, scope, what).lines()
                        .findFirst().orElse(""));
            }
        } else {
            out.print(text);
            out.flush();
        }
        return Auditor.failed(findings) ? ExitCodes.VERDICT_FAILED : ExitCodes.PASSED;
    }

    /** What is audited: the objects, the labels of the live pods (null for files), and how to name it. */
    private record Input(List<AuditObject> objects, List<Map<String, String>> livePods, String what) {
    }

    /** {@code --runtime kubernetes}: the namespace's objects and pods as the cluster has them. */
    private Input fromCluster() {
        if (!runtime.equals("kubernetes")) {
            throw ZerodropException.usage("--runtime \"" + runtime + "\" is invalid for audit: expected kubernetes"
                    + " (or no --runtime, to audit files)");
        }
        if (!paths.isEmpty()) {
            throw ZerodropException.usage("audit --runtime kubernetes reads the cluster: give no PATH");
        }
        Cluster c = Cluster.connect(cluster.options(), null);
        try {
            String what = "namespace " + c.namespace() + " on " + c.server() + (workload != null ? ", " + workload : "");
            List<Pod> pods = c.client().pods().inNamespace(c.namespace()).list().getItems();
            List<HasMetadata> found = read(c, pods);
            List<AuditObject> objects = AuditInput.live(found, "live: namespace " + c.namespace());
            return new Input(objects, pods.stream().map(p -> p.getMetadata().getLabels() == null
                    ? Map.<String, String>of() : p.getMetadata().getLabels()).toList(), what);
        } catch (KubernetesClientException e) {
            throw ZerodropException.environment("reading namespace " + c.namespace() + " on " + c.server()
                    + " failed: " + e.getCode() + " " + e.getMessage() + " (the Role in manifests/rbac grants what"
                    + " audit reads)");
        } finally {
            c.close();
        }
    }

    /** The files, directories or standard input given as PATH; what was passed over is said on stderr. */
    private Input fromFiles() {
        if (paths.isEmpty()) {
            throw ZerodropException.usage("audit needs PATH (files, directories, a kustomize directory, or - for"
                    + " stdin), or --runtime kubernetes");
        }
        String what = String.join(" ", paths);
        List<String> skipped = new ArrayList<>();
        List<AuditObject> objects = AuditInput.read(paths, System.in, skipped);
        skipped.forEach(line -> spec.commandLine().getErr().println("zerodrop audit: skipped " + line));
        AuditInput.redefined(objects).forEach(line -> spec.commandLine().getErr().println("zerodrop audit: note "
                + line));
        if (objects.isEmpty()) {
            throw ZerodropException.usage("nothing to audit in " + what + ": no Kubernetes object was read"
                    + (skipped.isEmpty() ? "" : " (" + skipped.size() + " file(s) or document(s) passed over)")
                    + ". An input that audits nothing never passes: an empty standard input after a failed"
                    + " `helm template`, an empty directory or a wrong path are errors (exit 2)");
        }
        return new Input(objects, null, what);
    }

    /**
     * The namespace's workloads (or the one named) with every Service, budget and autoscaler of the namespace. The
     * workloads: Deployments, StatefulSets, DaemonSets, and the ReplicaSets and Pods no controller owns (those a
     * controller owns are audited through it).
     */
    private List<HasMetadata> read(Cluster c, List<Pod> pods) {
        var client = c.client();
        String ns = c.namespace();
        List<HasMetadata> out = new ArrayList<>();
        if (workload != null) {
            String[] kn = workload.split("/", 2);
            HasMetadata w = kn.length != 2 ? null : switch (kn[0]) {
                case "deployment" -> client.apps().deployments().inNamespace(ns).withName(kn[1]).get();
                case "statefulset" -> client.apps().statefulSets().inNamespace(ns).withName(kn[1]).get();
                case "daemonset" -> client.apps().daemonSets().inNamespace(ns).withName(kn[1]).get();
                default -> null;
            };
            if (w == null) {
                throw ZerodropException.usage("--workload \"" + workload + "\": no such workload in namespace " + ns
                        + " (expected deployment/<name>, statefulset/<name> or daemonset/<name>)");
            }
            out.add(w);
        } else {
            out.addAll(client.apps().deployments().inNamespace(ns).list().getItems());
            out.addAll(client.apps().statefulSets().inNamespace(ns).list().getItems());
            out.addAll(client.apps().daemonSets().inNamespace(ns).list().getItems());
            client.apps().replicaSets().inNamespace(ns).list().getItems().stream().filter(AuditCommand::unowned)
                    .forEach(out::add);
            pods.stream().filter(AuditCommand::unowned).forEach(out::add);
        }
        out.addAll(client.services().inNamespace(ns).list().getItems());
        out.addAll(client.policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems());
        out.addAll(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).list().getItems());
        return out;
    }

    private static boolean unowned(HasMetadata o) {
        return o.getMetadata().getOwnerReferences() == null || o.getMetadata().getOwnerReferences().stream()
                .noneMatch(r -> Boolean.TRUE.equals(r.getController()));
    }
}
