package io.zerodrop.audit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each check looks at and how severe its findings are, in the words of the README's check table (a test keeps
 * the two equal): SARIF's rule descriptions and help, and {@code zerodrop audit --list}.
 */
public final class CheckHelp {
    /** {@code severity} as the table says it ("error / warning"); {@code text} in Markdown (backticks for code). */
    public record Help(String severity, String text) {
        /** The text without Markdown's code marks, for plain-text readers. */
        public String plain() {
            return text.replace("`", "");
        }
    }

    private static final Map<String, Help> HELP = help();

    private CheckHelp() {
    }

    /** The check's help; null for an id that is no check. */
    public static Help of(String id) {
        return HELP.get(id);
    }

    /** Every check's help, in id order. */
    public static Map<String, Help> all() {
        return HELP;
    }

    /** Size: a table, one line of help per check (26), in id order. */
    private static Map<String, Help> help() {
        Map<String, Help> m = new LinkedHashMap<>();
        m.put("ZD001", new Help("error", "a `zerodrop.io/ignore` annotation must name a check and give a reason:"
                + " `\"ZD107: a batch worker, retried by its queue\"`; one without a reason, or naming no check, is"
                + " itself an error"));
        m.put("ZD101", new Help("error", "a readiness probe, on pods a Service selects (only then)"));
        m.put("ZD102", new Help("error / warning", "probes on a port the container declares (a named port that does"
                + " not resolve: error; an undeclared number: warning)"));
        m.put("ZD103", new Help("warning", "liveness and readiness identical — only when the handler *and* every"
                + " timing are the same"));
        m.put("ZD104", new Help("warning", "a PodDisruptionBudget for replicas ≥ 2"));
        m.put("ZD105", new Help("error", "a budget that allows no disruption (maxUnavailable 0, minAvailable ≥"
                + " replicas; percentages rounded up, for both, as the disruption controller does; or neither"
                + " field set — the controller then expects no pod and allows 0 disruptions, every eviction"
                + " refused); a budget given without any workload of its namespace only for what refuses every"
                + " eviction whatever the pods (maxUnavailable 0 or 0%, minAvailable 100%)"));
        m.put("ZD106", new Help("warning", "Recreate (Deployment) or OnDelete (StatefulSet) update strategy"));
        m.put("ZD107", new Help("warning", "a single replica of pods a Service selects (a worker no Service selects"
                + " drops no request)"));
        m.put("ZD108", new Help("warning", "replicas spread over nodes: topologySpreadConstraints or podAntiAffinity"
                + " (either counts, when its labelSelector — with the pod's own values of matchLabelKeys — selects"
                + " the workload's own pods, and an anti-affinity term's `namespaces`, if it lists any without a"
                + " namespaceSelector, include theirs; one that selects none of them spreads nothing)"));
        m.put("ZD201", new Help("error (warning on the default drain, unless the preStop alone is at least the grace"
                + " period)", "terminationGracePeriodSeconds"
                + " ≥ preStop + drain: the grace counts the preStop; the one 2 s extension is only for a preStop"
                + " that overruns. The drain comes from `--drain`, the annotation `zerodrop.io/expected-drain`,"
                + " a known app's settings (target-app's `SHUTDOWN_DELAY_MS` + `DRAIN_TIMEOUT_MS`, Spring's"
                + " `SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE`), else a stated 5 s after the app's own delay"
                + " (ZD202) where one is known"));
        m.put("ZD202", new Help("error", "preStop plus the app's own delay at least the endpoint propagation you"
                + " expect (`--propagation`, default 5 s), on pods a Service selects. The app's own delay (how long it"
                + " keeps accepting after SIGTERM): the annotation `zerodrop.io/shutdown-delay`, target-app's"
                + " `SHUTDOWN_DELAY_MS`, `--shutdown-delay-duration` (servers on Kubernetes' API server library:"
                + " metrics-server, aggregated API servers), CoreDNS's `health { lameduck … }` in a Corefile of a"
                + " ConfigMap of the input that the container mounts, podinfo's 3 s (not at `--level=debug`); else 0"));
        m.put("ZD203", new Help("warning / info", "`exec: sleep` in an image that may have no `sleep` binary"
                + " (distroless, scratch, static: warning, inferred; otherwise a suggestion): use the native"
                + " `sleep:` action (Kubernetes ≥ 1.30)"));
        m.put("ZD204", new Help("warning", "the readiness probe on one of the ports the Services that send"
                + " requests target — metrics ports (named `metrics`, `…-metrics`, `telemetry` or `…-telemetry`, or"
                + " scraped by a ServiceMonitor of the input) not counted; said once per workload"));
        m.put("ZD205", new Help("error / warning", "a Service's targetPort (name: error; number: warning) resolving"
                + " to a declared containerPort of the pods it selects"));
        m.put("ZD206", new Help("warning", "liveness giving up sooner than readiness (period × failureThreshold)"));
        m.put("ZD207", new Help("error / warning", "a budget that selects no pod (matchLabels AND every"
                + " matchExpression; live: against the namespace's pods); a warning (inferred) when its"
                + " namespace holds objects that run pods the audit does not read, or custom resources whose"
                + " operators may create them, or when no workload of its namespace is in the input at all (it"
                + " cannot be checked there); naming the workloads of another namespace it would have matched"));
        m.put("ZD208", new Help("error", "several budgets selecting the same pods (the eviction API then answers"
                + " 500)"));
        m.put("ZD209", new Help("error", "maxUnavailable ≥ replicas (whatever the surge), or maxSurge and"
                + " maxUnavailable both literally 0 — scaled as the Deployment controller does: surge rounds up,"
                + " unavailable down, and 1 when both come to 0"));
        m.put("ZD210", new Help("error / warning", "one replica with a budget (error when the budget blocks every"
                + " eviction)"));
        m.put("ZD211", new Help("error / warning", "a shell as PID 1 (`sh -c`, `bash -c`, `-c` in a cluster or"
                + " after other options: `sh -ec`, `bash -e -c`, `bash -o pipefail -euc` …): error when the"
                + " script has several commands and no `exec`, unless it traps TERM and waits for the app;"
                + " warning (inferred) for a single command, which some shells exec in their place and others do"
                + " not, for `args` handed to an unknown entrypoint, or for a script file as PID 1 (`sh"
                + " /docker-entrypoint.sh`: it passes SIGTERM on only if it execs the app, which the manifest"
                + " does not show)"));
        m.put("ZD212", new Help("warning", "a slow starter (a probe's initialDelaySeconds ≥ 30) without a"
                + " startupProbe"));
        m.put("ZD213", new Help("warning", "`externalTrafficPolicy: Local`"));
        m.put("ZD214", new Help("error", "an app known to ignore SIGTERM (target-app `SHUTDOWN_MODE=ignore`)"));
        m.put("ZD215", new Help("warning (inferred)", "a Service whose selector matches the pods of none of the"
                + " workloads of its namespace in the input (no endpoint: every request through it fails),"
                + " unless its pods come from elsewhere; with no workload of its namespace in the input, only when it"
                + " matches the pods of another namespace's (a namespace set on one object and not the other)"));
        m.put("ZD216", new Help("error", "a probe (httpGet, tcpSocket, grpc) on a port declared UDP only: the kubelet"
                + " probes over TCP, so it always fails"));
        m.put("ZD217", new Help("info", "a budget without `unhealthyPodEvictionPolicy: AlwaysAllow`: under the default"
                + " (IfHealthyBudget) a running but not-ready pod can be evicted only while the budget is met, so a"
                + " bad rollout can hang node drains"));
        return Map.copyOf(m);
    }
}
