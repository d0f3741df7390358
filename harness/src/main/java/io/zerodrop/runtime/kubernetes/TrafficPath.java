package io.zerodrop.runtime.kubernetes;

import io.zerodrop.core.HttpUrl;
import io.zerodrop.core.ZerodropException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Where the load enters the cluster. It must go the way real clients go — an Ingress, a LoadBalancer or a NodePort
 * — so that it meets the Service's endpoint updates. {@code kubectl port-forward} is refused: it tunnels to one pod
 * through the API server and never sees the endpoint race zerodrop measures.
 */
public final class TrafficPath {
    private TrafficPath() {
    }

    /** Checks the URL; returns how it was chosen, for the report header. */
    public static String check(String url, String how) {
        String problem = HttpUrl.problem(url);
        if (problem != null) {
            throw ZerodropException.usage("traffic URL \"" + url + "\" is " + problem);
        }
        URI u = URI.create(url.trim());
        int port = u.getPort() > 0 ? u.getPort() : url.startsWith("https") ? 443 : 80;
        boolean loopback = u.getHost().equals("localhost") || u.getHost().startsWith("127.") || u.getHost().equals("[::1]");
        if (loopback && portForwardOn(port)) {
            throw ZerodropException.usage("traffic URL " + url + " is served by kubectl port-forward on this host:"
                    + " port-forward tunnels to one pod through the API server and bypasses the Service, so it cannot"
                    + " see the endpoint race zerodrop measures. Use the Ingress, LoadBalancer or NodePort address");
        }
        return how;
    }

    /**
     * The URL when none was given, only where that is unambiguous: a local cluster (a kind or k3d context), exactly
     * one NodePort Service selecting the workload's pods, and a node with an InternalIP. Anything else asks for
     * {@code --url} (exit 2) and says what was found.
     */
    /** Refuses (exit 2) to discover a URL anywhere but on a local kind or k3d cluster. */
    public static void requireLocal(Cluster cluster) {
        String context = cluster.contextName();
        if (context == null || !(context.startsWith("kind-") || context.startsWith("k3d-"))) {
            throw ZerodropException.usage("no traffic URL: give --url (or traffic.url) with the address your clients"
                    + " use — an Ingress, LoadBalancer or NodePort. zerodrop discovers one only on a local kind or k3d"
                    + " cluster (context \"" + context + "\")");
        }
    }

    public static String[] discover(Cluster cluster, ClusterTarget target) {
        requireLocal(cluster);
        var nodePorts = cluster.client().services().inNamespace(cluster.namespace()).list().getItems().stream()
                .filter(s -> "NodePort".equals(s.getSpec().getType()) && s.getSpec().getSelector() != null
                        && !s.getSpec().getSelector().isEmpty()
                        && target.podLabels().entrySet().containsAll(s.getSpec().getSelector().entrySet()))
                .toList();
        if (nodePorts.size() != 1 || nodePorts.get(0).getSpec().getPorts().size() != 1) {
            throw ZerodropException.usage("no traffic URL, and none to discover: " + nodePorts.size() + " NodePort"
                    + " Services select the pods of " + target.kind() + " " + target.name() + " "
                    + nodePorts.stream().map(s -> s.getMetadata().getName()).toList() + " (expected exactly one with one"
                    + " port); give --url");
        }
        var svc = nodePorts.get(0);
        String ip = cluster.client().nodes().list().getItems().stream()
                .flatMap(n -> n.getStatus() == null || n.getStatus().getAddresses() == null ? Stream.empty()
                        : n.getStatus().getAddresses().stream())
                .filter(a -> "InternalIP".equals(a.getType())).map(a -> a.getAddress()).findFirst()
                .orElseThrow(() -> ZerodropException.usage("no traffic URL, and no node with an InternalIP to reach"
                        + " NodePort Service " + svc.getMetadata().getName() + " on; give --url"));
        int port = svc.getSpec().getPorts().get(0).getNodePort();
        return new String[] {"http://" + ip + ":" + port, "discovered: NodePort Service " + svc.getMetadata().getName()
                + " on node address " + ip + " (local cluster, context " + cluster.contextName() + ")"};
    }

    /** The runtime's URL before a deployed workload's Service is known: its cluster address, found at start. */
    public static final String IN_CLUSTER = "in-cluster";

    /**
     * Where load from inside the cluster goes when no URL was given: the cluster DNS name of the first Service that
     * selects the workload's pods, on its first port (exit 2 when there is none).
     */
    public static String[] inCluster(Cluster cluster, ClusterTarget target) {
        if (target.services().isEmpty()) {
            throw ZerodropException.usage("load from inside the cluster goes to the workload's Service, but no Service"
                    + " selects the pods of " + target.kind() + " " + target.name() + "; give --url");
        }
        String name = target.services().get(0);
        var svc = cluster.client().services().inNamespace(cluster.namespace()).withName(name).get();
        if (svc == null || svc.getSpec() == null || svc.getSpec().getPorts() == null || svc.getSpec().getPorts()
                .isEmpty()) {
            throw ZerodropException.usage("Service " + name + " has no port for the load to go to; give --url");
        }
        int port = svc.getSpec().getPorts().get(0).getPort();
        return new String[] {LoadJob.serviceUrl(name, cluster.namespace(), port), "the cluster address of Service "
                + name + " (load from inside the cluster)"};
    }

    /** A {@code kubectl port-forward} process on this host with {@code port} among its arguments. */
    static boolean portForwardOn(int port) {
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path d : proc) {
                try {
                    String[] args = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8)
                            .split("\0");
                    boolean kubectl = args.length > 0 && Path.of(args[0]).getFileName() != null
                            && Path.of(args[0]).getFileName().toString().equals("kubectl");
                    boolean forward = Arrays.asList(args).contains("port-forward");
                    boolean ours = Arrays.stream(args).anyMatch(a -> a.equals(String.valueOf(port))
                            || a.startsWith(port + ":"));
                    if (kubectl && forward && ours) {
                        return true;
                    }
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile, or not readable
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
