package dev.jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.testing.TestFiles;
import dev.jaio.aio.AioContext;
import dev.jaio.AioEngine;
import dev.jaio.AioException;
import dev.jaio.AsyncFile;
import dev.jaio.Errno;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * aio-max-nr nearly used up: lowered for a moment (as root, restored in finally) to a little above the
 * system's current aio-nr, so that a context of 4096 events does not fit while the small contexts other
 * processes create still do. The kernel counts a context's requested nr_events against the limit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExhaustionTest {
    private static final Path AIO_MAX_NR = Path.of("/proc/sys/fs/aio-max-nr");
    private static final int DEPTH = 4096;

    @TempDir
    Path dir;

    /**
     * One write(2) at offset 0 (sysctl_writes_strict). Reading back needs an InputStream too: a /proc file
     * reports size 0, and Files.readString read only its first byte here.
     */
    private static void writeProc(Path p, long value) throws java.io.IOException {
        try (java.io.FileOutputStream out = new java.io.FileOutputStream(p.toFile())) {
            out.write(Long.toString(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertEquals(value, TestFiles.readProcLong(p), "wrote " + p);
    }

    @Test
    void shouldFailKernelModeAndFallBackInAutoModeWhenAioMaxNrIsExhausted() throws Exception {
        Assumptions.assumeTrue(ReliabilitySupport.isRoot(), "needs root to lower /proc/sys/fs/aio-max-nr");
        String forced = System.getProperty("jaio.engine", "");
        Assumptions.assumeFalse(forced.equalsIgnoreCase("threads") || forced.toLowerCase(java.util.Locale.ROOT).contains("uring"),
                "jaio.engine=" + forced + " overrides the modes this test is about (aio-max-nr concerns kernel AIO only)");
        long saved = TestFiles.readProcLong(AIO_MAX_NR);
        long ringsBefore = TestFiles.aioRingMappings();
        AioEngine fallback = null;
        try {
            writeProc(AIO_MAX_NR, TestFiles.aioNr() + DEPTH / 2);

            AioException direct = assertThrows(AioException.class, () -> AioContext.setup(DEPTH));
            assertEquals(Errno.EAGAIN.number(), direct.errno(), direct.getMessage());

            AioException e = assertThrows(AioException.class,
                    () -> AioEngine.builder().mode(AioEngine.Mode.KERNEL_AIO).queueDepth(DEPTH).build());
            assertEquals(Errno.EAGAIN.number(), e.errno(), e.getMessage());
            assertEquals("io_setup", e.syscall());
            assertTrue(e.getMessage().contains("aio-max-nr"), e.getMessage());

            fallback = AioEngine.builder().mode(AioEngine.Mode.AUTO).queueDepth(DEPTH).build();
        } finally {
            writeProc(AIO_MAX_NR, saved);
        }
        try (AioEngine engine = fallback) {
            assertEquals(AioEngine.Kind.THREAD_POOL, engine.kind());
            String reason = engine.fallbackReason().orElseThrow();
            assertTrue(reason.contains("aio-max-nr") && reason.contains("EAGAIN"), reason);
            assertEquals(ringsBefore, TestFiles.aioRingMappings(), "no context left behind: never half-works");
            try (AsyncFile f = AsyncFile.open(dir.resolve("f"), engine, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.READ)) {
                assertEquals(5, f.write(ByteBuffer.wrap("hello".getBytes()), 0).get(10, TimeUnit.SECONDS));
                ByteBuffer back = ByteBuffer.allocate(5);
                assertEquals(5, f.read(back, 0).get(10, TimeUnit.SECONDS));
                assertEquals("hello", new String(back.array()));
            }
        }
    }
}
