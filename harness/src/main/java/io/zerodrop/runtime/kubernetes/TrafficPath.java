package io.zerodrop.runtime.kubernetes;

import io.zerodrop.core.ZerodropException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

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
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw ZerodropException.usage("traffic URL \"" + url + "\" is not a URL: expected http(s)://host[:port]");
        }
        if (u.getHost() == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw ZerodropException.usage("traffic URL \"" + url + "\" is invalid: expected http(s)://host[:port]");
        }
        int port = u.getPort() > 0 ? u.getPort() : url.startsWith("https") ? 443 : 80;
        boolean loopback = u.getHost().equals("localhost") || u.getHost().startsWith("127.") || u.getHost().equals("[::1]");
        if (loopback && portForwardOn(port)) {
            throw ZerodropException.usage("traffic URL " + url + " is served by kubectl port-forward on this host:"
                    + " port-forward tunnels to one pod through the API server and bypasses the Service, so it cannot"
                    + " see the endpoint race zerodrop measures. Use the Ingress, LoadBalancer or NodePort address");
        }
        return how;
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
                    boolean forward = java.util.Arrays.asList(args).contains("port-forward");
                    boolean ours = java.util.Arrays.stream(args).anyMatch(a -> a.equals(String.valueOf(port))
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
