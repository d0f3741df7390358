package io.zerodrop.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void theRateComesFromTheRecordsOwnTimesNotFromWhenTheLogArrived() {
        Progress.RateWindow w = new Progress.RateWindow();
        assertThat(w.rate()).isZero();
        // 100 req/s for 5 s, all arriving in one burst (as an 8 KB chunk of the log does)
        for (int s = 0; s < 5; s++) {
            for (int i = 0; i < 100; i++) {
                w.add(1_800_000_000_000L + s * 1000L + i * 10L);
            }
        }
        assertThat(w.rate()).as("over the 3 whole seconds before the newest").isEqualTo(100.0);
        // nothing new arrives for a while: the rate does not drop to 0, it is what the records say
        assertThat(w.rate()).isEqualTo(100.0);
        w.add(1_800_000_000_000L + 5_000); // the first record of second 5: second 4 is now complete too
        assertThat(w.rate()).isEqualTo(100.0);
    }

    @Test
    void aLogGetsALineEveryFiveSecondsAndATerminalOneLineRewrittenInPlace() {
        StringWriter log = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(log), false);
        Progress x = new Progress(1000, 9000, 100, 100, 0, 100);
        p.print(x);
        p.print(x); // within 5 s: not repeated
        p.done();
        assertThat(log.toString()).isEqualTo(x.line() + System.lineSeparator());

        StringWriter tty = new StringWriter();
        ProgressPrinter t = new ProgressPrinter(new PrintWriter(tty), true);
        t.print(x);
        t.done();
        assertThat(tty.toString()).isEqualTo("\r" + x.line() + System.lineSeparator());
    }
}
