package dev.jaio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A loop block device over a backing file, made with {@code losetup --find --show --sector-size N}
 * (util-linux; root only) and detached by {@link #close()}.
 */
final class LoopDevice implements AutoCloseable {
    private static final Path LOSETUP = Path.of("/usr/sbin/losetup");

    private final Path device;

    private LoopDevice(Path device) {
        this.device = device;
    }

    /** Why loop devices cannot be made here, or null when they can. */
    static String unavailableReason() {
        if (!Files.isExecutable(LOSETUP) && !Files.isExecutable(Path.of("/sbin/losetup"))) {
            return "losetup (util-linux) is not installed";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "losetup needs root; tests run as user.name=" + System.getProperty("user.name");
        }
        if (!Files.exists(Path.of("/dev/loop-control"))) {
            return "no /dev/loop-control: the loop driver is not available";
        }
        return null;
    }

    /** Attaches a loop device with logical sector size {@code sectorSize} to {@code backing}. */
    static LoopDevice attach(Path backing, int sectorSize) throws IOException, InterruptedException {
        String out = run("--find", "--show", "--sector-size", Integer.toString(sectorSize), backing.toString());
        return new LoopDevice(Path.of(out.strip()));
    }

    /** The device node, such as /dev/loop3. */
    Path device() {
        return device;
    }

    private static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Files.isExecutable(LOSETUP) ? LOSETUP.toString() : "/sbin/losetup");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("losetup did not finish: cmd=" + cmd);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("losetup failed: cmd=" + cmd + " exit=" + p.exitValue() + " output=" + out.strip());
        }
        return out;
    }

    /** Detaches the device. */
    @Override
    public void close() throws IOException {
        try {
            run("--detach", device.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while detaching " + device, e);
        }
    }

    @Override
    public String toString() {
        return device.toString();
    }
}
