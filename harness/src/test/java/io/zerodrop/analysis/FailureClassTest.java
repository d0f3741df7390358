package io.zerodrop.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureClassTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "j.n.ConnectException: Connection refused: /127.0.0.1:8080|REFUSED",
        "i.g.h.c.i.PrematureCloseException: Premature close|RESET",
        "i.n.c.u.Errors$NativeIoException: recvAddress(..) failed: Connection reset by peer|RESET",
        "Request timeout to 127.0.0.1/127.0.0.1:8080 after 2000 ms|REQUEST_TIMEOUT",
        "i.n.c.ConnectTimeoutException: connection timed out after 1000 ms: /10.0.0.1:80|CONNECT_TIMEOUT",
        "status.find.in([200, 209], 304), found 503|HTTP_503",
        "status.find.lessThanOrEqual(299), 503 is not less than or equal to 299|HTTP_503",
        "status.find.lessThanOrEqual(299), 500 is not less than or equal to 299|HTTP_5XX",
        "status.find.lessThanOrEqual(299), 404 is not less than or equal to 299|HTTP_OTHER",
        "status.find.greaterThanOrEqual(200), 101 is not greater than or equal to 200|HTTP_OTHER",
        "something nobody has seen before|OTHER",
    })
    void classifiesGatlingMessages(String message, FailureClass expected) {
        assertThat(FailureClass.of(false, message)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "status.find.in([200, 209], 304), found 503|503",
        "status.find.lessThanOrEqual(299), 404 is not less than or equal to 299|404",
        "Premature close|-1",
    })
    void extractsTheStatus(String message, int status) {
        assertThat(FailureClass.httpStatus(message)).isEqualTo(status);
    }

    @org.junit.jupiter.api.Test
    void okIsOkWhateverTheMessage() {
        assertThat(FailureClass.of(true, "Connection refused")).isEqualTo(FailureClass.OK);
    }
}
