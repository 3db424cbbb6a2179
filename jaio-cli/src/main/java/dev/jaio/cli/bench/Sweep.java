package dev.jaio.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One {@code --sweep} axis, {@code key=v1,v2,...}, over {@code iodepth}, {@code ioengine}, {@code bs},
 * {@code rw} or {@code numjobs}.
 *
 * @param key    the option swept
 * @param values its values, as given
 */
public record Sweep(String key, List<String> values) {
    /** The options a sweep may vary. */
    public static final List<String> KEYS = List.of("iodepth", "ioengine", "bs", "rw", "numjobs");

    /**
     * Parses {@code key=v1,v2,...}.
     *
     * @throws IllegalArgumentException for an unknown key, no values, or a value the option does not take
     */
    public static Sweep parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new IllegalArgumentException("a sweep is key=v1,v2,...: sweep=" + text);
        }
        String key = text.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        if (!KEYS.contains(key)) {
            throw new IllegalArgumentException("cannot sweep " + key + " (can: " + String.join(", ", KEYS) + "): sweep="
                    + text);
        }
        List<String> values = Arrays.stream(text.substring(eq + 1).split(",")).map(String::trim)
                .filter(v -> !v.isEmpty()).toList();
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs values: sweep=" + text);
        }
        Sweep s = new Sweep(key, values);
        for (String v : values) {
            s.apply(placeholder(), v); // reject bad values before anything runs
        }
        return s;
    }

    private static Workload placeholder() {
        return new Workload(java.nio.file.Path.of("x"), 1L << 30, RwMode.READ, 50, 4096, 1, true, 1, 0, false, 1,
                EngineKind.AIO_RAW);
    }

    /** {@code w} with this axis's option set to {@code value}. */
    public Workload apply(Workload w, String value) {
        return switch (key) {
            case "iodepth" -> w.withIodepth(Integer.parseInt(value));
            case "ioengine" -> w.withEngine(EngineKind.parse(value));
            case "bs" -> w.withBlockSize(Math.toIntExact(Units.parseSize(value)));
            case "rw" -> w.withRw(RwMode.valueOf(value.toUpperCase(Locale.ROOT)));
            case "numjobs" -> w.withNumjobs(Integer.parseInt(value));
            default -> throw new IllegalStateException("unknown sweep key: key=" + key);
        };
    }

    /** Every combination of the axes' values applied to {@code base}, the first axis varying slowest. */
    public static List<Workload> grid(Workload base, List<Sweep> sweeps) {
        List<Workload> out = new ArrayList<>(List.of(base));
        for (Sweep s : sweeps) {
            List<Workload> next = new ArrayList<>();
            for (Workload w : out) {
                for (String v : s.values()) {
                    next.add(s.apply(w, v));
                }
            }
            out = next;
        }
        return out;
    }
}
