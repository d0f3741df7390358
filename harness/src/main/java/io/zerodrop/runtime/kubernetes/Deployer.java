package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zerodrop.core.Sleep;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code --deploy}: the scenario's rendered manifests created in a namespace of their own that zerodrop creates for
 * the run and deletes afterwards (its deletion, registered before the namespace exists, takes every object in it
 * along). Only namespaced objects are deployed: a cluster-scoped one would outlive the namespace, so it is refused
 * before anything is created, as is a manifest that names another namespace.
 */
public final class Deployer {
    /** Kinds that are not namespaced: refused, since deleting the run's namespace would not remove them. */
    static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "Node", "PersistentVolume", "StorageClass",
            "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass", "IngressClass",
            "RuntimeClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService",
            "CSIDriver", "VolumeSnapshotClass");
    /** Label on the namespace zerodrop created: which run it belongs to. */
    public static final String RUN_LABEL = "zerodrop.io/run";
    /** How long the undo waits for the namespace to be gone. */
    static final long NAMESPACE_GONE_MS = 120_000;

    private final List<HasMetadata> objects;
    private final String namespace;
    private final String runId;

    /** Checks the objects (exit 2 on what cannot be deployed); changes nothing. */
    public Deployer(List<HasMetadata> objects, String namespace, String runId, String source) {
        for (HasMetadata o : objects) {
            String what = o.getKind() + " " + o.getMetadata().getName() + " in " + source;
            if (CLUSTER_SCOPED.contains(o.getKind())) {
                throw ZerodropException.usage(what + " is cluster-scoped: --deploy creates only namespaced objects,"
                        + " inside the namespace it creates and deletes for the run; apply it yourself beforehand");
            }
            String ns = o.getMetadata().getNamespace();
            if (ns != null && !ns.isBlank()) {
                throw ZerodropException.usage(what + " names namespace \"" + ns + "\": --deploy puts every object in"
                        + " the namespace it creates for the run (" + namespace + "); remove metadata.namespace (or"
                        + " the kustomize namespace:) for --deploy");
            }
        }
        this.objects = List.copyOf(objects);
        this.namespace = namespace;
        this.runId = runId;
    }

    /** A namespace name for the run: {@code zerodrop-<run id>}, cut to the 63 characters a name may have. */
    public static String namespaceFor(String runId) {
        String n = ("zerodrop-" + runId.toLowerCase(Locale.ROOT)).replaceAll("[^a-z0-9-]", "-");
        n = n.length() > 63 ? n.substring(0, 63) : n;
        return n.replaceAll("-+$", "");
    }

    public String namespace() {
        return namespace;
    }

    public String runId() {
        return runId;
    }

    /** What the dry run shows: the calls, in order. */
    public List<String> plan() {
        List<String> out = new ArrayList<>();
        out.add("POST /api/v1/namespaces " + namespace + " (labels " + RUN_LABEL + "=" + runId + ", "
                + SettingsUnderTest.MANAGED_BY + "=zerodrop); its DELETE registered first, sent at the end");
        for (HasMetadata o : objects) {
            out.add("POST " + o.getApiVersion() + " " + o.getKind() + " " + o.getMetadata().getName() + " into "
                    + namespace);
        }
        return out;
    }

    /** The permissions deploying needs: namespaces (cluster-wide), and create of each kind in the namespace. */
    public List<Preflight.Permission> permissions() {
        List<Preflight.Permission> out = new ArrayList<>();
        out.add(new Preflight.Permission("create", "", "namespaces", null, true));
        out.add(new Preflight.Permission("delete", "", "namespaces", null, true));
        for (HasMetadata o : objects) {
            String apiVersion = o.getApiVersion();
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            Preflight.Permission p = new Preflight.Permission("create", group, plural(o.getKind()), null, false);
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    private static String plural(String kind) {
        String k = kind.toLowerCase(Locale.ROOT);
        return k.endsWith("s") ? k + "es" : k.endsWith("y") ? k.substring(0, k.length() - 1) + "ies" : k + "s";
    }

    /** Creates the namespace (its deletion registered first), then every object in it, in the manifests' order. */
    public void deploy(KubernetesClient client, Undo undo, Consumer<Undo.Registration> registered) {
        registered.accept(undo.register("delete namespace " + namespace + " (created for the run, with everything in"
                + " it)", () -> delete(client)));
        try {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .withLabels(Map.of(RUN_LABEL, runId, SettingsUnderTest.MANAGED_BY, "zerodrop")).endMetadata()
                    .build()).create();
        } catch (KubernetesClientException e) {
            throw ZerodropException.environment("creating namespace " + namespace + " failed: " + Cluster.reason(e, client));
        }
        for (HasMetadata o : objects) {
            try {
                client.resource(o).inNamespace(namespace).create();
            } catch (KubernetesClientException e) {
                throw ZerodropException.environment("creating " + o.getKind() + " " + o.getMetadata().getName()
                        + " in namespace " + namespace + " failed: " + Cluster.reason(e, client));
            }
        }
    }

    private void delete(KubernetesClient client) {
        Reads.repeatable("deleting namespace " + namespace, () -> client.namespaces().withName(namespace).delete());
        long deadline = System.currentTimeMillis() + NAMESPACE_GONE_MS;
        while (Reads.read("reading namespace " + namespace, () -> client.namespaces().withName(namespace).get())
                != null) {
            if (System.currentTimeMillis() > deadline || !Sleep.forMs(500)) {
                throw ZerodropException.environment("namespace " + namespace + " is still terminating after "
                        + NAMESPACE_GONE_MS / 1000 + " s (its deletion was sent; a finalizer may hold it)");
            }
        }
    }
}
