package io.zerodrop.targetapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Why stop_accepting waits for the kernel, shown on the JDK itself: a listening channel registered with a selector,
 * once closed, is closed for Java at once, but its socket keeps listening until the selector runs again.
 */
class ListenSocketTest {
    @Test
    void aClosedChannelHeldByASelectorListensUntilTheSelectorRuns() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/net/tcp")), "Linux /proc/self/net/tcp");
        try (Selector selector = Selector.open()) {
            ServerSocketChannel ch = ServerSocketChannel.open();
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress bound = (InetSocketAddress) ch.getLocalAddress();
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_ACCEPT);
            assertThat(ListenSocket.listening(bound)).as("open").isTrue();

            ch.close();
            assertThat(ch.isOpen()).isFalse();
            assertThat(ListenSocket.listening(bound)).as("closed for Java, still listening for the kernel").isTrue();

            selector.selectNow(); // the selector deregisters the channel: now the socket is closed
            assertThat(ListenSocket.listening(bound)).as("after the selector ran").isFalse();
        }
    }

    @Test
    void addressesAreWrittenAsTheKernelPrintsThem() throws Exception {
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        assertThat(ListenSocket.hex(InetAddress.getByName("127.0.0.1").getAddress()))
                .isEqualTo(little ? "0100007F" : "7F000001");
        assertThat(ListenSocket.hex(InetAddress.getByName("::1").getAddress()))
                .isEqualTo(little ? "000000000000000000000000" + "01000000" : "00000000000000000000000000000001");
    }
}
