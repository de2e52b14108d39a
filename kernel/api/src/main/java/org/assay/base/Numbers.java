package org.assay.base;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Numbers as rendered tables show them: C's and Python's {@code %.4g} (4 significant digits unless set, trailing
 * zeros dropped, scientific notation when the exponent is below -4 or at least the digits). The value itself is never
 * changed, only how a cell reads: {@code 0.2128906249999999} shows as {@code 0.2129}, {@code 7.79157504E11} as
 * {@code 7.792e+11}.
 */
public final class Numbers {
    /** The digits a rendered table uses unless told otherwise. */
    public static final int DEFAULT_DIGITS = 4;
    private static volatile int digits = DEFAULT_DIGITS;

    private Numbers() {
    }

    /** Significant digits for every rendered table from now on (1 to 17; 17 shows a double exactly). */
    public static void setDigits(int n) {
        if (n < 1 || n > 17) {
            throw new IllegalArgumentException("Numbers.setDigits: n must be in 1..17, got " + n);
        }
        digits = n;
    }

    public static int digits() {
        return digits;
    }

    /** {@code x} to the current digits. */
    public static String format(double x) {
        return format(x, digits);
    }

    /** {@code x} as {@code %.ng} writes it, but NaN and the infinities as Java writes them. */
    public static String format(double x, int n) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return Double.toString(x);
        }
        if (x == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(x).round(new MathContext(n, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent >= -4 && exponent < n) {
            BigDecimal plain = rounded.stripTrailingZeros();
            return (plain.scale() < 0 ? plain.setScale(0) : plain).toPlainString();
        }
        BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
        String m = mantissa.scale() < 0 ? mantissa.setScale(0).toPlainString() : mantissa.toPlainString();
        return m + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }

    /** A boxed floating-point value formatted, anything else as it is. */
    public static Object forDisplay(Object value) {
        if (value instanceof Double d) {
            return format(d);
        }
        if (value instanceof Float f) {
            return format(f.doubleValue());
        }
        return value;
    }
}
