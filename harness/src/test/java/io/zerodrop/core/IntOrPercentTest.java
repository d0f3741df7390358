package io.zerodrop.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The one int-or-percent: the values taken and refused, and the rounding each reader of the field uses. */
class IntOrPercentTest {
    @Test
    void wholeNumbersAndPercentagesUpToAHundredAreValidNothingElse() {
        assertThat(IntOrPercent.valid("0")).isTrue();
        assertThat(IntOrPercent.valid("25%")).isTrue();
        assertThat(IntOrPercent.valid("100%")).isTrue();
        assertThat(IntOrPercent.valid("101%")).isFalse();
        assertThat(IntOrPercent.valid("abc")).isFalse();
        assertThat(IntOrPercent.valid("-1")).isFalse();
        assertThat(IntOrPercent.valid("12.5%")).isFalse();
        assertThat(IntOrPercent.valid(null)).isFalse();
    }

    @Test
    void percentagesRoundAsTheirReaderRoundsThem() {
        // 25 % of 3 replicas is 0.75: one pod of surge (up), none unavailable (down)
        assertThat(IntOrPercent.roundedUp("25%", 3)).isEqualTo(1);
        assertThat(IntOrPercent.roundedDown("25%", 3)).isZero();
        assertThat(IntOrPercent.roundedUp("2", 3)).isEqualTo(2);
        assertThat(IntOrPercent.roundedDown("2", 3)).isEqualTo(2);
        assertThatThrownBy(() -> IntOrPercent.roundedUp("abc", 3)).hasMessage("\"abc\" is not a whole number or a"
                + " percentage like 25%");
    }
}
