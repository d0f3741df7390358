package io.zerodrop.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunIdTest {
    @Test
    void anIdIsTheStartSecondAnd32RandomBitsAndTwoRunsInOneSecondDiffer() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = RunId.next();
            assertThat(id).matches("\\d{8}-\\d{6}-[0-9a-f]{8}");
            assertThat(RunId.valid(id)).isTrue();
            ids.add(id);
        }
        assertThat(ids).hasSize(1000);
    }

    @Test
    void theMarkersOfEarlierVersionsAreStillRecognisedAndNothingElseIs() {
        assertThat(RunId.valid("lq2x3abc-0af31b2c")).as("an earlier version's marker id").isTrue();
        assertThat(RunId.valid("20261205-103012-0af31b2c")).isTrue();
        assertThat(RunId.valid("20261204-151203-0af3")).as("4 hex digits: too few").isFalse();
        assertThat(RunId.valid("../etc-0af31b2c")).isFalse();
        assertThat(RunId.valid("")).isFalse();
        assertThat(RunId.valid(null)).isFalse();
    }
}
