package dev.jaio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InfoCommandTest {
    @TempDir
    Path dir;

    private static String info(int expectedExit, String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        String[] all = new String[args.length + 1];
        all[0] = "info";
        System.arraycopy(args, 0, all, 1, args.length);
        assertEquals(expectedExit, cl.execute(all), out::toString);
        return out.toString();
    }

    @Test
    @Timeout(30)
    void shouldReportAioLimitsKernelFileSystemAlignmentAndEveryRwfFlag() throws Exception {
        String out = info(Main.EXIT_OK, dir.toString());
        assertTrue(out.contains("kernel AIO:"), out);
        assertTrue(out.matches("(?s).*aio-nr/aio-max-nr: \\d+ / \\d+.*"), out);
        assertTrue(out.contains("kernel:            " + InfoCommand.readProc("/proc/sys/kernel/osrelease").orElseThrow()), out);
        assertTrue(out.contains("file system:"), out);
        assertTrue(out.contains("engine:"), out);
        assertTrue(out.contains("io_uring:          usable (") || out.contains("io_uring:          NOT usable: "), out);
        if (dev.jaio.uring.IoUring.isAvailable()) {
            assertTrue(out.matches("(?s).*io_uring:          usable .*features [A-Z_ ]*NODROP.*EXT_ARG.*"), out);
        }
        if (out.contains("kernel AIO:        usable") && out.contains("O_DIRECT:          supported")) {
            for (String flag : InfoCommand.RWF_FLAGS.keySet()) {
                assertTrue(out.matches("(?s).*\\n  " + flag + " +write \\S+.*read \\S+.*"), flag + " in " + out);
            }
        }
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "the probe file is deleted");
        }
    }

    @Test
    @Timeout(30)
    void shouldSayWhichCachedRequestsTheInlinePathDid() throws Exception {
        String out = info(Main.EXIT_OK, dir.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cached I/O: +2 buffered 4 KiB writes: (\\d+) inline, "
                + "(\\d+) to the engine.*; 2 cached reads: (\\d+) inline, (\\d+) to the engine").matcher(out);
        assertTrue(m.find(), out);
        assertEquals(2, Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)), out);
        assertEquals(2, Integer.parseInt(m.group(3)) + Integer.parseInt(m.group(4)), out);
    }

    @Test
    void shouldReadProcFilesWhole() {
        String max = InfoCommand.readProc("/proc/sys/fs/aio-max-nr").orElseThrow();
        assertTrue(max.matches("\\d+"), max);
        String mountinfo = InfoCommand.readProc("/proc/self/mountinfo").orElseThrow();
        assertTrue(mountinfo.length() > 0);
    }

    @Test
    void shouldFailForAPathThatDoesNotExist() {
        String out = info(Main.EXIT_FAILURE, dir.resolve("missing").toString());
        assertTrue(out.contains("does not exist"), out);
    }
}
