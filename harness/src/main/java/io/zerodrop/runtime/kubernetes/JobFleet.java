package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.Sleep;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.sims.GeneratorProtocol;
import io.zerodrop.sims.GeneratorProtocol.Command;
import io.zerodrop.traffic.fleet.FleetLaunch;
import io.zerodrop.traffic.fleet.GeneratorChannel;
import io.zerodrop.traffic.fleet.GeneratorFleet;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The load generators as the pods of an Indexed Job in the target's namespace ({@link LoadJob}), driven through the
 * API server's pod proxy ({@code GET pods/<pod>:8089/proxy/control?c=<line>}): nothing but the API server needs to
 * be reachable from where zerodrop runs. Launch waits until every pod runs and answers; a pod that cannot start
 * (image not pullable, crash, Job failed) is reported with the kubelet's words at once (exit 3).
 */
public final class JobFleet implements GeneratorFleet {
    /** Waiting reasons that will not resolve by waiting longer. */
    private static final Set<String> HOPELESS = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "CreateContainerConfigError", "CreateContainerError", "CrashLoopBackOff", "ErrImageNeverPull");

    private final KubernetesClient client;
    private final String namespace;
    private final String image;
    private final String serviceUrl;
    private final String runId;
    private final Undo undo;
    private final Consumer<Undo.Registration> registered;
    private final long startTimeoutMs;
    private String jobName;

    /**
     * @param serviceUrl     the target's Service as the pods reach it ({@link LoadJob#serviceUrl})
     * @param registered     given the Job's deletion, registered with {@code undo} before the Job is created (the
     *                       runtime undoes it at its teardown)
     * @param startTimeoutMs how long the pods may take to run and answer (image pulls included)
     */
    public JobFleet(KubernetesClient client, String namespace, String image, String serviceUrl, String runId,
            Undo undo, Consumer<Undo.Registration> registered, long startTimeoutMs) {
        this.client = client;
        this.namespace = namespace;
        this.image = image;
        this.serviceUrl = serviceUrl;
        this.runId = runId;
        this.undo = undo;
        this.registered = registered;
        this.startTimeoutMs = startTimeoutMs;
    }

    @Override
    public String serviceUrl() {
        return serviceUrl;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("generators", "pods of Indexed Job " + (jobName != null ? jobName : "zerodrop-load-" + runId)
                + " in namespace " + namespace + " (control through the pod proxy, port " + LoadJob.CONTROL_PORT + ")");
        d.put("image", image);
        return d;
    }

    @Override
    public List<GeneratorChannel> launch(FleetLaunch l) {
        jobName = "zerodrop-load-" + runId;
        LoadJob job = new LoadJob(jobName, namespace, image, l.generators(), l.simulationClass(), l.properties(),
                l.requestTimeoutMs(), l.connectTimeoutMs(), l.hardTimeoutMs(), runId);
        job.create(client, undo, registered);
        long deadline = System.currentTimeMillis() + startTimeoutMs;
        List<Pod> running = awaitRunning(job, deadline);
        List<GeneratorChannel> channels = new ArrayList<>();
        for (Pod p : running) {
            channels.add(new ProxyChannel(client, namespace, p.getMetadata().getName(), "node "
                    + p.getSpec().getNodeName()));
        }
        for (GeneratorChannel c : channels) {
            awaitAnswer(c, deadline);
        }
        return channels;
    }

    /** The Job's pods, by completion index, once every one is Running; fails fast on a pod that cannot start. */
    private List<Pod> awaitRunning(LoadJob job, long deadline) {
        String last = "no pod yet";
        while (true) {
            List<Pod> pods;
            try {
                pods = client.pods().inNamespace(namespace).withLabels(job.labels()).list().getItems();
            } catch (KubernetesClientException e) {
                throw ZerodropException.environment("listing the load generator pods of Job " + job.name()
                        + " failed: " + Cluster.reason(e, client));
            }
            for (Pod p : pods) {
                String n = p.getMetadata().getName();
                String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
                if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
                    throw ZerodropException.environment("load generator pod " + n + " ended (" + phase + ") before the"
                            + " load started" + message(p));
                }
                List<ContainerStatus> cs = p.getStatus() == null || p.getStatus().getContainerStatuses() == null
                        ? List.of() : p.getStatus().getContainerStatuses();
                for (ContainerStatus c : cs) {
                    if (c.getState() != null && c.getState().getWaiting() != null && HOPELESS.contains(c.getState()
                            .getWaiting().getReason())) {
                        throw ZerodropException.environment("load generator pod " + n + " cannot start: " + c
                                .getState().getWaiting().getReason() + ": " + c.getState().getWaiting().getMessage()
                                + "; the image " + image + " is built from gatling-sims/Dockerfile and must be"
                                + " pullable by the nodes (kind: kind load docker-image " + image + ")");
                    }
                }
            }
            List<Pod> ready = pods.stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus()
                    .getPhase()) && p.getSpec() != null && p.getSpec().getNodeName() != null)
                    .sorted(Comparator.comparingInt(JobFleet::index)).toList();
            if (ready.size() >= job.generators()) {
                return ready.subList(0, job.generators());
            }
            last = ready.size() + " of " + job.generators() + " running (" + pods.size() + " created)";
            if (System.currentTimeMillis() > deadline) {
                throw ZerodropException.environment("the load generator pods of Job " + job.name() + " did not all run "
                        + Runtime.budgetSpent(Duration.ofMillis(startTimeoutMs)) + ": " + last + PendingPods.describe(pods)
                        + "; look at kubectl -n " + namespace + " describe job " + job.name());
            }
            if (!Sleep.forMs(500) || undo.isInterrupted()) {
                throw new ZerodropException(ExitCodes.INTERRUPTED, "interrupted while the load"
                        + " generators started");
            }
        }
    }

    private static String message(Pod p) {
        return p.getStatus() != null && p.getStatus().getMessage() != null ? ": " + p.getStatus().getMessage() : "";
    }

    private static int index(Pod p) {
        String a = p.getMetadata().getAnnotations() == null ? null : p.getMetadata().getAnnotations().get(
                "batch.kubernetes.io/job-completion-index");
        try {
            return a == null ? Integer.MAX_VALUE : Integer.parseInt(a);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** A running pod's generator answers once its JVM has opened the control port: wait for {@code status}. */
    private void awaitAnswer(GeneratorChannel c, long deadline) {
        while (true) {
            String a = null;
            try {
                a = c.call(Command.STATUS.word());
            } catch (ZerodropException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    throw notYet;
                }
            }
            if (a != null && GeneratorProtocol.waiting(a)) {
                return;
            }
            if (a != null) {
                throw ZerodropException.environment("load generator " + c.name() + " answered \"" + a + "\" where it"
                        + " should wait for the start");
            }
            if (!Sleep.forMs(500) || undo.isInterrupted()) {
                throw new ZerodropException(ExitCodes.INTERRUPTED, "interrupted while the load"
                        + " generators started");
            }
        }
    }

    /** One generator pod, through {@code GET /api/v1/namespaces/<ns>/pods/<pod>:8089/proxy/control?c=<line>}. */
    static final class ProxyChannel implements GeneratorChannel {
        /** Reads of a failed generator's pod, a second apart, for the kubelet to report how its container ended. */
        static final int KUBELET_REPORT_READS = 5;
        private final KubernetesClient client;
        private final String namespace;
        private final String pod;
        private final String where;

        ProxyChannel(KubernetesClient client, String namespace, String pod, String where) {
            this.client = client;
            this.namespace = namespace;
            this.pod = pod;
            this.where = where;
        }

        @Override
        public String name() {
            return pod;
        }

        @Override
        public String where() {
            return where;
        }

        @Override
        public String call(String command) {
            String url = ApiCalls.url(client, "/api/v1/namespaces/" + namespace + "/pods/" + pod + ":"
                    + LoadJob.CONTROL_PORT + "/proxy/control?c=" + URLEncoder.encode(command, StandardCharsets.UTF_8)
                    .replace("+", "%20"));
            String answer;
            try {
                answer = client.raw(url);
            } catch (KubernetesClientException e) {
                throw ZerodropException.environment("load generator pod " + pod + " (" + where + ") did not answer \""
                        + command + "\" through the pod proxy: " + Cluster.reason(e, client) + " (the Role needs get"
                        + " pods/proxy)");
            }
            if (answer == null) {
                throw ZerodropException.environment("load generator pod " + pod + " (" + where + ") is gone: the pod"
                        + " proxy answered 404 to \"" + command + "\"");
            }
            return answer.endsWith("\n") ? answer.substring(0, answer.length() - 1) : answer;
        }

        /**
         * What the kubelet says of the generator's container, when it is not simply running: "; its container was
         * terminated: OOMKilled, exit code 137" (now or last), "; the pod is gone (deleted or evicted)", or empty.
         * Asked only once the generator is given up for dead, never on the calls that poll its start.
         */
        @Override
        public String postMortem() {
            // the proxy fails at once; the kubelet reports the container's end a moment later: ask a few times
            for (int attempt = 1; ; attempt++) {
                String state = containerStateNow();
                if (!state.isEmpty() || attempt == KUBELET_REPORT_READS || !Sleep.forMs(1_000)) {
                    return state;
                }
            }
        }

        private String containerStateNow() {
            Pod p;
            try {
                p = client.pods().inNamespace(namespace).withName(pod).get();
            } catch (KubernetesClientException e) {
                return "";
            }
            if (p == null) {
                return "; the pod is gone (deleted or evicted)";
            }
            List<ContainerStatus> cs = p.getStatus() == null || p.getStatus().getContainerStatuses() == null
                    ? List.of() : p.getStatus().getContainerStatuses();
            for (ContainerStatus c : cs) {
                var terminated = c.getState() != null && c.getState().getTerminated() != null ? c.getState()
                        .getTerminated() : c.getLastState() != null ? c.getLastState().getTerminated() : null;
                if (terminated != null) {
                    return "; its container was terminated: " + terminated.getReason() + ", exit code "
                            + terminated.getExitCode() + (c.getRestartCount() != null && c.getRestartCount() > 0
                            ? " (restarted " + c.getRestartCount() + " times since)" : "");
                }
            }
            String reason = p.getStatus() == null ? null : p.getStatus().getReason();
            return reason != null ? "; the pod's status says " + reason + message(p) : "";
        }
    }
}
