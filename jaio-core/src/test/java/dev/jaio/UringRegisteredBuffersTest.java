package dev.jaio;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.internal.engine.uring.UringEngine;
import dev.jaio.testing.TestFiles;
import dev.jaio.uring.IoUring;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registered buffers on the io_uring engine: reads and writes of {@link AlignedBufferPool} buffers go to
 * the kernel as {@code READ_FIXED}/{@code WRITE_FIXED} (counted by the engine) with the same data as
 * plain ones; other memory goes in plain; closing the pool unregisters; a registration the kernel refuses
 * ({@code RLIMIT_MEMLOCK} in a child JVM without {@code CAP_IPC_LOCK}) falls back to plain requests,
 * with the reason, and no error; the loop enters with its registered ring descriptor.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UringRegisteredBuffersTest {
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 16;

    @TempDir
    Path dir;

    @BeforeEach
    void needsIoUring() {
        String forced = System.getProperty("jaio.engine");
        Assumptions.assumeTrue(forced == null || forced.startsWith("uring") || forced.equals("io_uring"),
                () -> "jaio.engine=" + forced + " overrides the io_uring mode this test is about");
        Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring is unusable here: "
                + IoUring.unavailabilityCause().orElse(""));
    }

    private static AioEngine uring() throws AioException {
        return AioEngine.builder().mode(AioEngine.Mode.IO_URING).queueDepth(32).contexts(2).build();
    }

    private static UringEngine backend(AioEngine engine) {
        return (UringEngine) engine.engine();
    }

    @Test
    void poolBuffersShouldGoInAsFixedRequestsWithTheSameData() throws Exception {
        Path path = TestFiles.patterned(dir, "fixed", BLOCK * BLOCKS);
        try (AioEngine engine = uring();
             AsyncFile file = AsyncFile.open(path, engine, READ, WRITE, JaioOpenOption.DIRECT)) {
            UringEngine ue = backend(engine);
            assertEquals(2, ue.ringsWithBuffersRegistered(), "every ring has the pool's slab");
            assertTrue(engine.registeredBuffersFallback().isEmpty(), engine.registeredBuffersFallback()::toString);
            AlignedBufferPool pool = engine.bufferPool();
            long before = ue.fixedRequests();

            // Reads of the patterned file into pool buffers.
            List<AlignedBufferPool.Buffer> bufs = new ArrayList<>();
            List<CompletableFuture<Integer>> reads = new ArrayList<>();
            for (int i = 0; i < BLOCKS; i++) {
                AlignedBufferPool.Buffer b = pool.acquire(BLOCK);
                bufs.add(b);
                reads.add(file.read(b.segment(), (long) i * BLOCK));
            }
            for (int i = 0; i < BLOCKS; i++) {
                assertEquals(BLOCK, reads.get(i).get(30, TimeUnit.SECONDS));
                TestFiles.assertPattern(bufs.get(i).segment(), BLOCK, (long) i * BLOCK);
            }
            assertEquals(before + BLOCKS, ue.fixedRequests(), "each read went in as READ_FIXED");

            // Writes from pool buffers, read back through plain memory.
            for (int i = 0; i < BLOCKS; i++) {
                bufs.get(i).segment().fill((byte) (i + 1));
            }
            List<CompletableFuture<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < BLOCKS; i++) {
                writes.add(file.write(bufs.get(i).segment(), (long) i * BLOCK));
            }
            for (CompletableFuture<Integer> w : writes) {
                assertEquals(BLOCK, w.get(30, TimeUnit.SECONDS));
            }
            assertEquals(before + 2 * BLOCKS, ue.fixedRequests(), "each write went in as WRITE_FIXED");
            byte[] back = Files.readAllBytes(path);
            for (int i = 0; i < BLOCK * BLOCKS; i++) {
                assertEquals((byte) (i / BLOCK + 1), back[i], "byte " + i);
            }
            bufs.forEach(AlignedBufferPool.Buffer::close);
        }
    }

    @Test
    void memoryOutsideTheSlabShouldGoInPlain() throws Exception {
        Path path = TestFiles.patterned(dir, "plain", BLOCK * 4);
        try (AioEngine engine = uring();
             AsyncFile file = AsyncFile.open(path, engine, READ, JaioOpenOption.DIRECT)) {
            UringEngine ue = backend(engine);
            long before = ue.fixedRequests();
            MemorySegment own = Arena.ofAuto().allocate(BLOCK, BLOCK);
            assertEquals(BLOCK, file.read(own, BLOCK).get(30, TimeUnit.SECONDS));
            TestFiles.assertPattern(own, BLOCK, BLOCK);
            // A pool buffer larger than the pooled sizes has memory of its own, outside the slab.
            try (AlignedBufferPool.Buffer big = engine.bufferPool().acquire(2 << 20)) {
                assertEquals(BLOCK * 4, file.read(big.segment().asSlice(0, BLOCK * 4), 0).get(30, TimeUnit.SECONDS));
                TestFiles.assertPattern(big.segment(), BLOCK * 4, 0);
            }
            assertEquals(before, ue.fixedRequests());
        }
    }

    @Test
    void closingThePoolShouldUnregisterAndLeaveItsBuffersUsable() throws Exception {
        Path path = TestFiles.patterned(dir, "close", BLOCK * 2);
        try (AioEngine engine = uring();
             AsyncFile file = AsyncFile.open(path, engine, READ, JaioOpenOption.DIRECT)) {
            UringEngine ue = backend(engine);
            AlignedBufferPool.Buffer buf = engine.bufferPool().acquire(BLOCK);
            assertEquals(BLOCK, file.read(buf.segment(), 0).get(30, TimeUnit.SECONDS));
            long fixed = ue.fixedRequests();
            assertTrue(fixed > 0, "fixed=" + fixed);

            engine.bufferPool().close();
            // A request after the close: the loop has run the unregistration before it fills the next one.
            MemorySegment own = Arena.ofAuto().allocate(BLOCK, BLOCK);
            assertEquals(BLOCK, file.read(own, 0).get(30, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ue.ringsWithBuffersRegistered() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, ue.ringsWithBuffersRegistered(), "the slab is unregistered from every ring");
            long afterClose = ue.fixedRequests();

            // The buffer still out is memory the request keeps alive; it now goes in as a plain read.
            assertEquals(BLOCK, file.read(buf.segment(), BLOCK).get(30, TimeUnit.SECONDS));
            TestFiles.assertPattern(buf.segment(), BLOCK, BLOCK);
            assertEquals(afterClose, ue.fixedRequests());
            buf.close();
        }
    }

    @Test
    void theLoopShouldEnterWithItsRegisteredRingDescriptor() throws Exception {
        try (AioEngine engine = uring()) {
            Assumptions.assumeTrue(ringFeatures() != 0, "the kernel lacks IORING_FEAT_REG_REG_RING (6.3)");
            Path path = TestFiles.patterned(dir, "ringfd", BLOCK);
            try (AsyncFile file = AsyncFile.open(path, engine, READ)) {
                MemorySegment own = Arena.ofAuto().allocate(BLOCK, BLOCK);
                assertEquals(BLOCK, file.read(own, 0).get(30, TimeUnit.SECONDS));
            }
            assertTrue(backend(engine).registeredRingEnters() > 0, "the loop passed its registered index");
        }
    }

    private static int ringFeatures() throws AioException {
        try (IoUring ring = IoUring.setup(2)) {
            return ring.features() & IoUring.FEAT_REG_REG_RING;
        }
    }

    @Test
    void aRegistrationTheKernelRefusesShouldFallBackToPlainRequests() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")) && Files.isExecutable(Path.of(
                "/usr/bin/setpriv")), "needs prlimit and setpriv (util-linux) to lower RLIMIT_MEMLOCK without CAP_IPC_LOCK");
        Path path = TestFiles.patterned(dir, "memlock", BLOCK * BLOCKS);
        // 64 KiB of RLIMIT_MEMLOCK, and no CAP_IPC_LOCK (which would exempt root): the 4 MiB slab cannot be pinned.
        Process p = new ProcessBuilder("/usr/bin/prlimit", "--memlock=65536:65536", "/usr/bin/setpriv",
                "--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), UringMemlockChild.class.getName(), path.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("data=ok"), out);
        assertTrue(out.contains("fixed=0 registered=0"), out);
        assertTrue(out.contains("fallback=registering") && out.contains("ENOMEM"), out);
    }
}
