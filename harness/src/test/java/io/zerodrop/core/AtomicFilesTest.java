package io.zerodrop.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.testsupport.HostTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    /**
     * A disk that fills up mid-write, played by a file size limit on a child JVM ({@code ulimit -f}: the write fails
     * with EFBIG as it would with ENOSPC): the earlier report stays whole and no partial or temporary file is left.
     */
    @Test
    void aWriteThatCannotFinishLeavesTheEarlierFileWholeAndNoPartialFile() throws Exception {
        HostTool.require("sh", "sh sets the child's file size limit");
        Path report = Files.writeString(dir.resolve("report.json"), "{\"earlier\": true}");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "ulimit -f 16 && exec '" + java + "' -XX:-UsePerfData -cp '" + System.getProperty("java.class.path")
                + "' '" + BigWriter.class.getName() + "' '" + report + "'";
        Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(said).as(said).contains("write failed:");
        assertThat(Files.readString(report)).isEqualTo("{\"earlier\": true}");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("report.json");
        }
    }

    @Test
    void aWriteThatFinishesReplacesTheFileWhole() throws Exception {
        Path report = Files.writeString(dir.resolve("report.json"), "old");
        AtomicFiles.writeString(report, "new ✓");
        assertThat(Files.readString(report)).isEqualTo("new ✓");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(report);
        }
    }

    /** Writes 1 MB over the file named by its argument; says how the write ended. */
    public static final class BigWriter {
        private BigWriter() {
        }

        public static void main(String[] args) {
            try {
                AtomicFiles.writeString(Path.of(args[0]), "x".repeat(1 << 20));
                System.out.println("write done");
            } catch (IOException e) {
                System.out.println("write failed: " + e);
            }
        }
    }

}
