package io.zerodrop.runtime.local;

import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The Service as kube-proxy's iptables mode makes it, in a private network namespace zerodrop creates (and deletes,
 * with every rule in it): a nat OUTPUT rule sends the Service address to a chain whose DNAT rules pick one ready
 * endpoint at random ({@code statistic} probabilities 1/n, 1/(n-1), ...). conntrack keeps established
 * connections on their backend; a backend with nothing listening refuses the connect (REFUSED), and no ready
 * endpoint at all is rejected (REFUSED) too. Pods, probes, hooks and the load generator run inside the namespace.
 * Needs root, {@code ip} (iproute2) and {@code iptables}.
 */
final class NetfilterFront implements ServiceFront {
    private static final String CHAIN = "ZERODROP-SVC";
    private final String ns;
    private final String vip;
    private final int port;
    private boolean rejecting;

    NetfilterFront(String vip, int port, Undo undo) {
        this.ns = "zd-" + Long.toHexString(System.nanoTime() & 0xffffffL) + "-" + ProcessHandle.current().pid();
        this.vip = vip;
        this.port = port;
        undo.register("delete network namespace " + ns, () -> run(List.of("ip", "netns", "del", ns), false));
        run(List.of("ip", "netns", "add", ns), true);
        inNs("ip", "link", "set", "lo", "up");
        inNs("iptables", "-t", "nat", "-N", CHAIN);
        inNs("iptables", "-t", "nat", "-A", "OUTPUT", "-d", vip, "-p", "tcp", "--dport", String.valueOf(port), "-j", CHAIN);
        apply(List.of());
    }

    /** Whether this machine can run it: root, and ip and iptables on PATH. */
    static boolean available() {
        return "root".equals(System.getProperty("user.name")) && onPath("ip") && onPath("iptables");
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public synchronized void apply(List<EndpointTable.Backend> ready) {
        StringBuilder rules = new StringBuilder("*nat\n:" + CHAIN + " - [0:0]\n-F " + CHAIN + "\n");
        if (ready.isEmpty()) {
            rules.append("COMMIT\n");
            restore(rules.toString());
            if (!rejecting) {
                inNs("iptables", "-t", "filter", "-A", "OUTPUT", "-d", vip, "-p", "tcp", "--dport",
                        String.valueOf(port), "-j", "REJECT");
                rejecting = true;
            }
            return;
        }
        for (int i = 0; i < ready.size(); i++) {
            EndpointTable.Backend b = ready.get(i);
            rules.append("-A ").append(CHAIN).append(" -p tcp");
            int left = ready.size() - i;
            if (left > 1) {
                rules.append(String.format(Locale.ROOT, " -m statistic --mode random --probability %.5f", 1.0 / left));
            }
            rules.append(" -j DNAT --to-destination ").append(b.ip()).append(':').append(b.port()).append('\n');
        }
        rules.append("COMMIT\n");
        restore(rules.toString());
        if (rejecting) {
            inNs("iptables", "-t", "filter", "-F", "OUTPUT");
            rejecting = false;
        }
    }

    private void restore(String rules) {
        try {
            Process p = new ProcessBuilder(List.of("ip", "netns", "exec", ns, "iptables-restore", "--noflush"))
                    .redirectErrorStream(true).start();
            p.getOutputStream().write(rules.getBytes(StandardCharsets.US_ASCII));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw ZerodropException.environment("iptables-restore in " + ns + " failed: " + out.trim());
            }
        } catch (IOException e) {
            throw ZerodropException.environment("iptables-restore in " + ns + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void inNs(String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        run(full, true);
    }

    private static void run(List<String> cmd, boolean check) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || (check && p.exitValue() != 0)) {
                throw ZerodropException.environment(String.join(" ", cmd) + " failed: " + out.trim());
            }
        } catch (IOException e) {
            throw ZerodropException.environment(String.join(" ", cmd) + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<String> launcher() {
        return List.of("ip", "netns", "exec", ns);
    }

    @Override
    public String describe() {
        return "netfilter: iptables DNAT (statistic random over ready endpoints) in network namespace " + ns
                + ", as kube-proxy's iptables mode; conntrack pins established connections; a dead backend refuses";
    }

    @Override
    public void close() {
        run(List.of("ip", "netns", "del", ns), false);
    }
}
