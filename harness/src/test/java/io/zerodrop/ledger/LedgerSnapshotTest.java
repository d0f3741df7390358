package io.zerodrop.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live target's ledger is read after the load: a response the client has read completely can still be in flight
 * on the server, which counts it ok when its write completes, on its own thread. A snapshot that falls in between
 * counted 346 ok of 350 answered (a loaded machine, TrafficCommandTest): the read waits for what is in flight.
 */
class LedgerSnapshotTest {
    static final long LAST_REQUEST = 1_800_000_000_000L;

    @TempDir
    Path dir;

    private static void write(Path file, boolean isFinal, long writtenAt, long received, long ok, long inFlight)
            throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, """
                {"schema":"zerodrop.ledger/v1","final":%s,"writtenAtMs":%d,"servedBy":"web-1","exit":null,
                 "requests":{"received":%d,"ok":%d,"error":0,"cut":0,"clientAborted":0,"inFlight":%d}}
                """.formatted(isFinal, writtenAt, received, ok, inFlight));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aSnapshotWrittenAfterTheLastRequestWithAnswersStillInFlightIsNotTheAccount() throws Exception {
        Path ledger = dir.resolve("ledger.json");
        write(ledger, false, LAST_REQUEST + 50, 350, 346, 4);
        CountDownLatch reading = new CountDownLatch(1);
        Thread server = new Thread(() -> {
            try {
                reading.await();
                Thread.sleep(200);
                write(ledger, false, LAST_REQUEST + 150, 350, 350, 0);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        server.start();
        reading.countDown();
        LedgerSnapshot s = LedgerSnapshot.readAfter(ledger, LAST_REQUEST, 120_000);
        server.join();

        assertThat(s.ok()).isEqualTo(350);
        assertThat(s.inFlight()).isZero();
        assertThat(s.writtenAtMs()).isEqualTo(LAST_REQUEST + 150);
    }

    @Test
    void whatNeverSettlesWithinTheWaitIsReadAsItLastStood() throws Exception {
        Path ledger = dir.resolve("busy.json");
        write(ledger, false, LAST_REQUEST + 50, 350, 346, 4);

        LedgerSnapshot s = LedgerSnapshot.readAfter(ledger, LAST_REQUEST, 300);

        assertThat(s.inFlight()).isEqualTo(4);
        assertThat(s.coversUpTo(LAST_REQUEST)).isFalse();
        assertThat(s.staleFor(LAST_REQUEST)).isFalse();
    }

    @Test
    void whatCoversTheRunIsFinalOrLaterWithNothingInFlight() {
        Path f = Path.of("l.json");
        assertThat(new LedgerSnapshot(f, "a", true, LAST_REQUEST - 10, 143, 5, 5, 0, 0, 0, 0)
                .coversUpTo(LAST_REQUEST)).as("final, even if written earlier").isTrue();
        assertThat(new LedgerSnapshot(f, "a", false, LAST_REQUEST + 1, null, 5, 5, 0, 0, 0, 0)
                .coversUpTo(LAST_REQUEST)).isTrue();
        assertThat(new LedgerSnapshot(f, "a", false, LAST_REQUEST, null, 5, 5, 0, 0, 0, 0)
                .coversUpTo(LAST_REQUEST)).as("not after the last request").isFalse();
        assertThat(new LedgerSnapshot(f, "a", false, LAST_REQUEST + 1, null, 5, 4, 0, 0, 0, 1)
                .coversUpTo(LAST_REQUEST)).as("one in flight").isFalse();
    }
}
