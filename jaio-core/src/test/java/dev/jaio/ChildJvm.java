package dev.jaio;

import dev.jaio.aio.AioContext;
import dev.jaio.aio.IoEventArray;
import dev.jaio.aio.IoPriority;
import dev.jaio.aio.Iocb;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs jaio in a second JVM, optionally as the unprivileged user {@code nobody}, for what one process
 * cannot show about itself: a permission check that root passes, an flock held by another process, a
 * system property read once at class load. The child prints one line that the test asserts on.
 *
 * <p>Dropping privileges uses {@code setpriv --reuid=nobody --regid=nogroup --clear-groups} from
 * util-linux, which needs root; {@link #nobodyUnavailableReason()} says why it cannot be done here.
 * The build's class directories may sit where nobody cannot enter (a clone in a {@code mktemp -d}
 * directory, root's home), so a child run as nobody gets a world-readable copy of them in a fresh
 * temporary directory, removed when the child has exited.
 */
public final class ChildJvm {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private ChildJvm() {
    }

    /** The child's exit code and output. */
    public record Result(int exitCode, String stdout, String stderr) {
        public String line() {
            return stdout.strip();
        }
    }

    /** Why a child cannot be run as nobody here, or null when it can. */
    public static String nobodyUnavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "dropping to nobody needs root; tests run as user.name=" + System.getProperty("user.name");
        }
        if (!Files.isExecutable(SETPRIV)) {
            return "setpriv (util-linux) is not installed at " + SETPRIV;
        }
        return null;
    }

    /** Runs {@link #main} with {@code args} in a new JVM, as root (the current user) or as nobody. */
    public static Result run(boolean asNobody, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        Path copy = asNobody ? readableCopyOfClasses() : null;
        try {
            List<String> cmd = new ArrayList<>();
            if (asNobody) {
                cmd.addAll(List.of(SETPRIV.toString(), "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
            }
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:-UsePerfData", "-Xshare:auto",
                    "-XX:TieredStopAtLevel=1"));
            cmd.addAll(jvmOptions);
            cmd.add("-cp");
            cmd.add(copy != null
                    ? copy.resolve("main") + ":" + copy.resolve("test")
                    : classesOf(NativeFile.class) + ":" + classesOf(ChildJvm.class));
            cmd.add(ChildJvm.class.getName());
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (copy != null) {
                pb.directory(copy.toFile()); // the test's working directory may be closed to nobody too
            }
            return waitFor(pb.start(), cmd);
        } finally {
            if (copy != null) {
                deleteTree(copy);
            }
        }
    }

    private static Result waitFor(Process p, List<String> cmd) throws IOException, InterruptedException {
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("child JVM did not finish in 60 s: cmd=" + cmd);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /**
     * Copies the class directories (or jars) of jaio and of this class into a new temporary directory
     * that every user may read and enter, as {@code main} and {@code test}.
     */
    private static Path readableCopyOfClasses() throws IOException {
        Path root = Files.createTempDirectory("jaio-child-classes");
        try {
            Files.setPosixFilePermissions(root, READABLE_DIR);
            copyReadable(Path.of(classesOf(NativeFile.class)), root.resolve("main"));
            copyReadable(Path.of(classesOf(ChildJvm.class)), root.resolve("test"));
            return root;
        } catch (IOException | RuntimeException e) {
            deleteTree(root);
            throw e;
        }
    }

    private static final Set<PosixFilePermission> READABLE_DIR = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> READABLE_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private static void copyReadable(Path source, Path target) throws IOException {
        try (Stream<Path> tree = Files.walk(source)) {
            for (Path from : (Iterable<Path>) tree::iterator) {
                Path to = target.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                    Files.setPosixFilePermissions(to, READABLE_DIR);
                } else {
                    Files.copy(from, to);
                    Files.setPosixFilePermissions(to, READABLE_FILE);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String classesOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Commands: {@code open PATH} (opens for reading), {@code trylock PATH}, {@code rtread PATH LEVEL}
     * (an O_DIRECT read of 4096 bytes at 0 with real-time I/O priority), {@code usesring}, and for
     * measuring by hand {@code align PATH} and {@code readheavy PATH} (a file of at least 128 KiB).
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "open" -> {
                try (NativeFile f = NativeFile.open(Path.of(args[1]), StandardOpenOption.READ)) {
                    System.out.println("OK");
                } catch (IOException e) {
                    System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            case "trylock" -> {
                try (NativeFile f = NativeFile.open(Path.of(args[1]), StandardOpenOption.READ)) {
                    System.out.println("tryLock=" + f.tryLock());
                }
            }
            case "rtread" -> {
                try (NativeFile f = NativeFile.open(Path.of(args[1]), StandardOpenOption.READ, JaioOpenOption.DIRECT);
                     AioContext ctx = AioContext.setup(4);
                     Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(4096, 4096);
                    Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), buf, 0)
                            .ioPriority(IoPriority.realTime(Integer.parseInt(args[2])));
                    try {
                        ctx.submit(iocb);
                        System.out.println("res=" + ctx.getEvents(1, 1, Duration.ofSeconds(10)).get(0).res());
                    } catch (AioException e) {
                        System.out.println("submit=" + e.errnoName());
                    }
                }
            }
            case "align" -> {
                try (NativeFile f = NativeFile.open(Path.of(args[1]), StandardOpenOption.READ)) {
                    System.out.println(f.directIoAlignment() + " size=" + f.size());
                }
            }
            case "readheavy" -> {
                // 50 batches of 32 O_DIRECT 4 KiB reads, each batch reaped before the next: prints counters.
                try (NativeFile f = NativeFile.open(Path.of(args[1]), StandardOpenOption.READ, JaioOpenOption.DIRECT);
                     AioContext ctx = AioContext.setup(32);
                     Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(32 * 4096, 4096);
                    List<Iocb> batch = new ArrayList<>();
                    for (int i = 0; i < 32; i++) {
                        batch.add(Iocb.allocate(arena).prepPread(f.fd(), buf.asSlice(i * 4096L, 4096), i * 4096L));
                    }
                    IoEventArray events = IoEventArray.allocate(32);
                    for (int n = 0; n < 50; n++) {
                        ctx.submit(batch);
                        int got = 0;
                        while (got < 32) {
                            got += ctx.getEvents(32 - got, events, -1);
                        }
                    }
                    System.out.println(ctx.counters());
                }
            }
            case "usesring" -> {
                try (AioContext ctx = AioContext.setup(4)) {
                    System.out.println("usesRing=" + ctx.usesRing());
                }
            }
            default -> throw new IllegalArgumentException("unknown command: " + args[0]);
        }
    }
}
