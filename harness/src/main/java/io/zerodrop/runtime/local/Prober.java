package io.zerodrop.runtime.local;

import io.zerodrop.core.ProcessTrees;
import io.zerodrop.core.RunMarker;
import io.zerodrop.core.Sleep;
import io.zerodrop.workload.Probe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one probe or handler against a pod the way the kubelet does: httpGet (200–399), tcpSocket, exec (exit 0). */
final class Prober {
    private Prober() {
    }

    /** A probe's outcome and what it saw: "HTTP 503", "connection refused", "exit code 1", "timed out after 1000 ms". */
    record Result(boolean ok, String detail) {
        static Result of(boolean ok, String detail) {
            return new Result(ok, detail);
        }
    }

    static boolean check(Probe p, String ip, long timeoutMs, Map<String, String> env, Path workDir,
            List<String> launcher) {
        return probe(p, ip, timeoutMs, env, workDir, launcher).ok();
    }

    static Result probe(Probe p, String ip, long timeoutMs, Map<String, String> env, Path workDir,
            List<String> launcher) {
        if (!launcher.isEmpty() && (p.kind().equals(Probe.HTTP) || p.kind().equals(Probe.TCP))) {
            return inNamespace(p, ip, timeoutMs, workDir, launcher);
        }
        return switch (p.kind()) {
            case HTTP -> httpResult(ip, p.port(), p.httpPath(), timeoutMs);
            case TCP -> tcpResult(ip, p.port(), timeoutMs);
            case EXEC -> execResult(withLauncher(p, launcher), timeoutMs, env, workDir);
            case SLEEP -> Result.of(sleep(p.sleepSeconds() * 1000, timeoutMs), "slept");
        };
    }

    private static Probe withLauncher(Probe p, List<String> launcher) {
        if (launcher.isEmpty()) {
            return p;
        }
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(p.command());
        return new Probe(p.kind(), p.httpPath(), p.port(), cmd, p.sleepSeconds(), p.initialDelaySeconds(),
                p.periodSeconds(), p.timeoutSeconds(), p.successThreshold(), p.failureThreshold());
    }

    /** httpGet or tcpSocket from inside the pods' network namespace, through bash's /dev/tcp. */
    private static Result inNamespace(Probe p, String ip, long timeoutMs, Path workDir, List<String> launcher) {
        String script = "exec 3<>/dev/tcp/" + ip + "/" + p.port();
        if (p.kind().equals(Probe.HTTP)) {
            script += "; printf 'GET " + p.httpPath().replace("'", "") + " HTTP/1.1\\r\\nHost: " + ip
                    + "\\r\\nUser-Agent: kube-probe/zerodrop\\r\\nConnection: close\\r\\n\\r\\n' >&3;"
                    + " read -r v s rest <&3; [ \"$s\" -ge 200 ] && [ \"$s\" -lt 400 ]";
        }
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of("bash", "-c", script));
        Result r = execResult(new Probe(Probe.EXEC, "", 0, cmd, 0, 0, 0, 0, 0, 0), timeoutMs, Map.of(), workDir);
        return r.ok() ? Result.of(true, "answered 200-399 (from inside the namespace)")
                : Result.of(false, "no connection or an answer outside 200-399 (from inside the namespace: "
                        + r.detail() + ")");
    }

    static boolean http(String ip, int port, String path, long timeoutMs) {
        return httpResult(ip, port, path, timeoutMs).ok();
    }

    static Result httpResult(String ip, int port, String path, long timeoutMs) {
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
                return Result.of(false, "connection closed without an HTTP status line");
            }
            int status = Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII));
            return Result.of(status >= 200 && status < 400, "HTTP " + status);
        } catch (NumberFormatException e) {
            return Result.of(false, "not an HTTP answer");
        } catch (IOException e) {
            return Result.of(false, ioReason(e, timeoutMs));
        }
    }

    private static String ioReason(IOException e, long timeoutMs) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out after " + timeoutMs + " ms";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    static boolean tcp(String ip, int port, long timeoutMs) {
        return tcpResult(ip, port, timeoutMs).ok();
    }

    static Result tcpResult(String ip, int port, long timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), (int) Math.max(1, timeoutMs));
            return Result.of(true, "connected");
        } catch (IOException e) {
            return Result.of(false, ioReason(e, timeoutMs));
        }
    }

    /** Runs the command in the pod's directory with the pod's env; it is killed when the timeout runs out. */
    static boolean exec(Probe p, long timeoutMs, Map<String, String> env, Path workDir) {
        return execResult(p, timeoutMs, env, workDir).ok();
    }

    static Result execResult(Probe p, long timeoutMs, Map<String, String> env, Path workDir) {
        ProcessBuilder pb = new ProcessBuilder(p.command()).directory(workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
        pb.environment().putAll(env);
        RunMarker.tag(pb.environment());
        if (!env.containsKey("PATH")) {
            pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
        }
        Process proc = null;
        try {
            proc = pb.start();
            if (!proc.waitFor(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS)) {
                return Result.of(false, "timed out after " + timeoutMs + " ms");
            }
            return Result.of(proc.exitValue() == 0, "exit code " + proc.exitValue());
        } catch (IOException e) {
            return Result.of(false, "cannot run " + p.command() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.of(false, "interrupted");
        } finally {
            if (proc != null && proc.isAlive()) {
                ProcessTrees.kill(proc);
            }
        }
    }

    private static boolean sleep(long ms, long timeoutMs) {
        return Sleep.forMs(Math.min(ms, Math.max(0, timeoutMs))) && ms <= timeoutMs;
    }
}
