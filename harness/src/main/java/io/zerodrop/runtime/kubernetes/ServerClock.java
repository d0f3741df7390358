package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.zerodrop.core.Sleep;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How far the API server's clock is from this host's, measured, never assumed. Each answer's {@code Date} header
 * says the server's time in whole seconds: if a request left at host time {@code a}, its answer came back at
 * {@code b} and says second {@code d}, the server's clock read somewhere in {@code [d, d + 1 s)} at some host moment
 * in {@code [a, b]}, so {@code offset = server − host} lies in {@code (d − b, d + 1000 − a)}. Requests spaced
 * 50 ms apart until the server's second ticks over narrow the intersection of those intervals to about the spacing
 * plus a round trip. The answer is the interval's middle and its half-width: the report states both, and event
 * times stay on this host's clock (server timestamps are kept beside them, not corrected silently).
 */
public record ServerClock(long offsetMs, long uncertaintyMs, int samples) {
    /** Stop sampling once the offset is known to this much either way. */
    static final long GOOD_ENOUGH_MS = 60;
    static final int MAX_SAMPLES = 30;
    static final long SPACING_MS = 50;

    /** One request: sent at host time {@code sentMs}, answered at {@code receivedMs}, saying server second {@code dateMs}. */
    record Sample(long sentMs, long receivedMs, long dateMs) {
    }

    /** The offset interval all samples agree on; empty when they contradict each other (a clock step mid-way). */
    static Optional<ServerClock> fromSamples(List<Sample> samples) {
        long lo = Long.MIN_VALUE;
        long hi = Long.MAX_VALUE;
        for (Sample s : samples) {
            lo = Math.max(lo, s.dateMs() - s.receivedMs());
            hi = Math.min(hi, s.dateMs() + 1000 - s.sentMs());
        }
        if (samples.isEmpty() || lo > hi) {
            return Optional.empty();
        }
        return Optional.of(new ServerClock(Math.floorDiv(lo + hi, 2), (hi - lo + 1) / 2, samples.size()));
    }

    /**
     * Measures against the API server behind {@code client} ({@code GET /version}); empty with the reason in
     * {@code why} when the server gives no usable {@code Date} header. Bounded: at most 30 requests, 1.5 s.
     */
    static Optional<ServerClock> measure(KubernetesClient client, LongSupplier hostClock, List<String> why) {
        HttpClient http = client.getHttpClient();
        String url = ApiCalls.url(client, "/version");
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < MAX_SAMPLES; i++) {
            long a = hostClock.getAsLong();
            HttpResponse<String> r;
            try {
                r = http.sendAsync(http.newHttpRequestBuilder().uri(url).build(), String.class).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                why.add("GET /version failed: " + e);
                return Optional.empty();
            }
            long b = hostClock.getAsLong();
            String date = r.header("Date");
            if (date == null) {
                why.add("the API server's answers carry no Date header");
                return Optional.empty();
            }
            try {
                samples.add(new Sample(a, b, ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
                        .toEpochMilli()));
            } catch (RuntimeException e) {
                why.add("the API server's Date header \"" + date + "\" is not an HTTP date");
                return Optional.empty();
            }
            Optional<ServerClock> sofar = fromSamples(samples);
            if (sofar.isEmpty()) {
                why.add("the API server's Date headers contradict each other (its clock stepped while measured)");
                return sofar;
            }
            if (sofar.get().uncertaintyMs() <= GOOD_ENOUGH_MS) {
                return sofar;
            }
            if (!Sleep.forMs(SPACING_MS)) {
                break;
            }
        }
        return fromSamples(samples);
    }

    /** For the report header. */
    public String describe() {
        return (offsetMs >= 0 ? "+" : "") + offsetMs + " ms ± " + uncertaintyMs + " ms (API server clock minus this"
                + " host's, from the Date header of " + samples + " answers; event times are this host's, server"
                + " timestamps are kept beside them uncorrected)";
    }
}
