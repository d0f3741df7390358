package io.zerodrop.core;

import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * A run's one id: its marker on this host, every process it starts ({@code ZERODROP_RUN}), everything it records in
 * a cluster (the Lease, labels, undo annotations, the namespace {@code --deploy} creates) and its report's header all
 * name the run by it. This host's local time to the second and 32 random bits, e.g. {@code 20261205-103012-0af31b2c}:
 * readable in a listing, and runs started in the same second on one machine or one cluster do not collide.
 */
public final class RunId {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The ids this version makes, and those earlier versions' markers carry (base-36 time and 8 hex digits). */
    private static final Pattern ANY = Pattern.compile("\\d{8}-\\d{6}-[0-9a-f]{8}|[0-9a-z]+-[0-9a-f]{8}");

    private RunId() {
    }

    public static String next() {
        return LocalDateTime.now().format(STAMP) + "-" + String.format("%08x", RANDOM.nextInt());
    }

    /** Whether {@code id} is one zerodrop made (this version or an earlier one). */
    public static boolean valid(String id) {
        return id != null && ANY.matcher(id).matches();
    }
}
