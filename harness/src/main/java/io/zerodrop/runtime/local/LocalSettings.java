package io.zerodrop.runtime.local;

import io.zerodrop.core.ZerodropException;
import java.nio.file.Path;
import java.util.List;

/**
 * How the local runtime plays the cluster.
 *
 * @param endpointDelayMs  deletion or readiness change → the proxy acting on it. Default 1,000 ms: kube-proxy's
 *                         iptables {@code minSyncPeriod} defaults to 1 s and the EndpointSlice controller batches
 *                         updates; upstream has no propagation SLO and tolerates up to 30 s (docs/background.md §1)
 * @param endpointJitterMs uniform jitter added to each endpoint change, ± this (default 250 ms): propagation is not
 *                         the same for every change
 * @param kubeletNoticeMs  deletion → the kubelet starting preStop/SIGTERM (default 100 ms: it watches the API and
 *                         notices quickly, so the kubelet path usually wins the race)
 * @param generatorClockSkewsMs when the local runtime plays the load Job: how far ahead each generator's clock is
 *                         made to run (its records and clock readings alike), to see the clock correction work
 */
public record LocalSettings(int nodes, long endpointDelayMs, long endpointJitterMs, long kubeletNoticeMs, long seed,
        ImageMap images, Path workDir, String serviceMode, List<Long> generatorClockSkewsMs) {

    public LocalSettings(int nodes, long endpointDelayMs, long endpointJitterMs, long kubeletNoticeMs, long seed,
            ImageMap images, Path workDir, String serviceMode) {
        this(nodes, endpointDelayMs, endpointJitterMs, kubeletNoticeMs, seed, images, workDir, serviceMode,
                List.of());
    }

    /** Service modes: netfilter where root with ip and iptables, else userspace; or one of them forced. */
    public static final List<String> SERVICE_MODES = List.of("auto", "netfilter", "userspace");

    public LocalSettings {
        if (!SERVICE_MODES.contains(serviceMode)) {
            throw ZerodropException.usage("service mode \"" + serviceMode
                    + "\" is invalid: expected one of " + SERVICE_MODES);
        }
        // pods run in their own directories: a relative path handed to them (${POD_DIR}) would resolve there
        workDir = workDir.toAbsolutePath().normalize();
        generatorClockSkewsMs = List.copyOf(generatorClockSkewsMs);
    }

    public static LocalSettings defaults(long seed, Path workDir) {
        return new LocalSettings(3, 1_000, 250, 100, seed, ImageMap.withDefaults(), workDir, "auto");
    }

    /** The same settings with another number of nodes. */
    public LocalSettings withNodes(int n) {
        return new LocalSettings(n, endpointDelayMs, endpointJitterMs, kubeletNoticeMs, seed, images, workDir,
                serviceMode, generatorClockSkewsMs);
    }

    /** The same settings with the load generators' clocks made to run off by these (one per generator). */
    public LocalSettings withGeneratorClockSkews(List<Long> skewsMs) {
        return new LocalSettings(nodes, endpointDelayMs, endpointJitterMs, kubeletNoticeMs, seed, images, workDir,
                serviceMode, skewsMs);
    }

    /** The same settings with another Service mode. */
    public LocalSettings withServiceMode(String mode) {
        return new LocalSettings(nodes, endpointDelayMs, endpointJitterMs, kubeletNoticeMs, seed, images, workDir, mode,
                generatorClockSkewsMs);
    }
}
