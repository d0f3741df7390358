package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The listening check reads the kernel's socket tables: real sockets, this JVM's own namespace. */
class ListenWatchTest {
    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void seesAListenerOnItsExactAddressAndPortOnlyWhileItListens() throws Exception {
        assumeTrue(ListenWatch.supported(), "needs /proc (Linux)");
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.7"))) {
            port = s.getLocalPort();
            assertThat(ListenWatch.listening(SELF, "127.0.0.7", port)).isTrue();
            assertThat(ListenWatch.listening(SELF, "127.0.0.8", port)).isFalse();
            assertThat(ListenWatch.listening(SELF, "127.0.0.7", port + 1 == 65536 ? 1 : port + 1)).isFalse();
        }
        assertThat(ListenWatch.listening(SELF, "127.0.0.7", port)).isFalse();
    }

    @Test
    void findsIPv4AndWildcardListenersWhateverTheSocketFamilyAmongManyConnections() throws Exception {
        assumeTrue(ListenWatch.supported(), "needs /proc (Linux)");
        // an NIO channel is what Jetty uses; the plain socket may be IPv6 with a v4-mapped address
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.INET);
                ServerSocket any = new ServerSocket(0)) {
            ch.bind(new InetSocketAddress("127.0.0.9", 0), 512);
            int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) { // established connections are listed after the listeners
                    Socket c = new Socket();
                    open.add(c);
                    c.connect(new InetSocketAddress("127.0.0.9", port), 2_000);
                }
                assertThat(ListenWatch.listening(SELF, "127.0.0.9", port)).isTrue();
                assertThat(ListenWatch.listening(SELF, "127.0.0.10", any.getLocalPort())).as("wildcard").isTrue();
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aProcessThatIsGoneListensNowhere() {
        assertThat(ListenWatch.listening(Long.MAX_VALUE, "127.0.0.1", 80)).isFalse();
    }

    @Test
    void addressesArePrintedAsTheKernelDoesOnThisHost() {
        String expected = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? "0100007F" : "7F000001";
        assertThat(ListenWatch.hex4("127.0.0.1")).isEqualTo(expected);
    }
}
