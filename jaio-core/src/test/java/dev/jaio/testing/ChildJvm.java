package dev.jaio.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Runs a class of the test tree in a second JVM, for what one process cannot show about itself: a
 * permission check that root passes, an flock held by another process, a system property read once at
 * class load, a crash-free run under a seccomp filter or a resource limit, the warnings of a JVM without
 * native access.
 *
 * <p>Every test that starts a JVM does it here: {@code ChildJvm.of(Main.class, args).jvmOptions(...)}
 * then {@link #run()} (wait for the exit; both streams captured, each in a file so that a chatty child
 * never blocks on a full pipe) or {@link #start()} (talk to it line by line while it runs). The child is
 * this JVM's {@code java}, with this JVM's class path and {@code --enable-native-access=ALL-UNNAMED}
 * unless {@link #withoutNativeAccess()} says otherwise.
 *
 * <p>{@link #asNobody()} drops privileges with {@code setpriv --reuid=nobody --regid=nogroup
 * --clear-groups} from util-linux, which needs root; {@link #nobodyUnavailableReason()} says why it
 * cannot be done here. The build's class directories may sit where nobody cannot enter (a clone in a
 * {@code mktemp -d} directory, root's home), so a child run as nobody gets a world-readable copy of
 * jaio's classes and of the test classes in a fresh temporary directory, removed when the child has
 * exited, and runs in that directory.
 */
public final class ChildJvm {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Set<PosixFilePermission> READABLE_DIR = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> READABLE_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private final Class<?> main;
    private final List<String> args;
    private final List<String> jvmOptions = new ArrayList<>();
    private boolean nativeAccess = true;
    private boolean asNobody;
    private boolean mergeStderr;
    private String shellPrefix;
    private Duration timeout = Duration.ofSeconds(60);

    private ChildJvm(Class<?> main, List<String> args) {
        this.main = main;
        this.args = args;
    }

    /**
     * A child JVM that will run {@code main} with {@code args}.
     *
     * @param main a class with a {@code main} method, on this JVM's class path
     * @param args its arguments
     * @return the child, not yet started
     */
    public static ChildJvm of(Class<?> main, String... args) {
        return new ChildJvm(main, List.of(args));
    }

    /**
     * Adds JVM options, placed after the defaults and before the main class.
     *
     * @param options options such as {@code -Xmx128m}
     * @return this
     */
    public ChildJvm jvmOptions(String... options) {
        return jvmOptions(List.of(options));
    }

    /**
     * Adds JVM options, placed after the defaults and before the main class.
     *
     * @param options options such as {@code -Xmx128m}
     * @return this
     */
    public ChildJvm jvmOptions(List<String> options) {
        jvmOptions.addAll(options);
        return this;
    }

    /**
     * Sets a system property in the child.
     *
     * @param key the property's name
     * @param value its value
     * @return this
     */
    public ChildJvm systemProperty(String key, String value) {
        jvmOptions.add("-D" + key + "=" + value);
        return this;
    }

    /**
     * Passes this JVM's {@code jaio.engine} on to the child, when it is set (the surefire executions of
     * the shared engine suite set it), so that the child runs on the same engine as the test.
     *
     * @return this
     */
    public ChildJvm sameEngine() {
        String engine = System.getProperty("jaio.engine");
        return engine == null ? this : systemProperty("jaio.engine", engine);
    }

    /**
     * Leaves out {@code --enable-native-access=ALL-UNNAMED}.
     *
     * @return this
     */
    public ChildJvm withoutNativeAccess() {
        nativeAccess = false;
        return this;
    }

    /**
     * Runs the child as the user {@code nobody}; check {@link #nobodyUnavailableReason()} first.
     *
     * @return this
     */
    public ChildJvm asNobody() {
        asNobody = true;
        return this;
    }

    /**
     * Sends the child's stderr into its stdout, interleaved as it writes them; {@link Result#stderr()}
     * is then empty.
     *
     * @return this
     */
    public ChildJvm mergeStderr() {
        mergeStderr = true;
        return this;
    }

    /**
     * Starts the JVM from {@code bash -c "<prefix> exec java ..."}, for a prefix such as {@code ulimit -f 8;}
     * that the JVM must inherit.
     *
     * @param prefix shell commands run before the JVM replaces the shell
     * @return this
     */
    public ChildJvm underShell(String prefix) {
        shellPrefix = prefix;
        return this;
    }

    /**
     * How long {@link #run()} waits for the child to exit before it kills it and fails (60 s unless set).
     *
     * @param timeout the longest wait
     * @return this
     */
    public ChildJvm timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** The child's exit code and what it printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        /**
         * The child's stdout without surrounding white space: the one line most children print.
         *
         * @return the stripped stdout
         */
        public String line() {
            return stdout.strip();
        }
    }

    /**
     * Why a child cannot be run as nobody here, or null when it can.
     *
     * @return the reason, or null
     */
    public static String nobodyUnavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "dropping to nobody needs root; tests run as user.name=" + System.getProperty("user.name");
        }
        if (!Files.isExecutable(SETPRIV)) {
            return "setpriv (util-linux) is not installed at " + SETPRIV;
        }
        return null;
    }

    /**
     * Runs the child to its end.
     *
     * @return its exit code and output
     * @throws IOException if it cannot be started, or does not exit within the timeout (it is then killed)
     * @throws InterruptedException if this thread is interrupted while waiting (the child is then killed)
     */
    public Result run() throws IOException, InterruptedException {
        Path copy = asNobody ? readableCopyOfClasses() : null;
        Path out = Files.createTempFile("jaio-child-", ".out");
        Path err = Files.createTempFile("jaio-child-", ".err");
        try {
            List<String> cmd = command(copy);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile());
            if (mergeStderr) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(err.toFile());
            }
            if (copy != null) {
                pb.directory(copy.toFile()); // the test's working directory may be closed to nobody too
            }
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process p = pb.start();
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IOException("child JVM did not finish in " + timeout + ": cmd=" + cmd
                            + " stdout so far=" + Files.readString(out));
                }
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly().waitFor();
                }
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            if (copy != null) {
                deleteTree(copy);
            }
        }
    }

    /**
     * Starts the child and returns at once, its stderr merged into its stdout, for a test that reads its
     * lines as it goes. Not with {@link #asNobody()}.
     *
     * @return the running child
     * @throws IOException if it cannot be started
     */
    public Running start() throws IOException {
        if (asNobody) {
            throw new IllegalStateException("start() runs as the current user; use run() for asNobody()");
        }
        return new Running(new ProcessBuilder(command(null)).redirectErrorStream(true).start());
    }

    /** A child that runs while the test talks to it; closing it waits up to 30 s, then kills it. */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;

        private Running(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /**
         * The child's process.
         *
         * @return the process
         */
        public Process process() {
            return process;
        }

        /**
         * The next line the child prints, or null at its end.
         *
         * @return the line, or null
         * @throws IOException if reading fails
         */
        public String readLine() throws IOException {
            return out.readLine();
        }

        /**
         * Everything the child prints until it exits, each line ended by {@code \n}.
         *
         * @return the output
         * @throws IOException if reading fails
         */
        public String readAll() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (String line; (line = out.readLine()) != null; ) {
                sb.append(line).append('\n');
            }
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            process.getOutputStream().close();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private List<String> command(Path copy) {
        List<String> cmd = new ArrayList<>();
        if (asNobody) {
            cmd.addAll(List.of(SETPRIV.toString(), "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (nativeAccess) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(copy != null ? copy.resolve("main") + ":" + copy.resolve("test") : System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(args);
        if (shellPrefix == null) {
            return cmd;
        }
        StringBuilder line = new StringBuilder(shellPrefix).append(" exec");
        for (String c : cmd) {
            line.append(" '").append(c.replace("'", "'\\''")).append('\'');
        }
        return List.of("bash", "-c", line.toString());
    }

    /**
     * Copies the class directories (or jars) of jaio and of the test tree into a new temporary directory
     * that every user may read and enter, as {@code main} and {@code test}.
     */
    private Path readableCopyOfClasses() throws IOException {
        Path root = Files.createTempDirectory("jaio-child-classes");
        try {
            Files.setPosixFilePermissions(root, READABLE_DIR);
            copyReadable(classesOf(dev.jaio.NativeFile.class), root.resolve("main"));
            copyReadable(classesOf(main), root.resolve("test"));
            return root;
        } catch (IOException | RuntimeException e) {
            deleteTree(root);
            throw e;
        }
    }

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

    private static Path classesOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
