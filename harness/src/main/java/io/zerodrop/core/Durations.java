package io.zerodrop.core;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar, for the command line and scenario files alike: a whole number with {@code ms},
 * {@code s}, {@code m} or {@code h} ({@code 500ms}, {@code 30s}, {@code 2m}); a bare number is seconds.
 */
public final class Durations {
    /** What the grammar accepts, for error messages. */
    public static final String EXPECTED = "a whole number with ms, s, m or h (e.g. 500ms, 30s, 2m)";
    private static final Pattern P = Pattern.compile("(\\d{1,12})(ms|s|m|h)?");

    private Durations() {
    }

    /** The duration {@code text} names, or empty when it is not one. */
    public static Optional<Duration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = P.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return Optional.of(switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        });
    }

    /** A length for people: whole seconds as "5 s", anything else in ms ("250 ms"). */
    public static String describe(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
