package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh {@link ScriptedCluster} for each test, registered as a field:
 * {@code @RegisterExtension final MockCluster mock = MockCluster.shop(3, 3).realisticContainers().controllers();}.
 * Before each test (and before the test's own {@code @BeforeEach}) it starts the mock API server, opens a client, and
 * sets up what was asked: the {@code shop} namespace with Deployment {@code web} and its pods, realistic containers,
 * the played controllers. After each test (and after the test's own {@code @AfterEach}) it closes, newest first,
 * what {@link #closeAfter} was given, then the controllers, the client and the server — also when the test failed.
 */
public final class MockCluster implements BeforeEachCallback, AfterEachCallback {
    private final Map<String, String> podLabels;
    private final int readyReplicas;
    private final int pods;
    private boolean realistic;
    private Boolean controllersCreatePods;
    private ScriptedCluster cluster;
    private KubernetesClient client;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    private MockCluster(Map<String, String> podLabels, int readyReplicas, int pods) {
        this.podLabels = podLabels;
        this.readyReplicas = readyReplicas;
        this.pods = pods;
    }

    /** An empty cluster: no namespace, no workload. */
    public static MockCluster empty() {
        return new MockCluster(null, 0, 0);
    }

    /** Namespace {@code shop} with Deployment {@code web}: {@code pods} pods, {@code readyReplicas} of them ready. */
    public static MockCluster shop(int readyReplicas, int pods) {
        return shop(Map.of(), readyReplicas, pods);
    }

    /** As {@link #shop(int, int)}, the pods carrying {@code podLabels} besides {@code app: web}. */
    public static MockCluster shop(Map<String, String> podLabels, int readyReplicas, int pods) {
        return new MockCluster(podLabels, readyReplicas, pods);
    }

    /** The shop's container as a real one has it: a readiness probe, an env var, no preStop. */
    public MockCluster realisticContainers() {
        realistic = true;
        return this;
    }

    /** The played controllers (ReplicaSet, endpoints, budgets), running for the whole test. */
    public MockCluster controllers() {
        return controllers(false);
    }

    /** As {@link #controllers()}; {@code createPods}: they also create the pods of a Deployment made during the test. */
    public MockCluster controllers(boolean createPods) {
        controllersCreatePods = createPods;
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        cluster = new ScriptedCluster();
        client = cluster.client();
        if (podLabels != null) {
            cluster.shop(client, podLabels, readyReplicas, pods);
        }
        if (realistic) {
            cluster.realisticContainers(client);
        }
        if (controllersCreatePods != null) {
            toClose.push(cluster.controllers(client, controllersCreatePods));
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        client.close();
        cluster.close();
        if (first != null) {
            throw first;
        }
    }

    /** The mock API server of the running test. */
    public ScriptedCluster cluster() {
        return cluster;
    }

    /** A client of the mock API server, opened for the running test. */
    public KubernetesClient client() {
        return client;
    }

    /** Closes {@code c} after the test, before the controllers, the client and the server; returns it. */
    public <T extends AutoCloseable> T closeAfter(T c) {
        toClose.push(c);
        return c;
    }
}
