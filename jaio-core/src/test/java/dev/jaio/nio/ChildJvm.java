package dev.jaio.nio;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a test-source main class in a child JVM with this JVM's class path and native access. */
final class ChildJvm implements AutoCloseable {
    final Process process;
    final BufferedReader out;

    private ChildJvm(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static ChildJvm start(List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        return start(true, jvmOptions, main, args);
    }

    static ChildJvm start(boolean nativeAccess, List<String> jvmOptions, Class<?> main, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (nativeAccess) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        String engine = System.getProperty("jaio.engine");
        if (engine != null) {
            cmd.add("-Djaio.engine=" + engine);
        }
        cmd.addAll(jvmOptions);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** The next line the child prints, or null at its end. */
    String readLine() throws IOException {
        return out.readLine();
    }

    /** Everything the child prints until it exits. */
    String readAll() throws IOException {
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
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
