package io.zerodrop.sims;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The contract between zerodrop and a simulation: every parameter is a system property with a default, so a
 * simulation runs alone as well as under zerodrop. A bad value fails the simulation's construction with a message
 * naming the property, quoting the value and saying what is expected.
 *
 * <table>
 * <tr><th>property</th><th>default</th><th>meaning</th></tr>
 * <tr><td>zerodrop.baseUrl</td><td>http://127.0.0.1:8080</td><td>target base URL</td></tr>
 * <tr><td>zerodrop.paths</td><td>per simulation</td><td>comma-separated paths (or absolute URLs), requested
 * round-robin in a global order</td></tr>
 * <tr><td>zerodrop.method</td><td>GET</td><td>HTTP method</td></tr>
 * <tr><td>zerodrop.headers</td><td>none</td><td>extra headers, {@code Name: value} separated by {@code |}</td></tr>
 * <tr><td>zerodrop.body</td><td>none</td><td>request body (string)</td></tr>
 * <tr><td>zerodrop.expectStatus</td><td>200-299</td><td>statuses counted OK: codes and ranges, comma-separated</td></tr>
 * <tr><td>zerodrop.rate</td><td>100</td><td>arrival rate in requests per second (open model)</td></tr>
 * <tr><td>zerodrop.rampSeconds</td><td>5</td><td>warm-up ramp from 1 req/s to the rate</td></tr>
 * <tr><td>zerodrop.durationSeconds</td><td>30</td><td>steady-rate duration after the ramp</td></tr>
 * <tr><td>zerodrop.podHeader</td><td>none</td><td>response header naming the serving pod (e.g. X-Served-By), kept
 * per request in the client log</td></tr>
 * <tr><td>zerodrop.maxKoPercent</td><td>unset</td><td>when set, a Gatling assertion (standalone use only)</td></tr>
 * </table>
 * Request and connect timeouts are Gatling settings: {@code -Dgatling.http.requestTimeout=ms},
 * {@code -Dgatling.socket.connectTimeout=ms}.
 */
public record Params(
        String baseUrl,
        List<String> paths,
        String method,
        Map<String, String> headers,
        String body,
        List<Integer> expectStatus,
        double rate,
        int rampSeconds,
        int durationSeconds,
        Double maxKoPercent) {

    public static Params fromSystemProperties(String defaultPath) {
        String baseUrl = text("zerodrop.baseUrl", "http://127.0.0.1:8080");
        if (!baseUrl.matches("https?://[^/\\s]+(/.*)?")) {
            throw bad("zerodrop.baseUrl", baseUrl, "an http:// or https:// URL with a host");
        }
        List<String> paths = new ArrayList<>();
        for (String p : text("zerodrop.paths", defaultPath).split(",")) {
            String t = p.trim();
            if (!t.startsWith("/") && !t.startsWith("http://") && !t.startsWith("https://")) {
                throw bad("zerodrop.paths", System.getProperty("zerodrop.paths"),
                        "paths starting with / (or absolute http URLs), comma-separated");
            }
            paths.add(t);
        }
        String method = text("zerodrop.method", "GET").toUpperCase(Locale.ROOT);
        if (!List.of("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS").contains(method)) {
            throw bad("zerodrop.method", method, "one of GET, POST, PUT, DELETE, HEAD, PATCH, OPTIONS");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String rawHeaders = text("zerodrop.headers", "");
        if (!rawHeaders.isBlank()) {
            for (String h : rawHeaders.split("\\|")) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw bad("zerodrop.headers", rawHeaders, "'Name: value' pairs separated by |");
                }
                headers.put(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
            }
        }
        return new Params(baseUrl, paths, method, headers, text("zerodrop.body", ""),
                statuses(text("zerodrop.expectStatus", "200-299")),
                number("zerodrop.rate", 100, 0.1, 100_000),
                (int) number("zerodrop.rampSeconds", 5, 0, 3600),
                (int) number("zerodrop.durationSeconds", 30, 1, 86_400),
                System.getProperty("zerodrop.maxKoPercent") == null ? null
                        : number("zerodrop.maxKoPercent", 0, 0, 100));
    }

    private static String text(String name, String dflt) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    private static double number(String name, double dflt, double min, double max) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (d < min || d > max || Double.isNaN(d)) {
                throw bad(name, v, "a number from " + min + " to " + max);
            }
            return d;
        } catch (NumberFormatException e) {
            throw bad(name, v, "a number from " + min + " to " + max);
        }
    }

    /** Parses an expected-status spec: one range or up to 12 codes; zerodrop validates flags with it too. */
    public static List<Integer> statuses(String spec) {
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                if (p.contains("-")) {
                    String[] r = p.split("-", 2);
                    int from = Integer.parseInt(r[0].trim());
                    int to = Integer.parseInt(r[1].trim());
                    if (from < 100 || to > 599 || from > to) {
                        throw bad("zerodrop.expectStatus", spec, "codes or ranges within 100-599, like 200-299,304");
                    }
                    for (int s = from; s <= to; s++) {
                        out.add(s);
                    }
                } else {
                    int s = Integer.parseInt(p);
                    if (s < 100 || s > 599) {
                        throw bad("zerodrop.expectStatus", spec, "codes or ranges within 100-599, like 200-299,304");
                    }
                    out.add(s);
                }
            } catch (NumberFormatException e) {
                throw bad("zerodrop.expectStatus", spec, "codes or ranges within 100-599, like 200-299,304");
            }
        }
        int min = out.stream().mapToInt(Integer::intValue).min().orElse(0);
        int max = out.stream().mapToInt(Integer::intValue).max().orElse(0);
        if (out.stream().distinct().count() != max - min + 1 && out.stream().distinct().count() > 12) {
            throw bad("zerodrop.expectStatus", spec,
                    "one contiguous range, or at most 12 codes (Gatling cuts longer check messages)");
        }
        return out;
    }

    /** Whether {@code name} is an HTTP header name (an RFC 9110 token of at most 100 characters). */
    public static boolean isHeaderName(String name) {
        return name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
    }

    private static IllegalArgumentException bad(String name, String value, String expected) {
        return new IllegalArgumentException("system property " + name + "=\"" + value + "\" is invalid: expected "
                + expected);
    }
}
