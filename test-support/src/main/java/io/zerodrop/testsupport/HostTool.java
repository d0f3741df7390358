package io.zerodrop.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * A program a test needs from the host (kubectl here). Without it the test is skipped with a message saying what
 * to install, unless the system property {@code zerodrop.requireTools} is true or the environment has
 * {@code CI=true}: then it fails, so that nothing is skipped silently in CI.
 */
public final class HostTool {
    private HostTool() {
    }

    public static Path require(String name, String howToInstall) {
        Optional<Path> found = find(name);
        if (found.isPresent()) {
            return found.get();
        }
        String message = name + " is not on PATH; this test needs it (" + howToInstall + ")";
        if (Boolean.getBoolean("zerodrop.requireTools") || "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + ", and CI=true (or zerodrop.requireTools=true) forbids skipping");
        }
        Assumptions.abort(message + "; skipped");
        return null;
    }

    public static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
