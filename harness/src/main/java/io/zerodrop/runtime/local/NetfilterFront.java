package io.zerodrop.runtime.local;

import io.zerodrop.core.RunMarker;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Service as kube-proxy's iptables mode makes it, in a private network namespace zerodrop creates (and deletes,
 * with every rule in it): a nat OUTPUT rule sends the Service address to a chain whose DNAT rules pick one ready
 * endpoint at random ({@code statistic} probabilities 1/n, 1/(n-1), ...). conntrack keeps established
 * connections on their backend; a backend with nothing listening refuses the connect (REFUSED), and no ready
 * endpoint at all is rejected (REFUSED) too. Pods, probes, hooks and the load generator run inside the namespace.
 * Needs root, {@code ip} (iproute2) and {@code iptables}.
 *
 * <p>Like kube-proxy, it leaves TCP conntrack entries alone when an endpoint leaves (clearing them would cut
 * connections still draining). The entry of a connection the dying pod reset (it was open when the process died)
 * lingers in CLOSE state ({@code nf_conntrack_tcp_timeout_close}, 10 s); a new connection that reuses its source
 * port within that time is sent to the dead pod and refused (kubernetes/kubernetes#101607). A connect that was only
 * ever refused leaves no entry: the kernel drops it at once. A load generator opening hundreds of
 * connections a second wraps its source ports in seconds, so this happens. Every SYN that reaches a backend after
 * it left the rules can only have come that way: a counting rule per departed backend measures them.
 */
final class NetfilterFront implements ServiceFront {
    private static final String CHAIN = "ZERODROP-SVC";
    private static final String STALE = "ZERODROP-STALE";
    private final String ns;
    private final String vip;
    private final int port;
    private boolean rejecting;
    /** Backends in the DNAT rules now. */
    private final Set<EndpointTable.Backend> inRules = new LinkedHashSet<>();
    /** Backends that left the rules, with a counting rule each. */
    private final Map<EndpointTable.Backend, Long> departed = new LinkedHashMap<>();
    /** Counts of backends that came back into the rules, by pod. */
    private final Map<String, Long> returned = new LinkedHashMap<>();

    NetfilterFront(String vip, int port, Undo undo) {
        this.ns = "zd-" + Long.toHexString(System.nanoTime() & 0xffffffL) + "-" + ProcessHandle.current().pid();
        this.vip = vip;
        this.port = port;
        undo.register("delete network namespace " + ns, () -> run(List.of("ip", "netns", "del", ns), false));
        RunMarker.current().ifPresent(m -> m.namespace(ns)); // found again if this JVM is killed
        run(List.of("ip", "netns", "add", ns), true);
        inNs("ip", "link", "set", "lo", "up");
        inNs("iptables", "-t", "nat", "-N", CHAIN);
        inNs("iptables", "-t", "nat", "-A", "OUTPUT", "-d", vip, "-p", "tcp", "--dport", String.valueOf(port), "-j", CHAIN);
        inNs("iptables", "-t", "filter", "-N", STALE);
        inNs("iptables", "-t", "filter", "-A", "OUTPUT", "-j", STALE);
        apply(List.of());
    }

    /** Whether this machine can run it: root, and ip and iptables on PATH. */
    static boolean available() {
        return "root".equals(System.getProperty("user.name")) && onPath("ip") && onPath("iptables");
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
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
        stopCountingReturned(ready);
        if (ready.isEmpty()) {
            rules.append("COMMIT\n");
            restore(rules.toString());
            countDeparted(ready);
            if (!rejecting) {
                inNs(reject("-A"));
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
            rules.append(" -j DNAT --to-destination ").append(b.address()).append('\n');
        }
        rules.append("COMMIT\n");
        restore(rules.toString());
        countDeparted(ready);
        if (rejecting) {
            inNs(reject("-D"));
            rejecting = false;
        }
    }

    private String[] reject(String op) {
        return new String[] {"iptables", "-t", "filter", op, "OUTPUT", "-d", vip, "-p", "tcp", "--dport",
                String.valueOf(port), "-j", "REJECT"};
    }

    /** A backend back in the rules stops being counted (its count so far is kept): its SYNs are legitimate again. */
    private void stopCountingReturned(List<EndpointTable.Backend> ready) {
        for (EndpointTable.Backend b : ready) {
            Long before = departed.get(b);
            if (before != null) {
                long now = before + staleCounts().getOrDefault(b.address(), 0L);
                inNs(staleRule("-D", b));
                departed.remove(b);
                returned.merge(b.pod(), now, Long::sum);
            }
        }
    }

    /**
     * A backend that has just left the rules gets a rule counting the SYNs that still reach it: added once the
     * rules without it are committed, so no connection the rules themselves sent there is counted.
     */
    private void countDeparted(List<EndpointTable.Backend> ready) {
        for (EndpointTable.Backend b : inRules) {
            if (!ready.contains(b) && !departed.containsKey(b)) {
                inNs(staleRule("-A", b));
                departed.put(b, 0L);
            }
        }
        inRules.clear();
        inRules.addAll(ready);
    }

    private static String[] staleRule(String op, EndpointTable.Backend b) {
        return new String[] {"iptables", "-t", "filter", op, STALE, "-d", b.ip() + "/32", "-p", "tcp", "--dport",
                String.valueOf(b.port()), "--syn"};
    }

    /** SYN packets counted per departed backend {@code ip:port}, from {@code iptables -S -v} ("-c pkts bytes"). */
    private Map<String, Long> staleCounts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (List<String> f : rules("filter", STALE, "-v")) {
            int d = f.indexOf("-d");
            int p = f.indexOf("--dport");
            int c = f.indexOf("-c");
            if (!f.get(0).equals("-A") || d < 0 || p < 0 || c < 0 || c + 1 >= f.size()) {
                continue;
            }
            String ip = f.get(d + 1).replace("/32", "");
            out.merge(ip + ":" + f.get(p + 1), Long.parseLong(f.get(c + 1)), Long::sum);
        }
        return out;
    }

    @Override
    public synchronized Map<String, Long> staleConnects() {
        Map<String, Long> out = new LinkedHashMap<>(returned);
        Map<String, Long> counts = departed.isEmpty() ? Map.of() : staleCounts();
        departed.forEach((b, before) -> out.merge(b.pod(), before + counts.getOrDefault(b.address(), 0L),
                Long::sum));
        out.values().removeIf(v -> v == 0);
        return out;
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

    private static String output(List<String> cmd, boolean check) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || (check && p.exitValue() != 0)) {
                throw ZerodropException.environment(String.join(" ", cmd) + " failed: " + out.trim());
            }
            return out;
        } catch (IOException e) {
            throw ZerodropException.environment(String.join(" ", cmd) + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void run(List<String> cmd, boolean check) {
        output(cmd, check);
    }

    /** The DNAT destinations in the kernel's rules now. */
    @Override
    public List<String> routed() {
        List<String> out = new ArrayList<>();
        for (List<String> f : rules("nat", CHAIN)) {
            int to = f.indexOf("--to-destination");
            if (to >= 0 && to + 1 < f.size()) {
                out.add(f.get(to + 1));
            }
        }
        return out;
    }

    /** The rules of one chain as {@code iptables -S} prints them, each split into its words. */
    private List<List<String>> rules(String table, String chain, String... options) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "iptables", "-t", table, "-S", chain));
        cmd.addAll(List.of(options));
        List<List<String>> out = new ArrayList<>();
        for (String line : output(cmd, true).split("\n")) {
            out.add(List.of(line.trim().split("\\s+")));
        }
        return out;
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
