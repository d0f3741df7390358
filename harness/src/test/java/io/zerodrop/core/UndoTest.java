package io.zerodrop.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
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
}
