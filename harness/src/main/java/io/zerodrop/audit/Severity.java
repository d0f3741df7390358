package io.zerodrop.audit;

/** How bad a finding is: an error fails the audit (exit 1), a warning is shown, an info is a suggestion. */
public enum Severity {
    ERROR, WARNING, INFO
}
