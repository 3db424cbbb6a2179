package dev.jaio.cli.bench;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** fio's number formats: sizes with binary suffixes ({@code 4k}, {@code 1M}, {@code 256MiB}), times with units. */
public final class Units {
    private Units() {
    }

    /**
     * Parses a size as fio does with its default {@code kb_base=1024}: a number and an optional suffix
     * {@code k}, {@code m}, {@code g}, {@code t} or {@code p} (any case, optionally followed by {@code i}
     * and/or {@code b}), each 1024 times the one before.
     *
     * @throws IllegalArgumentException for anything else, or a negative or overflowing size
     */
    public static long parseSize(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < s.length() && (Character.isDigit(s.charAt(end)) || s.charAt(end) == '.')) {
            end++;
        }
        if (end == 0) {
            throw new IllegalArgumentException("not a size: size=" + text);
        }
        double number;
        try {
            number = Double.parseDouble(s.substring(0, end));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: size=" + text, e);
        }
        String suffix = s.substring(end);
        if (suffix.endsWith("b")) {
            suffix = suffix.substring(0, suffix.length() - 1);
        }
        if (suffix.endsWith("i")) {
            suffix = suffix.substring(0, suffix.length() - 1);
        }
        long multiplier = switch (suffix) {
            case "" -> 1L;
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            case "t" -> 1L << 40;
            case "p" -> 1L << 50;
            default -> throw new IllegalArgumentException("unknown size suffix: size=" + text);
        };
        double value = number * multiplier;
        if (value >= Long.MAX_VALUE || value != Math.floor(value)) {
            throw new IllegalArgumentException("size must be a whole number of bytes: size=" + text);
        }
        return (long) value;
    }

    /**
     * Parses a duration as fio does: a number with an optional unit {@code us}, {@code ms}, {@code s},
     * {@code m}, {@code h} or {@code d}; a bare number is in seconds.
     *
     * @return nanoseconds
     * @throws IllegalArgumentException for anything else or a negative duration
     */
    public static long parseDurationNanos(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < s.length() && (Character.isDigit(s.charAt(end)) || s.charAt(end) == '.')) {
            end++;
        }
        if (end == 0) {
            throw new IllegalArgumentException("not a duration: time=" + text);
        }
        double number = Double.parseDouble(s.substring(0, end));
        long unit = switch (s.substring(end)) {
            case "us", "usec" -> TimeUnit.MICROSECONDS.toNanos(1);
            case "ms", "msec" -> TimeUnit.MILLISECONDS.toNanos(1);
            case "", "s", "sec" -> TimeUnit.SECONDS.toNanos(1);
            case "m", "min" -> TimeUnit.MINUTES.toNanos(1);
            case "h" -> TimeUnit.HOURS.toNanos(1);
            case "d" -> TimeUnit.DAYS.toNanos(1);
            default -> throw new IllegalArgumentException("unknown time unit: time=" + text);
        };
        return (long) (number * unit);
    }

    /** A byte count as fio prints one: {@code 4096B}, {@code 4KiB}, {@code 1.5GiB}. */
    public static String formatBytes(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int i = 0;
        while (bytes >= 1024 && i < units.length - 1) {
            bytes /= 1024;
            i++;
        }
        return (bytes == Math.rint(bytes) ? String.format(Locale.ROOT, "%.0f", bytes)
                : String.format(Locale.ROOT, bytes >= 100 ? "%.0f" : "%.1f", bytes)) + units[i];
    }

    /** A count with a decimal suffix: {@code 950}, {@code 12.3k}, {@code 1.25M}. */
    public static String formatCount(double n) {
        if (n < 1000) {
            return String.format(Locale.ROOT, "%.0f", n);
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, n < 10_000 ? "%.2fk" : n < 100_000 ? "%.1fk" : "%.0fk", n / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }
}
