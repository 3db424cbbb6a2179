package dev.jaio.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a system command that a test needs for its set-up ({@code mount}, {@code losetup}, {@code chattr}),
 * its stderr merged into its stdout. A JVM child is {@link ChildJvm}'s job, not this class's.
 */
public final class Command {
    private static final long TIMEOUT_SECONDS = 60;

    private Command() {
    }

    /** A command's exit status and output. */
    public record Result(int exit, String output) {
    }

    /**
     * Runs {@code command} to its end.
     *
     * @param command the program and its arguments
     * @return its exit status and output
     * @throws IOException if it cannot be started, or has not finished within 60 s (it is then killed)
     * @throws InterruptedException if interrupted while waiting (the command is then killed)
     */
    public static Result run(String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("jaio-command-", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            try {
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IOException("command hung for " + TIMEOUT_SECONDS + " s: " + String.join(" ", command));
                }
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly().waitFor();
                }
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Runs a command that must succeed.
     *
     * @param command the program and its arguments
     * @return its output
     * @throws IOException if it cannot be started, hangs, or exits with a status other than 0
     * @throws InterruptedException if interrupted while waiting
     */
    public static String runOk(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        if (r.exit() != 0) {
            throw new IOException("command failed: exit=" + r.exit() + " command=" + String.join(" ", command)
                    + " output=" + r.output().strip());
        }
        return r.output();
    }

    /**
     * As {@link #runOk(String...)}.
     *
     * @param command the program and its arguments
     * @return its output
     * @throws IOException if it cannot be started, hangs, or exits with a status other than 0
     * @throws InterruptedException if interrupted while waiting
     */
    public static String runOk(List<String> command) throws IOException, InterruptedException {
        return runOk(command.toArray(String[]::new));
    }
}
