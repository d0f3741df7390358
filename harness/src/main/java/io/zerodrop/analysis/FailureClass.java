package io.zerodrop.analysis;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a request failed, from Gatling's KO message (the messages seen on loopback are listed in docs/background.md §5).
 * A message that matches nothing is {@link #OTHER} and is kept verbatim by the analysis, never dropped.
 */
public enum FailureClass {
    OK("answered as expected"),
    REFUSED("connection refused: nothing listened at the address"),
    RESET("connection closed or reset before a complete answer (premature close)"),
    REQUEST_TIMEOUT("no complete answer within the request timeout"),
    CONNECT_TIMEOUT("TCP connect did not complete within the connect timeout"),
    HTTP_503("answered 503 Service Unavailable"),
    HTTP_5XX("answered another 5xx status"),
    HTTP_OTHER("answered a status outside the expected ones"),
    /**
     * The load generator could not send the request at all: it ran out of open files (EMFILE) or local ports
     * (EADDRNOTAVAIL). Not the target's failure: a run with such requests is not judged.
     */
    GENERATOR_FAULT("the load generator itself could not send it (out of open files or local ports)"),
    OTHER("failed for another reason (message kept verbatim)");

    private static final Pattern STATUS = Pattern.compile("^status\\.find\\..*?(?:found (\\d{3})|, (\\d{3}) is not)");

    private final String meaning;

    FailureClass(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    /** Classifies one request from its OK flag and Gatling's message. */
    public static FailureClass of(boolean ok, String message) {
        if (ok) {
            return OK;
        }
        String m = message == null ? "" : message;
        int status = httpStatus(m);
        if (status > 0) {
            if (status == 503) {
                return HTTP_503;
            }
            return status >= 500 && status <= 599 ? HTTP_5XX : HTTP_OTHER;
        }
        if (m.contains("Too many open files") || m.contains("error(-24)") || m.contains("Cannot assign requested address")
                || m.contains("error(-99)")) {
            return GENERATOR_FAULT;
        }
        if (m.contains("Connection refused")) {
            return REFUSED;
        }
        if (m.contains("ConnectTimeoutException") || m.contains("connection timed out")) {
            return CONNECT_TIMEOUT;
        }
        if (m.startsWith("Request timeout") || m.contains("RequestTimeoutException")) {
            return REQUEST_TIMEOUT;
        }
        if (m.contains("Premature close") || m.contains("PrematureCloseException") || m.contains("Connection reset")
                || m.contains("reset by peer") || m.contains("Broken pipe")) {
            return RESET;
        }
        return OTHER;
    }

    /** The HTTP status a Gatling status-check message reports, or -1. */
    public static int httpStatus(String message) {
        Matcher matcher = STATUS.matcher(message == null ? "" : message);
        if (!matcher.find()) {
            return -1;
        }
        return Integer.parseInt(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
    }

    public boolean isFailure() {
        return this != OK;
    }
}
