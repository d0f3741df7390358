package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.core.Undo;
import io.zerodrop.testsupport.HostTool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernel's DNAT and conntrack in a namespace of our own, with a client that picks its source port: a connection
 * the departing backend reset leaves a conntrack entry (CLOSE, 10 s) that sends the next connect from the same port
 * to it again once it is gone, as under kube-proxy's iptables mode (it clears no TCP entries), and the front counts
 * exactly those. (A connect that is only ever refused leaves no entry: the kernel drops it at once.)
 */
class NetfilterFrontTest {
    private static final String VIP = "127.61.255.1";
    private static final EndpointTable.Backend A = new EndpointTable.Backend("pod-a", "127.61.0.2", 8080);
    private static final EndpointTable.Backend B = new EndpointTable.Backend("pod-b", "127.61.0.3", 8080);

    @Test
    void aReusedSourcePortFollowsItsStaleConntrackEntryToTheDepartedBackendAndIsCounted() throws Exception {
        if (!NetfilterFront.available()) {
            HostTool.require("iptables-as-root", "root with ip (iproute2) and iptables, for the netfilter Service mode");
        }
        try (Undo undo = new Undo()) {
            NetfilterFront front = new NetfilterFront(VIP, 80, undo);
            List<String> cmd = new ArrayList<>(front.launcher());
            cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), FixedPortClient.class.getName(), VIP, "80"));
            Process client = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            undo.register("stop the client", () -> client.destroyForcibly());
            PrintWriter toClient = new PrintWriter(client.getOutputStream(), true, StandardCharsets.US_ASCII);
            BufferedReader fromClient = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII));

            toClient.println("serve " + A.ip() + " " + A.port());
            assertThat(fromClient.readLine()).isEqualTo("ready");
            front.apply(List.of(A)); // A answers each connection with a reset, as a pod dying under it does
            toClient.println("41000");
            assertThat(fromClient.readLine()).isEqualTo("RESET");
            toClient.println("unserve"); // A is gone
            assertThat(fromClient.readLine()).isEqualTo("ready");
            front.apply(List.of(B)); // A leaves the rules; its conntrack entry (CLOSE, 10 s) stays
            assertThat(front.staleConnects()).isEmpty();

            toClient.println("41000"); // same source port within 10 s: the stale entry, not the rules, decides
            assertThat(fromClient.readLine()).isEqualTo("REFUSED");
            toClient.println("41002"); // a fresh port: the rules send it to B (nothing listens there either)
            assertThat(fromClient.readLine()).isEqualTo("REFUSED");
            assertThat(front.staleConnects()).containsExactly(Map.entry("pod-a", 1L));

            front.apply(List.of(A, B)); // back in the rules: its count so far is kept, SYNs to it are legitimate again
            toClient.println("41004");
            fromClient.readLine();
            assertThat(front.staleConnects()).containsExactly(Map.entry("pod-a", 1L));
            front.apply(List.of()); // no endpoint: REJECT at the Service address
            toClient.println("41006");
            assertThat(fromClient.readLine()).isEqualTo("REFUSED");
            front.apply(List.of(B));
            toClient.close();
            assertThat(client.waitFor(10, TimeUnit.SECONDS)).isTrue();
            front.close();
        }
    }
}
