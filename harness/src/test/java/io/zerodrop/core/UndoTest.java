package io.zerodrop.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class UndoTest {

    @Test
    void undosRunNewestFirstOnceEachAndAFailureDoesNotStopTheOthers() {
        List<String> ran = new ArrayList<>();
        Undo undo = new Undo();
        undo.register("stop a", () -> ran.add("a"));
        Undo.Registration b = undo.register("stop b", () -> ran.add("b"));
        undo.register("stop broken", () -> {
            throw new IllegalStateException("boom");
        });
        undo.register("stop c", () -> ran.add("c"));
        b.undoNow();
        b.undoNow();
        assertThat(ran).containsExactly("b");
        undo.close();
        assertThat(ran).containsExactly("b", "c", "a");
        assertThat(undo.failures()).singleElement().asString().contains("stop broken", "boom");
        assertThat(undo.pending()).isZero();
    }

    @Test
    void onceClosingNoNewMutationMayRegister() {
        Undo undo = new Undo();
        undo.close();
        assertThatThrownBy(() -> undo.register("stop pod x", () -> { }))
                .isInstanceOf(ZerodropException.class)
                .hasMessageContaining("shutting down");
    }

    /**
     * An undo another thread is running when the teardown starts (a runtime closing when SIGINT arrives) is waited
     * for: the teardown — and with it the JVM's exit and the reports — does not finish before it has.
     */
    @Test
    void theTeardownWaitsForAnUndoAnotherThreadIsRunning() throws Exception {
        Undo undo = new Undo();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Undo.Registration slow = undo.register("revert a slow change", () -> {
            started.countDown();
            release.await();
        });
        Thread closing = new Thread(slow::undoNow, "runtime-close");
        closing.start();
        started.await();
        Thread teardown = new Thread(undo::close, "teardown");
        teardown.start();
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> teardown.getState() == Thread.State.WAITING);
        Assertions.assertThat(undo.done()).as("not done yet, and the teardown waits").isEmpty();
        release.countDown();
        teardown.join(10_000);
        closing.join(10_000);
        Assertions.assertThat(teardown.isAlive()).isFalse();
        Assertions.assertThat(undo.done()).extracting(Undo.Done::what)
                .containsExactly("revert a slow change");
    }

    /**
     * SIGINT runs the undos on the hook's thread while the main thread writes the journal: the journal waits for the
     * last undo, so that every one of them is listed (a report once lacked "stop load generator generator-0").
     */
    @Test
    void aJournalWaitsUntilEveryUndoTheSignalStartedHasRun() throws Exception {
        Undo undo = new Undo();
        CountDownLatch release = new CountDownLatch(1);
        undo.register("stop load generator generator-0", release::await);
        undo.register("stop load generator generator-1", () -> { });
        Thread hook = new Thread(undo::close, "signal-hook");
        hook.start();
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> undo.done().size() == 1);
        Thread journal = new Thread(() -> undo.awaitUndone(10_000), "journal");
        journal.start();
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> journal.getState() == Thread.State.TIMED_WAITING);
        Assertions.assertThat(journal.isAlive()).as("waits for generator-0's undo").isTrue();
        release.countDown();
        journal.join(10_000);
        hook.join(10_000);
        Assertions.assertThat(undo.done()).extracting(Undo.Done::what)
                .containsExactly("stop load generator generator-1", "stop load generator generator-0");
        Undo fresh = new Undo();
        fresh.register("x", () -> { });
        fresh.awaitUndone(60_000); // not closing: returns at once
        Assertions.assertThat(fresh.pending()).isEqualTo(1);
        fresh.close();
    }
}
