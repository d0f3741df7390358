package io.zerodrop.gatling;

import java.util.List;

/** The Run record that opens a simulation.log. */
public record RunHeader(String gatlingVersion, String simulationClass, long runStartMs, String description,
        List<String> scenarios) {
}
