package io.zerodrop.ledger;

import io.zerodrop.core.ZerodropException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Client and servers joined request by request through the request id ({@code X-Zerodrop-Request-Id: <run>-<seq>}):
 * what the client saw of each request (the simulation's client log) next to what every server did with it (each
 * pod's request log, written line by line so it survives SIGKILL). The counts that were lower bounds from totals
 * alone become exact: requests that never reached a server, answers a server wrote that never reached the client,
 * requests a server cut, and hidden drops (the client saw OK only because Gatling silently retried an attempt a
 * server had cut). Memory: a few primitive arrays indexed by sequence number, ~20 bytes per request.
 */
public final class RequestJoin {
    private static final byte OK = 1;
    private static final byte FAILED = 2;

    private RequestJoin() {
    }

    /** The exact counts, over the whole run (warm-up included: the servers cannot tell it apart). */
    public record Exact(long clientTotal, long clientOk, long clientFailed, long reachedServer, long serverAttempts,
            long neverReached, long answeredButLost, long cutByServer, long failedOther, long hiddenDrops, long retried,
            long unknownToClient, Map<String, Long> failedByPod) {
    }

    /**
     * Joins {@code clientLog} with the servers' logs (pod name → file), writes the joined table to {@code table}
     * (one line per request: seq, start, end, client ok, pod(s) reached, server outcome(s)) and returns the counts.
     */
    public static Exact join(Path clientLog, Map<String, Path> serverLogs, Path table) {
        return joinAll(List.of(clientLog), serverLogs, table);
    }

    /**
     * As {@link #join}, for the client logs of several load generators (each with its own run token, so every
     * request id is still unique): the counts summed, one table (its seq column then reads {@code <token>-<seq>}).
     */
    public static Exact joinAll(List<Path> clientLogs, Map<String, Path> serverLogs, Path table) {
        long[] sums = new long[12];
        Map<String, Long> byPod = new TreeMap<>();
        try (BufferedWriter w = table == null ? null : Files.newBufferedWriter(table, StandardCharsets.US_ASCII)) {
            if (w != null) {
                w.write("# seq\tclientStartMs\tclientEndMs\tclient\tpods\tserver\n");
            }
            for (Path clientLog : clientLogs) {
                Exact e = joinOne(clientLog, serverLogs, w, clientLogs.size() > 1);
                long[] v = {e.clientTotal(), e.clientOk(), e.clientFailed(), e.reachedServer(), e.serverAttempts(),
                        e.neverReached(), e.answeredButLost(), e.cutByServer(), e.failedOther(), e.hiddenDrops(),
                        e.retried(), e.unknownToClient()};
                for (int i = 0; i < v.length; i++) {
                    sums[i] += v[i];
                }
                e.failedByPod().forEach((pod, n) -> byPod.merge(pod, n, Long::sum));
            }
        } catch (IOException e) {
            throw ZerodropException.environment("cannot write " + table + ": " + e.getMessage(), e);
        }
        return new Exact(sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], sums[7], sums[8], sums[9],
                sums[10], sums[11], Map.copyOf(byPod));
    }

    private static Exact joinOne(Path clientLog, Map<String, Path> serverLogs, BufferedWriter w, boolean withToken) {
        Client c = readClient(clientLog);
        int n = c.maxSeq + 1;
        Served v = readServers(c, n, serverLogs);
        long total = 0, ok = 0, reached = 0, never = 0, lost = 0, cut = 0, other = 0, hidden = 0, retried = 0;
        long allAttempts = 0;
        Map<String, Long> byPod = new TreeMap<>();
        String seqPrefix = withToken ? c.token + "-" : "";
        try {
            for (int s = 0; s < n; s++) {
                if (c.state[s] == 0) {
                    continue;
                }
                total++;
                boolean clientOk = c.state[s] == OK;
                if (v.attempts[s] > 0) {
                    reached++;
                    allAttempts += v.attempts[s];
                }
                if (v.attempts[s] > 1) {
                    retried++;
                }
                if (clientOk) {
                    ok++;
                    if (v.attempts[s] > 1 && v.cuts[s] > 0) {
                        hidden++;
                    }
                } else {
                    if (v.attempts[s] == 0) {
                        never++;
                    } else if (v.okAnswers[s] > 0) {
                        lost++;
                    } else if (v.cuts[s] > 0 || v.outcomes[s] == null) {
                        cut++; // cut by shutdown, or never settled: the process died with it in flight
                    } else {
                        other++; // answered with an error status the client counted as a failure
                    }
                    if (v.podOf[s] != null) {
                        byPod.merge(v.podOf[s], 1L, Long::sum);
                    }
                }
                if (w != null) {
                    w.write(seqPrefix + s + "\t" + c.start[s] + "\t" + c.end[s] + "\t" + (clientOk ? "OK" : "FAILED") + "\t"
                            + (v.podOf[s] == null ? "-" : v.podOf[s]) + "\t" + (v.outcomes[s] == null
                            ? (v.attempts[s] > 0 ? "IN_FLIGHT_AT_EXIT" : "NEVER_RECEIVED") : v.outcomes[s]) + "\n");
                }
            }
        } catch (IOException e) {
            throw ZerodropException.environment("cannot write the joined request table: " + e.getMessage(), e);
        }
        return new Exact(total, ok, total - ok, reached, allAttempts, never, lost, cut, other, hidden, retried, v.unknown,
                Map.copyOf(byPod));
    }

    /** What the servers logged of one client's requests, by sequence number. */
    private static final class Served {
        final byte[] attempts;
        final byte[] okAnswers;
        final byte[] cuts;
        final String[] podOf;
        final String[] outcomes;
        long unknown;

        Served(int n) {
            attempts = new byte[n];
            okAnswers = new byte[n];
            cuts = new byte[n];
            podOf = new String[n];
            outcomes = new String[n];
        }
    }

    /**
     * Reads every pod's request log (pods in name order) for the {@code n} requests of client {@code c}: who received
     * each, how often, and how each answer ended; ids of no request of this client's run are counted as unknown.
     */
    private static Served readServers(Client c, int n, Map<String, Path> serverLogs) {
        Served v = new Served(n);
        for (Map.Entry<String, Path> log : new TreeMap<>(serverLogs).entrySet()) {
            String prefix = c.token + "-";
            try (BufferedReader r = Files.newBufferedReader(log.getValue(), StandardCharsets.US_ASCII)) {
                for (String line; (line = r.readLine()) != null; ) {
                    String[] f = line.split(" ");
                    if (f.length < 3 || !f[1].startsWith(prefix)) {
                        continue; // another run's request (a reused pod directory) or a torn last line
                    }
                    int seq;
                    try {
                        seq = Integer.parseInt(f[1].substring(prefix.length()));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    if (seq < 0 || seq >= n || c.state[seq] == 0) {
                        v.unknown++;
                        continue;
                    }
                    if (f[0].equals("R")) {
                        v.attempts[seq]++;
                        v.podOf[seq] = v.podOf[seq] == null ? log.getKey() : v.podOf[seq] + "," + log.getKey();
                    } else if (f[0].equals("S") && f.length >= 5) {
                        if (f[3].equals("OK")) {
                            v.okAnswers[seq]++;
                        } else if (f[3].equals("CUT") || f[3].equals("CLIENT_ABORTED")) {
                            v.cuts[seq]++;
                        }
                        String o = f[3] + (f[4].equals("0") ? "" : ":" + f[4]);
                        v.outcomes[seq] = v.outcomes[seq] == null ? o : v.outcomes[seq] + "," + o;
                    }
                }
            } catch (IOException e) {
                throw ZerodropException.environment("cannot read the request log of pod " + log.getKey() + " ("
                        + log.getValue() + "): " + e.getMessage(), e);
            }
        }
        return v;
    }

    private static final class Client {
        String token;
        int maxSeq = -1;
        byte[] state = new byte[1024];
        long[] start = new long[1024];
        long[] end = new long[1024];

        void put(int seq, long s, long e, boolean ok) {
            if (seq >= state.length) {
                int size = Math.max(seq + 1, state.length * 2);
                state = Arrays.copyOf(state, size);
                start = Arrays.copyOf(start, size);
                end = Arrays.copyOf(end, size);
            }
            state[seq] = ok ? OK : FAILED;
            start[seq] = s;
            end[seq] = e;
            maxSeq = Math.max(maxSeq, seq);
        }
    }

    private static Client readClient(Path file) {
        Client c = new Client();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String header = r.readLine();
            String marker = "# zerodrop client requests v1 run ";
            if (header == null || !header.startsWith(marker)) {
                throw ZerodropException.environment(file + " is not a zerodrop client request log (its first line is \""
                        + header + "\")");
            }
            c.token = header.substring(marker.length()).trim();
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(" ");
                if (f.length == 4 || f.length == 5) { // the fifth field, the pod the answer named, is DataPath's
                    c.put(Integer.parseInt(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), f[3].equals("1"));
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw ZerodropException.environment("cannot read the client request log " + file + ": " + e.getMessage(), e);
        }
        c.state = Arrays.copyOf(c.state, c.maxSeq + 1);
        return c;
    }
}
