package io.zerodrop.engine;

import io.zerodrop.core.ZerodropException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run's own output directory. A verdict may only judge what its run wrote, so a run never starts in a directory
 * that holds anything: {@code --out} must name a new or empty directory (an earlier run's directory is refused, exit
 * 2, nothing changed), and the default {@code zerodrop-out/<yyyyMMdd-HHmmss-SSS>} is created atomically, with a
 * {@code -2}, {@code -3} … suffix when another run took that name first (parallel CI jobs).
 */
public final class OutputDirectory {
    static final Path DEFAULT_PARENT = Path.of("zerodrop-out");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    private OutputDirectory() {
    }

    /**
     * Checks {@code --out} (flag name {@code flag}) without creating anything: it must be absent or an empty
     * directory, and its nearest existing ancestor must be a writable directory.
     */
    public static void check(Path requested, String flag) {
        Path abs = requested.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            if (!Files.isDirectory(abs)) {
                throw ZerodropException.usage(flag + " " + requested + " is a file: expected a new or empty directory");
            }
            List<String> held = entries(abs);
            if (!held.isEmpty()) {
                throw ZerodropException.usage(flag + " " + requested + " already holds " + describe(held)
                        + ": zerodrop writes every run into a directory of its own, so that a verdict only judges what"
                        + " its own run wrote. Give a new or empty directory, remove this one, or leave out " + flag
                        + " for a fresh zerodrop-out/<time>");
            }
            if (!Files.isWritable(abs)) {
                throw ZerodropException.usage(flag + " " + requested + " is not writable by this user");
            }
            return;
        }
        Path parent = abs.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw ZerodropException.usage(flag + " " + requested + " cannot be created: "
                    + (parent == null ? "no existing parent directory" : parent + " is not a directory"));
        }
        if (!Files.isWritable(parent)) {
            throw ZerodropException.usage(flag + " " + requested + " cannot be created: " + parent
                    + " is not writable by this user");
        }
    }

    /**
     * Creates the run's directory: {@code requested} when given (checked as {@link #check}), else a fresh one under
     * {@code zerodrop-out/} named {@code prefix} + the local time to the millisecond.
     */
    public static Path create(Path requested, String flag, String prefix) {
        if (requested != null) {
            check(requested, flag);
            try {
                Files.createDirectories(requested);
            } catch (IOException e) {
                throw ZerodropException.usage(flag + " " + requested + " cannot be created: " + reason(e));
            }
            return requested;
        }
        return createUnique(DEFAULT_PARENT, prefix + LocalDateTime.now().format(STAMP));
    }

    static Path createUnique(Path parent, String name) {
        try {
            Files.createDirectories(parent);
            for (int i = 1; ; i++) {
                Path candidate = parent.resolve(i == 1 ? name : name + "-" + i);
                try {
                    return Files.createDirectory(candidate);
                } catch (FileAlreadyExistsException taken) {
                    // another run started in the same millisecond: take the next suffix
                }
            }
        } catch (IOException e) {
            throw ZerodropException.environment("cannot create an output directory under " + parent.toAbsolutePath()
                    + ": " + reason(e) + " (give --out DIR)");
        }
    }

    private static List<String> entries(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw ZerodropException.usage("cannot list " + dir + ": " + reason(e));
        }
    }

    private static String describe(List<String> held) {
        boolean earlierRun = held.contains("report.json") || held.contains("gatling");
        String names = String.join(", ", held.subList(0, Math.min(5, held.size())))
                + (held.size() > 5 ? " and " + (held.size() - 5) + " more" : "");
        return (earlierRun ? "an earlier run's results (" : "files (") + names + ")";
    }

    /** The operating system's reason, without Java's class names. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name exists";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
