package io.zerodrop.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A temporary directory of a child JVM's own, inside the run's output, removed when the child has stopped. Gatling's
 * HTTP stack unpacks native libraries into {@code java.io.tmpdir} (brotli4j: {@code com_aayushatharva_brotli4j_*},
 * Netty's transports) and removes them only on a clean exit; with the shared {@code /tmp} every run, and every killed
 * one, left its copies there.
 */
public final class JvmTemp {
    private JvmTemp() {
    }

    /** Creates {@code dir} (and its parents). */
    public static Path create(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw ZerodropException.environment("cannot create the load generator's temporary directory " + dir + ": "
                    + e.getMessage());
        }
    }

    /** The JVM options that point a child's temporary files into {@code dir}. */
    public static List<String> options(Path dir) {
        return List.of("-Djava.io.tmpdir=" + dir, "-Dio.netty.native.workdir=" + dir);
    }

    /** Removes {@code dir} and what is in it; what cannot be removed is left quietly (it is inside the run's output). */
    public static void delete(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException leftInOutput) {
            // inside the run's own output directory: nothing shared is left behind
        }
    }
}
