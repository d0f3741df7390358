package io.zerodrop.runtime.local;

import io.zerodrop.workload.Probe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one probe or handler against a pod the way the kubelet does: httpGet (200–399), tcpSocket, exec (exit 0). */
final class Prober {
    private Prober() {
    }

    static boolean check(Probe p, String ip, long timeoutMs, Map<String, String> env, Path workDir) {
        return switch (p.kind()) {
            case Probe.HTTP -> http(ip, p.port(), p.httpPath(), timeoutMs);
            case Probe.TCP -> tcp(ip, p.port(), timeoutMs);
            case Probe.EXEC -> exec(p, timeoutMs, env, workDir);
            default -> sleep(p.sleepSeconds() * 1000, timeoutMs);
        };
    }

    static boolean http(String ip, int port, String path, long timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), (int) Math.max(1, timeoutMs));
            s.setSoTimeout((int) Math.max(1, timeoutMs));
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + ip + ":" + port + "\r\nUser-Agent: kube-probe/zerodrop\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = new byte[12];
            int n = in.readNBytes(head, 0, 12);
            if (n < 12) {
                return false;
            }
            int status = Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII));
            return status >= 200 && status < 400;
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    static boolean tcp(String ip, int port, long timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), (int) Math.max(1, timeoutMs));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs the command in the pod's directory with the pod's env; it is killed when the timeout runs out. */
    static boolean exec(Probe p, long timeoutMs, Map<String, String> env, Path workDir) {
        ProcessBuilder pb = new ProcessBuilder(p.command()).directory(workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process proc = null;
        try {
            proc = pb.start();
            if (!proc.waitFor(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS)) {
                return false;
            }
            return proc.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (proc != null && proc.isAlive()) {
                proc.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                proc.destroyForcibly();
            }
        }
    }

    private static boolean sleep(long ms, long timeoutMs) {
        try {
            Thread.sleep(Math.min(ms, Math.max(0, timeoutMs)));
            return ms <= timeoutMs;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
