package dev.jaio.reliability;

import dev.jaio.AioEngine;
import dev.jaio.AioException;
import dev.jaio.testing.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the reliability tests share: engines, privileged set-up (mounts, loop devices) and this process's
 * descriptors; the kernel's AIO accounting is in {@link dev.jaio.testing.TestFiles}.
 */
final class ReliabilitySupport {
    private ReliabilitySupport() {
    }

    /** An engine on the kind the {@code jaio.engine} property picks (kernel AIO by default). */
    static AioEngine engine() throws AioException {
        return AioEngine.builder().queueDepth(64).build();
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException ignored) {
            // not Linux, or no /proc
        }
        return false;
    }

    /** Mounts a tmpfs of {@code size} (as mount takes it, e.g. "2m") at {@code dir}; root only. */
    static void mountTmpfs(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Command.runOk("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    }

    static void unmount(Path dir) throws IOException, InterruptedException {
        Command.Result r = Command.run("umount", dir.toString());
        if (r.exit() != 0) {
            Command.runOk("umount", "-l", dir.toString());
        }
    }

    /** This process's open descriptors. */
    static int openDescriptors() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count() - 1; // less the one listing the directory
        }
    }
}
