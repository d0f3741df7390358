package io.zerodrop.targetapp;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether this process's network namespace still has a TCP socket listening on an address, read from
 * {@code /proc/self/net/tcp} and {@code tcp6}. Why it is needed: a listening channel registered with a selector (as
 * Jetty's) is only marked closed by {@code close()}; the kernel socket is closed when the selector next runs, and
 * until then the kernel completes connections to it — under CPU contention, for a while. Linux only; where the files
 * cannot be read the answer is false (the channel's own state is all there is).
 */
final class ListenSocket {
    private static final String LISTEN = "0A";
    private static final Path NET = Path.of("/proc/self/net");

    private ListenSocket() {
    }

    /** Whether a listener on {@code a} (its address and port, or the wildcard address and its port) is there. */
    static boolean listening(InetSocketAddress a) {
        String port = String.format(Locale.ROOT, "%04X", a.getPort());
        InetAddress ip = a.getAddress();
        byte[] b = ip.getAddress();
        if (ip instanceof Inet4Address) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(b, 0, mapped, 12, 4);
            boolean any = ip.isAnyLocalAddress();
            return scan(NET.resolve("tcp"), hex(b) + ":" + port, any)
                    || scan(NET.resolve("tcp6"), hex(mapped) + ":" + port, any);
        }
        return scan(NET.resolve("tcp6"), hex(b) + ":" + port, ip.isAnyLocalAddress());
    }

    /**
     * An address as the kernel prints it there: each 32-bit word of it read in host byte order, in hex ({@code
     * 127.0.0.1} is {@code 0100007F} on a little-endian machine).
     */
    static String hex(byte[] address) {
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        StringBuilder sb = new StringBuilder(address.length * 2);
        for (int word = 0; word < address.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                sb.append(String.format(Locale.ROOT, "%02X", address[word + (little ? 3 - i : i)] & 0xff));
            }
        }
        return sb.toString();
    }

    private static boolean scan(Path file, String local, boolean anyAddress) {
        String port = local.substring(local.indexOf(':'));
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            r.readLine(); // header
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.trim().split("\\s+", 5);
                if (f.length < 4 || !f[3].equals(LISTEN)) {
                    continue;
                }
                if (f[1].equals(local) || anyAddress && f[1].matches("0+" + port)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false; // no /proc, or no IPv6
        }
    }
}
