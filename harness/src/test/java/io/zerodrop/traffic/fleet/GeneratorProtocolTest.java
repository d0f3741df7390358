package io.zerodrop.traffic.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.sims.GeneratorProtocol;
import io.zerodrop.sims.GeneratorProtocol.Command;
import io.zerodrop.sims.GeneratorProtocol.State;
import io.zerodrop.sims.GeneratorProtocol.Status;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The control lines both ends use: what the generator writes, zerodrop reads back the same; anything else is not
 * taken for an answer (the fleet then names the generator and quotes what it said). The real exchange, a generator
 * process and its fleet, is LocalFleetTest's and JobFleetTest's.
 */
class GeneratorProtocolTest {
    @Test
    void whatOneEndWritesTheOtherReadsBack() {
        Status s = new Status(State.DONE, 1_700_000_000_123L, 4096, 512, 0);
        assertThat(s.line()).isEqualTo("status done 1700000000123 4096 512 0");
        assertThat(Status.parse(s.line())).contains(s);
        assertThat(Status.parse(new Status(State.WAITING, -1, 0, 0, -1).line()).orElseThrow().state().ended())
                .isFalse();
        assertThat(GeneratorProtocol.waiting("status waiting -1 0 0 -1")).isTrue();
        assertThat(GeneratorProtocol.waiting("status loading -1 0 0 -1")).isFalse();

        assertThat(GeneratorProtocol.parseClock(GeneratorProtocol.clock(42))).hasValue(42);

        byte[] bytes = "GET / 1 2 OK\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(GeneratorProtocol.parseData(GeneratorProtocol.data(100, bytes), 100)).hasValueSatisfying(b ->
                assertThat(b).isEqualTo(bytes));
        assertThat(GeneratorProtocol.parseData(GeneratorProtocol.data(7, new byte[0]), 7)).hasValueSatisfying(b ->
                assertThat(b).isEmpty());
        assertThat(GeneratorProtocol.parseData(GeneratorProtocol.text("last words"), 0).map(b ->
                new String(b, StandardCharsets.UTF_8))).contains("last words");

        assertThat(GeneratorProtocol.go(1_700_000_001_000L)).isEqualTo("go 1700000001000");
        assertThat(GeneratorProtocol.chunk(true, 0, 1024)).isEqualTo("log 0 1024");
        assertThat(GeneratorProtocol.chunk(false, 5, 1024)).isEqualTo("clientlog 5 1024");
        for (Command c : Command.values()) {
            assertThat(Command.of(c.word() + " 1 2")).contains(c);
        }
        assertThat(GeneratorProtocol.error("line one\nline two")).isEqualTo("error line one line two");
    }

    @Test
    void anythingElseIsNotTakenForAnAnswer() {
        assertThat(Status.parse("status sleeping -1 0 0 -1")).as("an unknown state").isEmpty();
        assertThat(Status.parse("status done -1 0 0")).as("a field short").isEmpty();
        assertThat(Status.parse("status done x 0 0 -1")).as("not a number").isEmpty();
        assertThat(Status.parse("error not ready")).isEmpty();
        assertThat(GeneratorProtocol.parseClock("clock")).isEmpty();
        assertThat(GeneratorProtocol.parseClock("clock soon")).isEmpty();
        assertThat(GeneratorProtocol.parseData(GeneratorProtocol.data(100, new byte[] {1}), 0))
                .as("a chunk from another offset").isEmpty();
        assertThat(GeneratorProtocol.parseData("data 0 ***", 0)).as("not base64").isEmpty();
        assertThat(GeneratorProtocol.parseData("error gone", 0)).isEmpty();
        assertThat(Command.of("reboot")).isEmpty();
        assertThat(Command.of("")).isEmpty();
    }
}
