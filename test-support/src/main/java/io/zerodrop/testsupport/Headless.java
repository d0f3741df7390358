package io.zerodrop.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium, bounded. Chromium's headless mode now and then never exits (a renderer that stalls on a
 * starved machine: a full test run beside two demo loops waited 25 minutes on a {@code --screenshot}); a test
 * that reads its output to the end first waits for ever. Here the output goes to files, each attempt is waited for
 * at most {@link #ATTEMPT_SECONDS}, a hung one is killed with everything it started, and it is tried once more with
 * a fresh profile; a second hang fails the test saying so.
 */
public final class Headless {
    public static final long ATTEMPT_SECONDS = 180;

    private Headless() {
    }

    /** What one Chromium run wrote: standard output and error, and its exit code. */
    public record Result(String out, String err, int exit) {
    }

    /**
     * Runs {@code chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=<fresh> args…} in
     * {@code work}, returning its output once it exits.
     */
    public static Result run(Path chromium, Path work, String... args) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(work, "chromium")));
            cmd.addAll(List.of(args));
            Path out = Files.createTempFile(work, "chromium", ".out");
            Path err = Files.createTempFile(work, "chromium", ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (p.waitFor(ATTEMPT_SECONDS, TimeUnit.SECONDS)) {
                return new Result(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err,
                        StandardCharsets.UTF_8), p.exitValue());
            }
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            if (attempt == 2) {
                throw new AssertionError("chromium did not finish in " + ATTEMPT_SECONDS + " s, twice: " + cmd
                        + "\nits error output:\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
        }
    }
}
