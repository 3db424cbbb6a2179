package dev.jaio;

import dev.jaio.testing.TestNatives;
import dev.jaio.testing.TestFiles;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.uring.IoUring;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * {@link AioEngine.Mode#IO_URING} through the public API: choosing it, its failure where io_uring is
 * disabled ({@code kernel.io_uring_disabled=2} set for a moment), buffered files without blocking
 * threads, and rings closed by the cleaner.
 */
@Isolated("changes kernel.io_uring_disabled for the whole machine for a moment")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoUringEngineTest {
    private static final Path DISABLED = Path.of("/proc/sys/kernel/io_uring_disabled");

    @TempDir
    Path dir;

    private static void assumeModesAreOurs() {
        Assumptions.assumeTrue(System.getProperty("jaio.engine") == null,
                "jaio.engine=" + System.getProperty("jaio.engine") + " overrides the modes this test is about");
    }

    private static void assumeIoUring() {
        Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring is unusable here: "
                + IoUring.unavailabilityCause().orElse(""));
    }

    private static AioEngine uring() throws AioException {
        return AioEngine.builder().mode(AioEngine.Mode.IO_URING).queueDepth(64).build();
    }

    @Test
    void shouldRunOnIoUringWhenAskedAndKeepKernelAioForAuto() throws Exception {
        assumeModesAreOurs();
        assumeIoUring();
        try (AioEngine e = uring()) {
            assertEquals(AioEngine.Kind.IO_URING, e.kind());
            assertTrue(e.fallbackReason().isEmpty());
            assertTrue(e.toString().contains("IO_URING"), e.toString());
        }
        try (AioEngine e = AioEngine.builder().build()) {
            assertTrue(e.kind() != AioEngine.Kind.IO_URING, "AUTO stays kernel AIO, then the thread pool: " + e);
        }
    }

    @Test
    void shouldFailToBuildWithEpermAndFallBackInAutoModeWhileIoUringIsDisabled() throws Exception {
        assumeModesAreOurs();
        assumeIoUring();
        Assumptions.assumeTrue(Files.isWritable(DISABLED),
                "needs root and a kernel with kernel.io_uring_disabled (6.6+) to change it: " + DISABLED);
        String original = Files.readString(DISABLED).trim();
        Assumptions.assumeTrue("0".equals(original), "kernel.io_uring_disabled is " + original + ", not 0");
        AioException refused = null;
        AioEngine auto = null;
        // The window in which no process on this machine can create a ring: keep it to these calls.
        Files.writeString(DISABLED, "2");
        try {
            try {
                uring().close();
            } catch (AioException e) {
                refused = e;
            }
            auto = AioEngine.builder().queueDepth(16).build();
        } finally {
            Files.writeString(DISABLED, original);
        }
        assertEquals(original, Files.readString(DISABLED).trim(), "restored");
        try (AioEngine e = auto) {
            assertTrue(refused != null, "an IO_URING engine was built with kernel.io_uring_disabled=2");
            assertEquals(Errno.EPERM.number(), refused.errno(), refused.getMessage());
            assertEquals("io_uring_setup", refused.syscall());
            assertTrue(refused.getMessage().contains("kernel.io_uring_disabled=2"), refused.getMessage());
            assertTrue(refused.getMessage().contains("IoUring.unavailabilityCause()"), refused.getMessage());
            assertTrue(refused.getCause() instanceof AioException, "the setup error is the cause");
            System.out.println("IO_URING while disabled: " + refused.getMessage());
            assertTrue(e.kind() != AioEngine.Kind.IO_URING, "AUTO never picks io_uring: " + e);
            if (e.kind() == AioEngine.Kind.KERNEL_AIO) {
                assertTrue(e.fallbackReason().isEmpty(), "kernel AIO is unaffected by the io_uring sysctl");
            }
        }
        try (AioEngine e = uring()) {
            assertEquals(AioEngine.Kind.IO_URING, e.kind(), "io_uring works again once restored");
        }
    }

    @Test
    void shouldReadUncachedBufferedFilesWithoutBlockingThreads() throws Exception {
        assumeModesAreOurs();
        assumeIoUring();
        int size = 16 << 20;
        byte[] data = TestFiles.random(size, 7);
        Path p = Files.write(dir.resolve("cold"), data);
        try (NativeFile w = NativeFile.open(p, READ, WRITE)) {
            w.sync();
            assertEquals(0, TestNatives.posixFadvise(w.fd(), 0, 0, TestNatives.POSIX_FADV_DONTNEED), "posix_fadvise DONTNEED");
        }
        try (AioEngine e = uring(); AsyncFile f = AsyncFile.open(p, e, READ)) {
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            List<ByteBuffer> bufs = new ArrayList<>();
            int len = 64 << 10;
            for (int pos = 0; pos < size; pos += len) {
                ByteBuffer b = ByteBuffer.allocateDirect(len);
                bufs.add(b);
                fs.add(f.read(b, pos));
            }
            for (int i = 0; i < fs.size(); i++) {
                assertEquals(len, fs.get(i).get(60, TimeUnit.SECONDS), "never short before the end");
                ByteBuffer b = bufs.get(i);
                for (int j = 0; j < len; j++) {
                    if (b.get(j) != data[i * len + j]) {
                        throw new AssertionError("byte " + (i * len + j) + " differs");
                    }
                }
            }
            AioEngine.Stats s = e.stats();
            assertEquals(0, s.blockingFallbacks(), "io_uring punts cache misses to its own workers: " + s);
            assertEquals(fs.size(), s.completed());
            assertTrue(s.submitCalls() > 0 && s.submitCalls() < fs.size(), "batched io_uring_enter calls: " + s);
            System.out.println("cold buffered reads on io_uring: " + s);
        }
    }

    @Test
    void shouldDoBufferedVectoredIoAndForceWithoutBlockingThreads() throws Exception {
        assumeModesAreOurs();
        assumeIoUring();
        Path p = dir.resolve("v");
        try (AioEngine e = uring(); AsyncFile f = AsyncFile.open(p, e, CREATE, READ, WRITE)) {
            Arena arena = Arena.ofAuto();
            List<MemorySegment> out = List.of(arena.allocate(100), arena.allocate(5000));
            for (MemorySegment s : out) {
                for (long i = 0; i < s.byteSize(); i++) {
                    s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + s.byteSize()));
                }
            }
            assertEquals(5100L, f.write(out, 10).get());
            f.force(true).get();
            f.force(false).get();
            List<MemorySegment> in = List.of(arena.allocate(5000), arena.allocate(100));
            assertEquals(5100L, f.read(in, 10).get());
            byte[] expect = new byte[5100];
            out.get(0).asByteBuffer().get(expect, 0, 100);
            out.get(1).asByteBuffer().get(expect, 100, 5000);
            byte[] got = new byte[5100];
            in.get(0).asByteBuffer().get(got, 0, 5000);
            in.get(1).asByteBuffer().get(got, 5000, 100);
            assertTrue(java.util.Arrays.equals(expect, got));
            assertEquals(0, e.stats().blockingFallbacks(), "no blocking thread: " + e.stats());
        }
    }

    @Test
    void shouldCloseTheRingsOfAnEngineThatWasNeverClosed() throws Exception {
        assumeModesAreOurs();
        assumeIoUring();
        long before = ringDescriptors();
        for (int i = 0; i < 5; i++) {
            dropAnEngine();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ringDescriptors() > before && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertTrue(ringDescriptors() <= before, "io_uring descriptors back to " + before + ": now " + ringDescriptors());
    }

    private static void dropAnEngine() throws Exception {
        AioEngine e = uring();
        assertEquals(AioEngine.Kind.IO_URING, e.kind());
        assertTrue(ringDescriptors() > 0);
    }

    /** This process's io_uring descriptors, from /proc/self/fd. */
    private static long ringDescriptors() throws Exception {
        long n = 0;
        try (var fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().contains("io_uring")) {
                        n++;
                    }
                } catch (java.io.IOException gone) {
                    // closed while listing
                }
            }
        }
        return n;
    }

    @Test
    void shouldRefuseAnUnknownEngineProperty() {
        assumeModesAreOurs();
        System.setProperty("jaio.engine", "epoll");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AioEngine.builder().build());
            assertTrue(e.getMessage().contains("uring") && e.getMessage().contains("jaio.engine=epoll"), e.getMessage());
            System.setProperty("jaio.engine", "io_uring");
            if (IoUring.isAvailable()) {
                try (AioEngine u = AioEngine.builder().queueDepth(8).build()) {
                    assertEquals(AioEngine.Kind.IO_URING, u.kind(), "jaio.engine=io_uring is the same as uring");
                }
            }
        } catch (AioException ex) {
            throw new AssertionError(ex);
        } finally {
            System.clearProperty("jaio.engine");
        }
    }
}
