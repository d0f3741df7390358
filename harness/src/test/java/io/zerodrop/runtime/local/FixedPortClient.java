package io.zerodrop.runtime.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * Run inside a network namespace by tests, driven by stdin lines:
 * <ul>
 * <li>{@code serve <ip> <port>}: a backend there that accepts each connection and resets it at once (a pod dying
 * with the connection open);</li>
 * <li>{@code unserve}: that backend is gone (nothing listens any more);</li>
 * <li>{@code <sourcePort>}: connects from that local port to the address given as arguments, reads until the
 * connection ends, prints {@code RESET}, {@code CLOSED}, {@code REFUSED} or {@code TIMEOUT}.</li>
 * </ul>
 * Every line is answered with one line ({@code ready} for the server commands).
 */
public final class FixedPortClient {
    private FixedPortClient() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        ServerSocket server = null;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] cmd = line.trim().split(" ");
            if (cmd[0].equals("serve")) {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(cmd[1], Integer.parseInt(cmd[2])), 50);
                server = s;
                Thread t = new Thread(() -> resetEach(s), "resetting-backend");
                t.setDaemon(true);
                t.start();
                answer("ready");
            } else if (cmd[0].equals("unserve")) {
                server.close();
                answer("ready");
            } else {
                answer(connect(host, port, Integer.parseInt(cmd[0])));
            }
        }
    }

    private static void resetEach(ServerSocket s) {
        while (!s.isClosed()) {
            try (Socket c = s.accept()) {
                c.setSoLinger(true, 0); // close = RST
            } catch (IOException e) {
                return;
            }
        }
    }

    private static String connect(String host, int port, int sourcePort) throws IOException {
        try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("0.0.0.0", sourcePort));
            s.connect(new InetSocketAddress(host, port), 2_000);
            s.setSoTimeout(2_000);
            return s.getInputStream().read() < 0 ? "CLOSED" : "DATA";
        } catch (ConnectException e) {
            return "REFUSED";
        } catch (SocketException e) {
            return "RESET"; // connected, then reset (the reset may already be there when the socket is first used)
        } catch (SocketTimeoutException e) {
            return "TIMEOUT";
        }
    }

    private static void answer(String s) {
        System.out.println(s);
        System.out.flush();
    }
}
