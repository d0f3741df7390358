package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** The tune's search on scripted outcomes: bisection where nothing can be modelled, confirmation stepping up. */
class TuneSearchTest {
    static final List<String> CANDIDATES = List.of("0", "1", "2", "3", "4", "5", "6", "7");

    /** Drops below {@code threshold}; {@code flaky} values drop on their first run only. */
    static BiFunction<String, String, TuneCommand.Trial> trials(int threshold, List<String> tried, String... flaky) {
        List<String> seen = new ArrayList<>();
        return (value, purpose) -> {
            tried.add(value + " " + purpose);
            boolean firstFlaky = List.of(flaky).contains(value) && !seen.contains(value);
            seen.add(value);
            long failed = Integer.parseInt(value) < threshold || firstFlaky ? 7 : 0;
            return new TuneCommand.Trial(tried.size(), value, purpose, failed, failed > 0 ? "FAILED" : "PASSED", -1,
                    -1, Path.of("run"));
        };
    }

    @Test
    void bisectionFindsTheSmallestCleanCandidateInLogarithmicallyManyRuns() {
        List<String> tried = new ArrayList<>();
        int at = TuneCommand.bisect(CANDIDATES, trials(5, tried));
        assertThat(CANDIDATES.get(at)).isEqualTo("5");
        assertThat(tried).hasSize(4).first().isEqualTo("7 bisect"); // the top first: is there an answer at all?
        List<String> none = new ArrayList<>();
        assertThat(TuneCommand.bisect(CANDIDATES, trials(9, none))).isEqualTo(-1);
        assertThat(none).containsExactly("7 bisect");
    }

    @Test
    void aDropDuringConfirmationMovesOneCandidateUpAndConfirmsAgain() {
        List<String> tried = new ArrayList<>();
        assertThat(TuneCommand.confirmFrom(CANDIDATES, 2, 3, trials(2, tried, "2"))).isEqualTo("3");
        assertThat(tried).containsExactly("2 confirm 1/3", "3 confirm 1/3", "3 confirm 2/3", "3 confirm 3/3");
        assertThatThrownBy(() -> TuneCommand.confirmFrom(CANDIDATES, 6, 3, trials(9, new ArrayList<>())))
                .hasMessage("no candidate up to 7 dropped nothing");
    }
}
