package io.zerodrop.cli;

import io.zerodrop.core.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Durations on the command line, in the one grammar of {@link Durations}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return Durations.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException("'" + value
                + "' is not a duration: expected " + Durations.EXPECTED));
    }
}
