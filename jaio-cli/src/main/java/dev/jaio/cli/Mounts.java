package dev.jaio.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The mount a path lives on, from {@code /proc/self/mountinfo} (proc(5)). */
final class Mounts {
    private Mounts() {
    }

    /**
     * A mount: its point, file system type, source and options.
     *
     * @param mountPoint where it is mounted
     * @param fsType     the file system type, such as ext4
     * @param source     the device or source
     * @param options    the per-mount options
     */
    record Mount(String mountPoint, String fsType, String source, String options) {
    }

    /** "ext4 on / (/dev/vda, rw,relatime)" for the mount holding {@code path}, or why it is unknown. */
    static String describe(Path path) {
        try {
            Mount m = find(path, mountinfo());
            return m == null ? "unknown (no mount found)"
                    : m.fsType() + " on " + m.mountPoint() + " (" + m.source() + ", " + m.options() + ")";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    static String mountinfo() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/mountinfo"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The last-mounted entry whose mount point is the longest prefix of {@code path}. */
    static Mount find(Path path, String mountinfo) throws IOException {
        Path real = path;
        while (real != null && !Files.exists(real)) {
            real = real.getParent();
        }
        real = real == null ? path.toAbsolutePath() : real.toRealPath();
        Mount best = null;
        for (String line : mountinfo.split("\n")) {
            // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
            String[] f = line.trim().split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            if (f.length < 7 || dash < 6 || dash + 2 >= f.length) {
                continue;
            }
            String point = unescape(f[4]);
            if (!real.startsWith(Path.of(point))) {
                continue;
            }
            if (best == null || Path.of(point).getNameCount() >= Path.of(best.mountPoint()).getNameCount()) {
                best = new Mount(point, f[dash + 1], unescape(f[dash + 2]), f[5]);
            }
        }
        return best;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
