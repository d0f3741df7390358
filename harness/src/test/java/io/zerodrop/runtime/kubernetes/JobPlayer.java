package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.MockResponse;
import io.zerodrop.core.JvmTemp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Job controller and the kubelets for zerodrop's load Job on the mock API server: once the Job exists, runs one
 * process per index with the pod's own command from the Job (java, the generator, its properties — only the image's
 * paths mapped to this machine, JOB_COMPLETION_INDEX set), creates the Running pods on nodes node-0…, and answers the
 * pod proxy by forwarding to the processes. Deleting the Job ends its pods, as the garbage collector does.
 */
public final class JobPlayer {
    private JobPlayer() {
    }

    /** Plays the Job: node clocks off by {@code skewsMs}, the proxy {@code proxyDelayMs} late with clock readings. */
    public static void play(ScriptedCluster cluster, KubernetesClient client, Path tmp, List<Long> skewsMs,
            long proxyDelayMs, List<Process> pods) {
        cluster.beforeAnswer = call -> {
            if (call.method().equals("DELETE") && call.path().contains("/jobs/")) {
                pods.forEach(Process::destroyForcibly);
                // not on the server's own thread: the mock answers one request at a time
                Thread gc = new Thread(() -> {
                    try {
                        client.pods().inNamespace("shop").withLabel("app.kubernetes.io/component", "load-generator")
                                .delete();
                    } catch (RuntimeException closed) {
                        // the test ended and closed the mock server first: nothing is left to delete
                    }
                }, "job-garbage-collector");
                gc.setDaemon(true);
                gc.start();
            }
        };
        HttpClient http = HttpClient.newHttpClient();
        Thread controller = new Thread(() -> {
            try {
                Job job = null;
                for (int i = 0; i < 600 && job == null; i++) {
                    List<Job> jobs = client.batch().v1().jobs().inNamespace("shop").list().getItems();
                    job = jobs.isEmpty() ? null : jobs.get(0);
                    Thread.sleep(50);
                }
                var template = job.getSpec().getTemplate();
                for (int index = 0; index < job.getSpec().getParallelism(); index++) {
                    int port;
                    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                        port = s.getLocalPort();
                    }
                    List<String> cmd = new ArrayList<>();
                    for (String arg : template.getSpec().getContainers().get(0).getCommand()) {
                        cmd.add(switch (arg) {
                            case "java" -> Path.of(System.getProperty("java.home"), "bin", "java").toString();
                            case "/app/lib/*" -> System.getProperty("java.class.path");
                            case "/results" -> tmp.resolve("pod-" + index).toString();
                            default -> arg.equals("http:" + LoadJob.CONTROL_PORT) ? "http:" + port : arg;
                        });
                    }
                    if (skewsMs.get(index) != 0) {
                        cmd.add(1, "-Dzerodrop.generator.clockSkewMs=" + skewsMs.get(index));
                    }
                    // the pod's /tmp is its own (an emptyDir in the Job): here a directory inside the test's, so
                    // Gatling's native-library copies do not pile up in the shared /tmp
                    cmd.addAll(1, JvmTemp.options(JvmTemp.create(tmp.resolve("pod-" + index + "-tmp"))));
                    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                            .redirectOutput(tmp.resolve("pod-" + index + ".log").toFile());
                    pb.environment().put("JOB_COMPLETION_INDEX", String.valueOf(index));
                    pods.add(pb.start());
                    String name = job.getMetadata().getName() + "-" + index + "-x" + index;
                    cluster.podProxy.put(name, rest -> {
                        try {
                            if (rest.startsWith("/control?c=clock")) {
                                Thread.sleep(proxyDelayMs);
                            }
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                    + port + rest)).build(), HttpResponse.BodyHandlers.ofString());
                            return new MockResponse().setResponseCode(r.statusCode()).setBody(r.body());
                        } catch (IOException e) {
                            return ScriptedCluster.status(503, "error trying to reach service: " + e, null, null);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return ScriptedCluster.status(503, "interrupted", null, null);
                        }
                    });
                    Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace("shop")
                            .withLabels(template.getMetadata().getLabels())
                            .addToAnnotations("batch.kubernetes.io/job-completion-index", String.valueOf(index))
                            .endMetadata().withNewSpec().withNodeName("node-" + index).endSpec().withNewStatus()
                            .withPhase("Running").endStatus().build();
                    client.pods().inNamespace("shop").resource(pod).create();
                }
            } catch (Exception e) {
                // the test ended (mock server closed) or the Job never came: the test's own assertions say which
                System.err.println("JobPlayer: " + e);
            }
        }, "job-controller");
        controller.setDaemon(true);
        controller.start();
    }

}
