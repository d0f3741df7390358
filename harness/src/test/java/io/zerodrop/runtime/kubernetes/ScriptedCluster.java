package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.zerodrop.core.Sleep;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's mock API server in CRUD mode, with the parts CRUD mode cannot play scripted: the Eviction subresource
 * (answers taken from a queue; 201 deletes the pod), SelfSubjectAccessReview (allowed unless the permission is in
 * {@link #denied}). Every request is recorded (method, path, body) for the tests to check.
 */
public final class ScriptedCluster implements AutoCloseable {
    /**
     * A start budget no loaded machine runs out of, for the tests that are not about the budget (they do not wait it
     * out: the start returns when the workload is ready).
     */
    public static final Duration GENEROUS = Duration.ofMinutes(5);

    public record Call(String method, String path, String body) {
    }

    public final List<Call> calls = new CopyOnWriteArrayList<>();
    public final Deque<MockResponse> evictionAnswers = new ArrayDeque<>();
    public final Set<String> denied = new CopyOnWriteArraySet<>();
    /** What GET …/pods/&lt;pod&gt;[:port]/proxy/metrics answers, by pod; a pod not here answers 404. */
    public final Map<String, String> metrics = new ConcurrentHashMap<>();
    /**
     * The pod proxy for pods the test runs something behind: pod name → handler of the path after {@code /proxy}
     * (query included), e.g. forwarding to a real process on loopback.
     */
    public final Map<String, Function<String, MockResponse>> podProxy =
            new ConcurrentHashMap<>();
    final KubernetesMockServer server;
    /** How many of the next JSON patches of a Deployment are refused with 409, as when it changed meanwhile. */
    public final AtomicInteger conflictNextPatches = new java.util.concurrent.atomic
            .AtomicInteger();
    /** Answers for the next GETs of Deployment {@code web} in {@code shop}, in order (then the store answers). */
    public final Deque<MockResponse> nextWebGets = new ConcurrentLinkedDeque<>();
    /** When set, the next guarded JSON Patch of a Deployment is answered with it instead (e.g. {@link #invalid}). */
    public final AtomicReference<MockResponse> nextDeploymentPatch = new AtomicReference<>();
    /** When set, answers a request itself where it returns an answer (null: the script and the store answer). */
    public volatile Function<Call, MockResponse> answerInstead;
    /** Called with every request before it is answered (on the server's thread). */
    public volatile Consumer<Call> beforeAnswer;
    /** How far this server's clock (its Date headers) runs ahead of the host's. */
    public volatile long serverClockAheadMs;
    /** Path prefixes whose next watch is held open by the test instead of the CRUD store: see {@link #holdNextWatch}. */
    private final Map<String, CompletableFuture<WebSocket>> heldWatches = new ConcurrentHashMap<>();
    private final Set<String> watchesTaken = ConcurrentHashMap.newKeySet();

    public ScriptedCluster() {
        KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                MockResponse r = answer(request);
                // as a real API server (Go's net/http) does: every answer says the server's time, whole seconds
                return r.setHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        ZonedDateTime.ofInstant(Instant.ofEpochMilli(System.currentTimeMillis()
                                + serverClockAheadMs), ZoneOffset.UTC)));
            }

            private MockResponse answer(RecordedRequest request) {
                byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
                Call call = new Call(request.getMethod(), request.getPath(), new String(body,
                        StandardCharsets.UTF_8));
                calls.add(call);
                Consumer<Call> hook = beforeAnswer;
                if (hook != null) {
                    hook.accept(call);
                }
                Function<Call, MockResponse> instead = answerInstead;
                MockResponse given = instead == null ? null : instead.apply(call);
                if (given != null) {
                    return given;
                }
                for (Map.Entry<String, CompletableFuture<WebSocket>> held : heldWatches.entrySet()) {
                    if (request.getPath().startsWith(held.getKey()) && request.getPath().contains("watch=true")
                            && watchesTaken.add(held.getKey())) {
                        return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                            @Override
                            public void onOpen(WebSocket ws, Response response) {
                                held.getValue().complete(ws);
                            }
                        });
                    }
                }
                if (request.getMethod().equals("GET") && request.getPath().equals(
                        "/apis/apps/v1/namespaces/shop/deployments/web")) {
                    MockResponse next = nextWebGets.poll();
                    if (next != null) {
                        return next;
                    }
                }
                MockResponse scripted = request.getMethod().equals("PATCH") && request.getPath().contains(
                        "/deployments/") && new String(body, StandardCharsets.UTF_8).startsWith("[{\"op\":\"test\"")
                        ? nextDeploymentPatch.getAndSet(null) : null;
                if (scripted != null) {
                    return scripted;
                }
                if (request.getMethod().equals("PATCH") && request.getPath().contains("/deployments/")
                        && new String(body, StandardCharsets.UTF_8).startsWith("[{\"op\":\"test\"")
                        && conflictNextPatches.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    return status(409, "Operation cannot be fulfilled on deployments.apps \"web\": the object has been"
                            + " modified; please apply your changes to the latest version and try again", null, null);
                }
                Matcher proxied = Pattern.compile(
                        ".*/pods/([^/:]+)(:\\d+)?/proxy(/.*)").matcher(request.getPath());
                if (proxied.matches() && podProxy.containsKey(proxied.group(1))) {
                    return podProxy.get(proxied.group(1)).apply(proxied.group(3));
                }
                if (request.getPath().endsWith("/proxy/metrics")) {
                    String pod = request.getPath().replaceAll(".*/pods/([^/:]+)(:\\d+)?/proxy/metrics", "$1");
                    String text = metrics.get(pod);
                    return text == null ? status(404, "no such pod", null, null)
                            : new MockResponse().setResponseCode(200).setBody(text);
                }
                return super.dispatch(request);
            }

            @Override
            public MockResponse handleCreate(RecordedRequest request) {
                String path = request.getPath();
                if (path.endsWith("/eviction")) {
                    MockResponse answer = evictionAnswers.isEmpty() ? status(201, "Success", null, null)
                            : evictionAnswers.poll();
                    if (answer.code() == 201) {
                        String pod = path.substring(0, path.length() - "/eviction".length());
                        handleDelete(pod);
                    }
                    return answer;
                }
                if (path.contains("selfsubjectaccessreviews")) {
                    Map<?, ?> review = Serialization.unmarshal(new String(request.getBody().getBytes(),
                            StandardCharsets.UTF_8), Map.class);
                    Map<?, ?> attrs = (Map<?, ?>) ((Map<?, ?>) review.get("spec")).get("resourceAttributes");
                    String key = attrs.get("verb") + " " + attrs.get("resource")
                            + (attrs.get("subresource") == null ? "" : "/" + attrs.get("subresource"));
                    boolean allowed = !denied.contains(key);
                    return new MockResponse().setResponseCode(201).setBody("{\"apiVersion\":\"authorization.k8s.io/v1\","
                            + "\"kind\":\"SelfSubjectAccessReview\",\"status\":{\"allowed\":" + allowed + "}}");
                }
                return super.handleCreate(request);
            }
        };
        server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        server.init();
    }

    /**
     * Holds the next watch whose path starts with {@code pathPrefix} (e.g. {@code /api/v1/namespaces/shop/pods?}) open
     * for the test, instead of the CRUD store: nothing that changes reaches its watcher until {@link #expireWatch}.
     */
    public void holdNextWatch(String pathPrefix) {
        heldWatches.put(pathPrefix, new CompletableFuture<>());
    }

    /**
     * Ends the held watch as an API server does when the resourceVersion it watches from has been compacted: an
     * ERROR event carrying a 410 Gone Status, then the close. Nothing changed meanwhile reached the watcher.
     */
    public void expireWatch(String pathPrefix) throws Exception {
        WebSocket ws = heldWatches.get(pathPrefix).get(10, TimeUnit.SECONDS);
        ws.send("{\"type\":\"ERROR\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":"
                + "\"Failure\",\"message\":\"too old resource version: 4711 (4800)\",\"reason\":\"Expired\","
                + "\"code\":410}}");
        ws.close(1000, "expired");
    }

    static MockResponse status(int code, String reason, String causeReason, String causeMessage) {
        String cause = causeReason == null ? "" : ",\"details\":{\"causes\":[{\"reason\":\"" + causeReason
                + "\",\"message\":\"" + causeMessage + "\"}]}";
        return new MockResponse().setResponseCode(code).setBody("{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\""
                + (code < 300 ? "Success" : "Failure") + "\",\"message\":\"" + reason + "\",\"code\":" + code + cause + "}");
    }

    /**
     * A 422 as the API server answers an object that fails validation ({@code NewInvalid}): reason Invalid, the
     * object's kind and name, and a cause naming the field (a failed JSON Patch test is a 422 too, without causes).
     */
    static MockResponse invalid(String kind, String group, String name, String field, String message) {
        return new MockResponse().setResponseCode(422).setBody("{\"apiVersion\":\"v1\",\"kind\":\"Status\","
                + "\"status\":\"Failure\",\"message\":\"" + kind + "." + group + " \\\"" + name + "\\\" is invalid: "
                + field + ": " + message + "\",\"reason\":\"Invalid\",\"details\":{\"name\":\"" + name
                + "\",\"group\":\"" + group + "\",\"kind\":\"" + kind + "\",\"causes\":[{\"reason\":"
                + "\"FieldValueInvalid\",\"message\":\"" + message + "\",\"field\":\"" + field + "\"}]},\"code\":422}");
    }

    public KubernetesClient client() {
        return server.createClient();
    }

    /**
     * The shop the cluster tests share: namespaces {@code shop} and {@code payments} (labelled protected), Deployment
     * {@code web} (3 replicas, pods {@code app=web} plus {@code podLabels}, {@code readyReplicas} in its status),
     * Service {@code web} selecting {@code app=web}, and pods {@code web-1}…{@code web-<pods>} on node-1. Each create
     * is create-or-update: on a loaded machine the client retries a POST whose answer was late, and finds it there.
     */
    public void shop(KubernetesClient c, Map<String, String> podLabels, int readyReplicas, int pods) {
        c.namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withName("shop").endMetadata().build()).createOr(NonDeletingOperation::update);
        c.namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withName("payments").withLabels(Map.of("zerodrop.io/protected", "true")).endMetadata().build())
                .createOr(NonDeletingOperation::update);
        Map<String, String> labels = new HashMap<>(podLabels);
        labels.put("app", "web");
        c.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
                .withNewMetadata().withName("web").endMetadata().withNewSpec().withReplicas(3).withNewSelector()
                .withMatchLabels(Map.of("app", "web")).endSelector().withNewTemplate().withNewMetadata()
                .withLabels(labels).endMetadata().withNewSpec().addNewContainer().withName("web")
                .withImage("shop/web:1").endContainer().endSpec().endTemplate().endSpec().withNewStatus()
                .withReadyReplicas(readyReplicas).withReplicas(3).endStatus().build())
                .createOr(NonDeletingOperation::update);
        service(c, "web", "web");
        for (int i = 1; i <= pods; i++) {
            c.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata()
                    .withName("web-" + i).withLabels(Map.of("app", "web"))
                    .withCreationTimestamp("2027-01-15T08:00:0" + i + "Z").endMetadata().withNewSpec()
                    .withNodeName("node-1").endSpec().withNewStatus().addNewCondition().withType("Ready")
                    .withStatus("True").endCondition().endStatus().build())
                    .createOr(NonDeletingOperation::update);
        }
    }

    /**
     * The shop's {@code web} container as a real one would have it — a readiness probe, an env var, no preStop — and
     * a sidecar beside it.
     */
    public void realisticContainers(KubernetesClient c) {
        c.apps().deployments().inNamespace("shop").withName("web").edit(d -> new DeploymentBuilder(d).editSpec()
                .editTemplate().editSpec().editFirstContainer().withNewReadinessProbe().withNewHttpGet()
                .withPath("/ready").endHttpGet().withPeriodSeconds(10).endReadinessProbe().addNewEnv()
                .withName("DRAIN_TIMEOUT_MS").withValue("1000").endEnv().endContainer().addNewContainer()
                .withName("sidecar").withImage("shop/proxy:1").endContainer().endSpec().endTemplate().endSpec()
                .build());
    }

    /**
     * The controllers' part, played until closed: the Deployment controller (a change of {@code web}'s spec bumps
     * its generation, and its status reports the new generation observed with every replica updated, ready and
     * available) and the disruption controller (a budget's status reports its generation observed). Polls every
     * 50 ms.
     */
    public AutoCloseable controllers(KubernetesClient c) {
        return controllers(c, false);
    }

    /**
     * The same in every namespace; with {@code createPods}, the ReplicaSet controller and the kubelet too: each
     * Deployment outside {@code shop} has as many Ready pods ({@code <name>-<n>} on node-1, its template's labels
     * and containers) as it wants replicas, a deleted one replaced.
     */
    public AutoCloseable controllers(KubernetesClient c, boolean createPods) {
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, String> specs = new HashMap<>();
        Map<String, String> budgetSpecs = new HashMap<>();
        AtomicInteger podNumbers = new AtomicInteger();
        Runnable pass = () -> {
            try {
                for (var d : c.apps().deployments().inAnyNamespace().list().getItems()) {
                    String ns = d.getMetadata().getNamespace();
                    String name = d.getMetadata().getName();
                    String spec = Serialization.asJson(d.getSpec());
                    int n = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                    if (createPods && !ns.equals("shop")) {
                        var labels = d.getSpec().getTemplate().getMetadata().getLabels();
                        long live = c.pods().inNamespace(ns).withLabels(labels).list().getItems().stream()
                                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).count();
                        for (long i = live; i < n; i++) {
                            c.pods().inNamespace(ns).resource(new PodBuilder()
                                    .withNewMetadata().withName(name + "-" + podNumbers.incrementAndGet())
                                    .withLabels(labels).withCreationTimestamp(Instant.now().toString())
                                    .endMetadata().withSpec(d.getSpec().getTemplate().getSpec()).editSpec()
                                    .withNodeName("node-1").endSpec().withNewStatus().addNewCondition()
                                    .withType("Ready").withStatus("True").endCondition().endStatus().build())
                                    .create();
                        }
                    }
                    if (!spec.equals(specs.put(ns + "/" + name, spec))) {
                        long gen = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration() + 1;
                        c.apps().deployments().inNamespace(ns).withName(name).edit(x -> new io.fabric8.kubernetes
                                .api.model.apps.DeploymentBuilder(x).editMetadata().withGeneration(gen).endMetadata()
                                .editOrNewStatus().withObservedGeneration(gen).withReplicas(n).withUpdatedReplicas(n)
                                .withReadyReplicas(n).withAvailableReplicas(n).endStatus().build());
                    }
                }
                for (var b : c.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems()) {
                    String ns = b.getMetadata().getNamespace();
                    String name = b.getMetadata().getName();
                    String bSpec = Serialization.asJson(b.getSpec());
                    if (!bSpec.equals(budgetSpecs.put(ns + "/" + name, bSpec))) {
                        long gen = b.getMetadata().getGeneration() == null ? 1 : b.getMetadata().getGeneration() + 1;
                        c.policy().v1().podDisruptionBudget().inNamespace(ns).withName(name)
                                .edit(x -> new PodDisruptionBudgetBuilder(x)
                                        .editMetadata().withGeneration(gen).endMetadata().editOrNewStatus()
                                        .withObservedGeneration(gen).withDisruptionsAllowed(1).endStatus().build());
                    }
                }
            } catch (RuntimeException e) {
                // the server is going away with the test
            }
        };
        // the first pass (what the controllers write on first sight of each object) is done before this returns: a
        // test that clears the calls after it sees only the writes its own actions cause (seen at load 21: the first
        // pass ran late and its PATCH came before the run's own first call)
        pass.run();
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                Sleep.forMs(50);
                pass.run();
            }
        }, "controllers");
        t.setDaemon(true);
        t.start();
        return () -> {
            stop.set(true);
            t.join(5_000);
        };
    }

    /** A Service {@code name} in {@code shop} selecting {@code app=<app>}. */
    public void service(KubernetesClient c, String name, String app) {
        c.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata()
                .withName(name).endMetadata().withNewSpec().withSelector(Map.of("app", app)).addNewPort().withPort(80)
                .endPort().endSpec().build()).createOr(NonDeletingOperation::update);
    }

    /** A kubeconfig file pointing at this server, for the connection path a user takes. */
    public Path kubeconfig(Path dir, String context, String namespace) throws Exception {
        String url = server.url("/").replaceAll("/$", "");
        return Files.writeString(dir.resolve("kubeconfig"), String.join("\n",
                "apiVersion: v1", "kind: Config", "current-context: " + context,
                "clusters:", "- name: mock", "  cluster:", "    server: " + url,
                "contexts:", "- name: " + context, "  context:", "    cluster: mock", "    user: me",
                "    namespace: " + namespace, "users:", "- name: me", "  user:", "    token: t", ""));
    }

    public List<Call> mutations() {
        return calls.stream().filter(c -> !c.method().equals("GET")).toList();
    }

    @Override
    public void close() {
        server.destroy();
    }
}
