package dev.kthw.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Flags that take a duration as Kubernetes' flags do ({@code 5m}, {@code 300s}): see {@link dev.kthw.api.GoDuration}. */
final class GoDuration implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        try {
            return dev.kthw.api.GoDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
