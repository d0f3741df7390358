package io.zerodrop.targetapp;

/** A configuration variable has a value the app cannot use; the app exits with code 2 before it listens. */
final class ConfigException extends Exception {
    ConfigException(String variable, String value, String expected) {
        super("target-app: environment variable " + variable + "=\"" + value + "\" is invalid: expected "
                + expected + ". The app did not start.");
    }
}
