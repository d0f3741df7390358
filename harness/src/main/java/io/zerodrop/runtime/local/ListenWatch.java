package io.zerodrop.runtime.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether a process's network namespace has a TCP socket listening on an address and port, read from
 * {@code /proc/<pid>/net/tcp} and {@code tcp6} without opening a connection to the app (a connect would be a request
 * the app and its ledger could see). The kernel lists listening sockets before the established and TIME_WAIT ones,
 * so a read stops at the first non-listening line: its cost does not grow with the load generator's connections.
 * Linux only; elsewhere {@link #supported()} is false and nobody asks.
 */
final class ListenWatch {
    private static final String LISTEN = "0A";
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private ListenWatch() {
    }

    static boolean supported() {
        return Files.isDirectory(Path.of("/proc/self/net"));
    }

    /** Whether {@code pid}'s namespace has a listener on {@code ip:port} or on the wildcard address and port. */
    static boolean listening(long pid, String ip, int port) {
        Path net = Path.of("/proc", String.valueOf(pid), "net");
        String v4 = hex4(ip) + ":" + hexPort(port);
        String v6 = "0000000000000000" + (LITTLE_ENDIAN ? "FFFF0000" : "0000FFFF") + v4;
        String any4 = "00000000:" + hexPort(port);
        String any6 = "00000000000000000000000000000000:" + hexPort(port);
        return scan(net.resolve("tcp"), v4, any4) || scan(net.resolve("tcp6"), v6, any6);
    }

    private static boolean scan(Path file, String exact, String wildcard) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            r.readLine(); // header
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.trim().split("\\s+", 5);
                if (f.length < 4 || !f[3].equals(LISTEN)) {
                    return false; // listeners come first
                }
                if (f[1].equals(exact) || f[1].equals(wildcard)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false; // process gone, or no IPv6
        }
    }

    /** The kernel prints an IPv4 address as its 32-bit value read in host byte order. */
    static String hex4(String ip) {
        String[] o = ip.split("\\.");
        if (o.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        StringBuilder sb = new StringBuilder(8);
        for (int i = 0; i < 4; i++) {
            sb.append(String.format(Locale.ROOT, "%02X", Integer.parseInt(o[LITTLE_ENDIAN ? 3 - i : i])));
        }
        return sb.toString();
    }

    private static String hexPort(int port) {
        return String.format(Locale.ROOT, "%04X", port);
    }
}
