package dev.jaio.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A loop block device over a backing file, made with {@code losetup --find --show --sector-size N}
 * (util-linux; root only) and detached by {@link #close()}.
 */
public final class LoopDevice implements AutoCloseable {
    private static final Path LOSETUP = Path.of("/usr/sbin/losetup");

    private final Path device;

    private LoopDevice(Path device) {
        this.device = device;
    }

    /**
     * Why loop devices cannot be made here, or null when they can.
     *
     * @return the reason, or null
     */
    public static String unavailableReason() {
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

    /**
     * Attaches a loop device with logical sector size {@code sectorSize} to {@code backing}.
     *
     * @param backing the backing file
     * @param sectorSize the logical sector size, such as 512 or 4096
     * @return the attached device
     * @throws IOException if losetup fails, for example when no loop device is free
     * @throws InterruptedException if interrupted while waiting for losetup
     */
    public static LoopDevice attach(Path backing, int sectorSize) throws IOException, InterruptedException {
        return attach(backing, "--sector-size", Integer.toString(sectorSize));
    }

    /**
     * Attaches a loop device with losetup's default sector size to {@code backing}.
     *
     * @param backing the backing file
     * @return the attached device
     * @throws IOException if losetup fails, for example when no loop device is free
     * @throws InterruptedException if interrupted while waiting for losetup
     */
    public static LoopDevice attach(Path backing) throws IOException, InterruptedException {
        return attach(backing, new String[0]);
    }

    private static LoopDevice attach(Path backing, String... options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--find", "--show"));
        args.addAll(List.of(options));
        args.add(backing.toString());
        String[] lines = run(args.toArray(String[]::new)).strip().split("\n");
        return new LoopDevice(Path.of(lines[lines.length - 1].strip()));
    }

    /**
     * The device node, such as /dev/loop3.
     *
     * @return the device node
     */
    public Path device() {
        return device;
    }

    private static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Files.isExecutable(LOSETUP) ? LOSETUP.toString() : "/sbin/losetup");
        cmd.addAll(List.of(args));
        return Command.runOk(cmd);
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
