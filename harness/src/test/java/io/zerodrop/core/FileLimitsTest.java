package io.zerodrop.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FileLimitsTest {
    @Test
    void aGeneratorNeedsAboutOneFilePerRequestInFlightUpToTheTimeoutBesidesItsOwn() {
        assertThat(FileLimits.neededFor(10_000, 5_000)).isEqualTo(FileLimits.BASE + 60_000);
        assertThat(FileLimits.neededFor(10, 1_000)).isEqualTo(FileLimits.BASE + 12);
    }

    @Test
    void aPrivilegedZerodropRaisesTheLimitThroughPrlimitUpToTheKernelsCeilingOthersAreToldWhatToRaise() {
        FileLimits.Plan root = FileLimits.forChild(62_048, 20_000, true, true, 1_048_576);
        assertThat(root.prefix()).containsExactly("prlimit", "--nofile=62048:62048", "--");
        assertThat(root.note()).startsWith("raised the load generator's open-file limit from 20000 to 62048");

        FileLimits.Plan capped = FileLimits.forChild(2_000_000, 20_000, true, true, 1_048_576);
        assertThat(capped.prefix()).containsExactly("prlimit", "--nofile=1048576:1048576", "--");
        assertThat(capped.note()).endsWith("the kernel allows no more (fs.nr_open)");

        FileLimits.Plan user = FileLimits.forChild(62_048, 20_000, false, true, 1_048_576);
        assertThat(user.prefix()).isEmpty();
        assertThat(user.note()).contains("may run out of open files", "about 62048", "allows 20000 to zerodrop",
                "ulimit -n");
    }
}
