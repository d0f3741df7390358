package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import io.zerodrop.core.ZerodropException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * A connection to one cluster and one namespace, checked before anything else: the API server answers, and the
 * namespace is one zerodrop may disturb. fabric8's own retry of 429 and 5xx answers is switched off
 * ({@code requestRetryBackoffLimit 0}): zerodrop retries what it means to retry, and a refusal is never hidden.
 */
public final class Cluster implements AutoCloseable {
    /** Namespaces zerodrop never disturbs, refused before any API call. */
    public static final Set<String> SYSTEM_NAMESPACES = Set.of("kube-system", "kube-public", "kube-node-lease");
    /** A namespace carrying this label with the value "true" is refused too. */
    public static final String PROTECTED_LABEL = "zerodrop.io/protected";

    private final KubernetesClient client;
    private final String namespace;
    private final String server;
    private final String context;
    private final VersionInfo version;
    private String contextName;

    private Cluster(KubernetesClient client, String namespace, String server, String context, VersionInfo version) {
        this.client = client;
        this.namespace = namespace;
        this.server = server;
        this.context = context;
        this.version = version;
    }

    /** Refuses a system namespace by name, before any connection is made. */
    public static void refuseSystemNamespace(String namespace) {
        if (namespace != null && SYSTEM_NAMESPACES.contains(namespace)) {
            throw ZerodropException.usage("namespace \"" + namespace + "\" is protected: zerodrop never disturbs "
                    + String.join(", ", SYSTEM_NAMESPACES.stream().sorted().toList()) + "; run it against your"
                    + " workload's own namespace");
        }
    }

    /**
     * Connects: builds the client from the options, asks the API server for its version (exit 3 naming the server
     * and what was tried, when it does not answer), and checks the namespace is not protected (exit 2).
     */
    public static Cluster connect(ClusterOptions options, String scenarioNamespace) {
        return connect(options, scenarioNamespace, false);
    }

    /**
     * Connects for {@code --deploy}: {@code namespace} is the one zerodrop will create for the run, so it must not
     * exist yet (exit 2 if it does); the options' namespace is not used.
     */
    public static Cluster connectToCreate(ClusterOptions options, String namespace) {
        return connect(new ClusterOptions(options.kubeconfig(), options.context(), namespace), namespace, true);
    }

    /**
     * Connects for {@code zerodrop cleanup}: any namespace may be named (or none: all it can list), since cleanup
     * only puts back what zerodrop itself recorded there.
     */
    public static Cluster connectForCleanup(ClusterOptions options) {
        Config config = config(options);
        String tried = tried(options, config);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        try {
            return new Cluster(client, options.namespace(), config.getMasterUrl(), tried, client.getKubernetesVersion());
        } catch (KubernetesClientException e) {
            client.close();
            throw ZerodropException.environment("cannot reach the Kubernetes API server at " + config.getMasterUrl()
                    + " (" + tried + "): " + reason(e), e);
        }
    }

    /** Which context and kubeconfig were used, for the error that says the server did not answer. */
    private static String tried(ClusterOptions options, Config config) {
        return "context " + (options.context() != null ? options.context()
                : config.getCurrentContext() != null ? config.getCurrentContext().getName() : "(none)")
                + ", kubeconfig " + (options.kubeconfig() != null ? options.kubeconfig()
                : System.getenv().getOrDefault("KUBECONFIG", "~/.kube/config or in-cluster"));
    }

    private static Cluster connect(ClusterOptions options, String scenarioNamespace, boolean toCreate) {
        String requested = options.namespace() != null ? options.namespace() : scenarioNamespace;
        refuseSystemNamespace(requested);
        Config config = config(options);
        String ns = requested != null ? requested : config.getNamespace() != null ? config.getNamespace() : "default";
        refuseSystemNamespace(ns);
        String tried = tried(options, config);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        try {
            VersionInfo v = client.getKubernetesVersion();
            Cluster c = new Cluster(client, ns, config.getMasterUrl(), tried, v);
            c.contextName = config.getCurrentContext() == null ? null : config.getCurrentContext().getName();
            if (toCreate) {
                c.refuseExistingNamespace();
            } else {
                c.refuseProtectedNamespace();
            }
            return c;
        } catch (KubernetesClientException e) {
            client.close();
            throw ZerodropException.environment("cannot reach the Kubernetes API server at " + config.getMasterUrl()
                    + " (" + tried + "): " + reason(e), e);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    static Config config(ClusterOptions options) {
        Config base;
        if (options.kubeconfig() != null) {
            if (!Files.isReadable(options.kubeconfig())) {
                throw ZerodropException.environment("--kubeconfig " + options.kubeconfig() + " cannot be read");
            }
            try {
                base = Config.fromKubeconfig(options.context(), Files.readString(options.kubeconfig()),
                        options.kubeconfig().toString());
            } catch (IOException | RuntimeException e) {
                throw ZerodropException.environment("--kubeconfig " + options.kubeconfig() + " is not a usable kubeconfig"
                        + (options.context() != null ? " with context " + options.context() : "") + ": "
                        + e.getMessage());
            }
        } else {
            base = Config.autoConfigure(options.context());
        }
        if (options.context() != null && (base.getCurrentContext() == null
                || !options.context().equals(base.getCurrentContext().getName()))) {
            throw ZerodropException.environment("--context " + options.context() + " is not in the kubeconfig"
                    + " (contexts: " + base.getContexts().stream().map(c -> c.getName()).toList() + ")");
        }
        return new ConfigBuilder(base).withRequestRetryBackoffLimit(0).withConnectionTimeout(5_000)
                .withRequestTimeout(15_000).build();
    }

    private void refuseExistingNamespace() {
        if (client.namespaces().withName(namespace).get() != null) {
            throw ZerodropException.usage("namespace \"" + namespace + "\" already exists on " + server + ": --deploy"
                    + " creates a namespace of its own for the run and deletes it afterwards");
        }
    }

    private void refuseProtectedNamespace() {
        Namespace n;
        try {
            n = client.namespaces().withName(namespace).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                return; // may not read namespaces: the label cannot be seen; the preflight says what is missing
            }
            throw e;
        }
        if (n == null) {
            throw ZerodropException.usage("namespace \"" + namespace + "\" does not exist on " + server);
        }
        Map<String, String> labels = n.getMetadata().getLabels();
        if (labels != null && "true".equals(labels.get(PROTECTED_LABEL))) {
            throw ZerodropException.usage("namespace \"" + namespace + "\" is labelled " + PROTECTED_LABEL
                    + "=true: zerodrop leaves it alone (remove the label to allow disruptions there)");
        }
    }

    static String reason(KubernetesClientException e) {
        return reason(e, null);
    }

    /**
     * The fields a 422 names as invalid ("field: message"), empty when it names none. The API server answers 422 both
     * for an object that fails validation (a Status whose causes name the fields: {@code NewInvalid}) and for a JSON
     * Patch whose {@code test} failed because the object changed (a generic 422 with no causes: the apiserver's
     * {@code applyJSPatch}); only the first is wrong input — the second is a conflict, to read again and retry.
     */
    static List<String> invalidFields(KubernetesClientException e) {
        if (e.getCode() != 422 || e.getStatus() == null || e.getStatus().getDetails() == null
                || e.getStatus().getDetails().getCauses() == null) {
            return List.of();
        }
        return e.getStatus().getDetails().getCauses().stream().filter(c -> c.getField() != null
                && !c.getField().isBlank()).map(c -> c.getField() + ": " + c.getMessage()).toList();
    }

    /**
     * What went wrong with a call, for people: the server's status code and words when it answered; otherwise what
     * happened on the way (closed, refused, timed out, TLS, unknown host) in plain words, the object the call was
     * about, the API server, and what to check — never a bare exception class name.
     */
    static String reason(KubernetesClientException e, KubernetesClient client) {
        if (e.getCode() > 0) {
            return e.getCode() + " " + e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String server = client != null && client.getMasterUrl() != null ? " " + client.getMasterUrl() : "";
        String object = e.getFullResourceName() == null ? "" : " (" + e.getFullResourceName()
                + (e.getName() != null ? " " + e.getName() : "") + (e.getNamespace() != null ? " in namespace "
                + e.getNamespace() : "") + ")";
        String what;
        if (root instanceof ClosedChannelException || root instanceof EOFException) {
            what = "the API server" + server + " closed the connection without answering";
        } else if (root instanceof ConnectException) {
            what = "the API server" + server + " refused the connection";
        } else if (root instanceof UnknownHostException) {
            what = "the API server's host" + server + " is not known to DNS";
        } else if (root instanceof HttpTimeoutException || root instanceof SocketTimeoutException
                || root instanceof TimeoutException) {
            what = "the API server" + server + " did not answer in time";
        } else if (root instanceof SSLException) {
            what = "the TLS handshake with the API server" + server + " failed (" + root.getMessage() + ")";
        } else {
            String msg = root.getMessage();
            what = "no answer from the API server" + server + ": " + root.getClass().getSimpleName()
                    + (msg != null && !msg.equals(root.getClass().getSimpleName()) ? " " + msg : "");
        }
        return what + object + "; check that it is reachable from here (kubectl get --raw /readyz with the same"
                + " context), the kubeconfig's server address and certificates, and any proxy in between";
    }

    public KubernetesClient client() {
        return client;
    }

    public String namespace() {
        return namespace;
    }

    public String server() {
        return server;
    }

    /**
     * Whether the native preStop {@code sleep} action can be used here: the API server and every node's kubelet at
     * 1.30 or later ({@link SettingsUnderTest#nativeSleep}); nodes that cannot be listed count as unknown.
     */
    public boolean hasNativeSleep() {
        Boolean known = nativeSleep;
        if (known == null) {
            known = nativeSleepNow();
            nativeSleep = known;
        }
        return known;
    }

    /** Read once per connection: the dry run's plan and the run's settings ask the same cluster the same question. */
    private volatile Boolean nativeSleep;

    private boolean nativeSleepNow() {
        List<String> kubelets;
        try {
            kubelets = Reads.read("listing the nodes", () -> client.nodes().list()).getItems().stream()
                    .map(n -> n.getStatus() == null || n.getStatus().getNodeInfo() == null ? null
                            : n.getStatus().getNodeInfo().getKubeletVersion()).toList();
        } catch (KubernetesClientException | ZerodropException e) {
            kubelets = List.of();
        }
        return SettingsUnderTest.nativeSleep(String.valueOf(version.getMajor()), String.valueOf(version.getMinor()),
                kubelets);
    }

    /** The kubeconfig context used, or null (in-cluster). */
    public String contextName() {
        return contextName;
    }

    /** For the report header: server, its version, how it was reached, the namespace. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server", server);
        m.put("serverVersion", version.getGitVersion());
        m.put("reachedThrough", context);
        m.put("namespace", namespace);
        return m;
    }

    @Override
    public void close() {
        client.close();
    }
}
