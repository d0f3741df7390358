package io.zerodrop.verdict;

/** One expectation checked against the run: what was expected, what was measured, and why it passed or not. */
public record Check(String name, boolean passed, String expected, String actual, String explanation) {
}
