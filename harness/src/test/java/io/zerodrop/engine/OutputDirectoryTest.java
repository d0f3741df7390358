package io.zerodrop.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void runsStartedInTheSameMillisecondGetDirectoriesOfTheirOwn() throws Exception {
        int runs = 8;
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        CountDownLatch go = new CountDownLatch(1);
        Set<Path> made = ConcurrentHashMap.newKeySet();
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                all.add(pool.submit(() -> {
                    go.await();
                    made.add(OutputDirectory.createUnique(dir.resolve("zerodrop-out"), "20261123-101500-123"));
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(made).hasSize(runs).allMatch(Files::isDirectory);
        assertThat(made.stream().map(p -> p.getFileName().toString()))
                .contains("20261123-101500-123", "20261123-101500-123-2", "20261123-101500-123-8");
    }

    @Test
    void anEmptyOrAbsentDirectoryIsAcceptedAndAnythingElseRefusedWithoutChange() throws Exception {
        OutputDirectory.check(dir.resolve("new/deeper"), "--out");
        assertThat(dir.resolve("new")).doesNotExist();
        OutputDirectory.check(Files.createDirectories(dir.resolve("empty")), "--out");

        Path held = Files.createDirectories(dir.resolve("held"));
        Files.createDirectories(held.resolve("gatling"));
        assertThatThrownBy(() -> OutputDirectory.create(held, "--out", ""))
                .isInstanceOfSatisfying(ZerodropException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
                .hasMessageContaining("--out " + held + " already holds an earlier run's results (gatling)");
    }

    @Test
    void anUnwritableParentIsNamedWithItsReason() throws Exception {
        Path locked = Files.createDirectories(dir.resolve("locked"));
        assertThat(locked.toFile().setWritable(false, false)).isTrue();
        try {
            if (Files.isWritable(locked)) {
                return; // root writes anywhere: the permission check cannot be seen as this user
            }
            assertThatThrownBy(() -> OutputDirectory.check(locked.resolve("out"), "--out"))
                    .hasMessage("--out " + locked.resolve("out") + " cannot be created: " + locked
                            + " is not writable by this user");
        } finally {
            locked.toFile().setWritable(true, false);
        }
    }
}
