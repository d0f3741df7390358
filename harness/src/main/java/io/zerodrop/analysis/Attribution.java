package io.zerodrop.analysis;

import java.util.List;

/** One failed request tied to the pod(s) and the phase it fell in. {@code atMs} is the failure moment. */
public record Attribution(String request, long startMs, long endMs, long atMs, FailureClass failureClass,
        String message, Phase phase, List<String> pods) {
}
