package io.zerodrop.report;

/**
 * Something the run showed that a person should know, with the setting that fixes it when zerodrop knows one.
 *
 * @param code stable identifier, e.g. {@code load-generator-saturated}
 */
public record Finding(Severity severity, String code, String title, String detail, String fix) {
    /** How much it matters. */
    public enum Severity { INFO, WARNING, ERROR }
}
