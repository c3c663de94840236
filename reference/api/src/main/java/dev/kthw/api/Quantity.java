package dev.kthw.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ("100m", "1.5", "512Mi", "1G", "2e3") as plain numbers.
 *
 * <p>A quantity is a decimal number and a suffix: binary ({@code Ki Mi Gi Ti Pi Ei}),
 * decimal ({@code n u m k M G T P E}) or a decimal exponent ({@code e3}). The scheduler and
 * the kubelet only ever need two readings of one: CPU in millicores and everything else
 * (memory, pods, storage) as a whole number. Both round up, as Kubernetes does when it
 * turns a quantity into an integer, so "0.5m" CPU asks for 1 millicore, never for none.
 *
 * <p>Simpler than Kubernetes: no canonical form and no arithmetic on quantities themselves;
 * callers add and compare the longs.
 */
public final class Quantity {

    private static final Pattern SHAPE = Pattern.compile(
            "([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?");

    private Quantity() {
    }

    /** The exact value of a quantity; a clear error for anything that is not one. */
    public static BigDecimal parse(String quantity) {
        Matcher m = SHAPE.matcher(quantity == null ? "" : quantity.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("quantities must match the regular expression "
                    + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$', got \"" + quantity + "\"");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        return number.multiply(multiplier(suffix));
    }

    /** CPU in millicores, rounded up: "250m" is 250, "1" is 1000, "0.1" is 100. */
    public static long milli(String quantity) {
        return parse(quantity).movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** A whole amount, rounded up: "1Gi" is 1073741824, "110" is 110. */
    public static long value(String quantity) {
        return parse(quantity).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static BigDecimal multiplier(String suffix) {
        switch (suffix) {
            case "":
                return BigDecimal.ONE;
            case "Ki":
                return BigDecimal.valueOf(1L << 10);
            case "Mi":
                return BigDecimal.valueOf(1L << 20);
            case "Gi":
                return BigDecimal.valueOf(1L << 30);
            case "Ti":
                return BigDecimal.valueOf(1L << 40);
            case "Pi":
                return BigDecimal.valueOf(1L << 50);
            case "Ei":
                return BigDecimal.valueOf(1L << 60);
            case "n":
                return BigDecimal.ONE.movePointLeft(9);
            case "u":
                return BigDecimal.ONE.movePointLeft(6);
            case "m":
                return BigDecimal.ONE.movePointLeft(3);
            case "k":
                return BigDecimal.ONE.movePointRight(3);
            case "M":
                return BigDecimal.ONE.movePointRight(6);
            case "G":
                return BigDecimal.ONE.movePointRight(9);
            case "T":
                return BigDecimal.ONE.movePointRight(12);
            case "P":
                return BigDecimal.ONE.movePointRight(15);
            case "E":
                return BigDecimal.ONE.movePointRight(18);
            default:
                return BigDecimal.ONE.movePointRight(Integer.parseInt(suffix.substring(1)));
        }
    }
}
