package dev.jaio.reliability;

import dev.jaio.AioEngine;
import dev.jaio.AioException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the reliability tests share: engines, privileged set-up (mounts, loop devices), child JVMs, /proc. */
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

    /** Runs a command, returning its exit status and output; fails the test only if it hangs. */
    static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("command hung: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Runs a command that must succeed. */
    static String runOk(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        if (r.exit != 0) {
            throw new IOException("command failed: exit=" + r.exit + " command=" + String.join(" ", command)
                    + " output=" + r.output.strip());
        }
        return r.output;
    }

    record Result(int exit, String output) {
    }

    /** Mounts a tmpfs of {@code size} (as mount takes it, e.g. "2m") at {@code dir}; root only. */
    static void mountTmpfs(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        runOk("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    }

    static void unmount(Path dir) throws IOException, InterruptedException {
        Result r = run("umount", dir.toString());
        if (r.exit != 0) {
            runOk("umount", "-l", dir.toString());
        }
    }

    /** A child JVM running {@code mainClass} of the test class path, with native access, under bash. */
    static ProcessBuilder childJvm(String bashPrefix, Class<?> mainClass, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        String engine = System.getProperty("jaio.engine");
        if (engine != null) {
            cmd.add(2, "-Djaio.engine=" + engine);
        }
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        StringBuilder line = new StringBuilder(bashPrefix).append(" exec");
        for (String c : cmd) {
            line.append(" '").append(c.replace("'", "'\\''")).append('\'');
        }
        return new ProcessBuilder("bash", "-c", line.toString());
    }

    /** /proc/sys/fs/aio-nr: events reserved by all AIO contexts of the system. */
    static long aioNr() throws IOException {
        return readProcLong(Path.of("/proc/sys/fs/aio-nr"));
    }

    static long readProcLong(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }

    /** This process's open descriptors. */
    static int openDescriptors() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count() - 1; // less the one listing the directory
        }
    }

    /** This process's AIO completion rings: each context maps one, shown as "/[aio] (deleted)". */
    static int aioRingMappings() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return (int) lines.filter(l -> l.contains("[aio]")).count();
        }
    }
}
