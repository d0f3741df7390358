package io.zerodrop.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a request can end, written as the simulation and target-app write them, joined by request id. */
class RequestJoinTest {
    @TempDir
    Path dir;

    @Test
    void eachClientFailureGetsExactlyOneServerSideAccountAndRetriesRevealHiddenDrops() throws Exception {
        Path client = Files.write(dir.resolve("client.log"), List.of("# zerodrop client requests v1 run tk",
                "0 1000 1002 1",   // answered OK
                "1 1010 1011 0",   // refused: never reached a server
                "2 1020 1030 0",   // answered OK by the server, lost at a kill
                "3 1040 1050 0",   // cut by the server's shutdown
                "4 1060 1090 1",   // first attempt cut, the silent retry answered: a hidden drop
                "5 1100 1101 0",   // reached a pod that was SIGKILLed with it in flight
                "6 1110 1112 0"));  // answered 503
        Path a = Files.write(dir.resolve("a.log"), List.of("R tk-0 1001", "S tk-0 1002 OK 200",
                "R tk-2 1021", "S tk-2 1022 OK 200",
                "R tk-3 1041", "S tk-3 1045 CUT 0",
                "R tk-4 1061", "S tk-4 1062 CUT 0",
                "R old-9 900", "S old-9 901 OK 200", // another run's request in a reused directory
                "R tk-5 1100", "R tk-6 1111", "S tk-6 1111 ERROR 503"));
        Path b = Files.write(dir.resolve("b.log"), List.of("R tk-4 1070", "S tk-4 1080 OK 200", "R tk-77 1200",
                "S tk-7"));
        Path table = dir.resolve("requests.tsv");
        RequestJoin.Exact x = RequestJoin.join(client, Map.of("pod-a", a, "pod-b", b), table);

        assertThat(x.clientTotal()).isEqualTo(7);
        assertThat(x.clientOk()).isEqualTo(2);
        assertThat(x.clientFailed()).isEqualTo(5);
        assertThat(x.neverReached()).isEqualTo(1);
        assertThat(x.answeredButLost()).isEqualTo(1);
        assertThat(x.cutByServer()).as("tk-3 cut, tk-5 in flight at SIGKILL").isEqualTo(2);
        assertThat(x.failedOther()).isEqualTo(1);
        assertThat(x.hiddenDrops()).isEqualTo(1);
        assertThat(x.retried()).isEqualTo(1);
        assertThat(x.reachedServer()).isEqualTo(6);
        assertThat(x.serverAttempts()).isEqualTo(7);
        assertThat(x.unknownToClient()).as("tk-77 was never sent by this client").isEqualTo(1);
        assertThat(x.failedByPod()).containsExactlyEntriesOf(Map.of("pod-a", 4L));
        assertThat(Files.readAllLines(table)).contains(
                "1\t1010\t1011\tFAILED\t-\tNEVER_RECEIVED",
                "2\t1020\t1030\tFAILED\tpod-a\tOK:200",
                "4\t1060\t1090\tOK\tpod-a,pod-b\tCUT,OK:200",
                "5\t1100\t1101\tFAILED\tpod-a\tIN_FLIGHT_AT_EXIT",
                "6\t1110\t1112\tFAILED\tpod-a\tERROR:503");
    }
}
