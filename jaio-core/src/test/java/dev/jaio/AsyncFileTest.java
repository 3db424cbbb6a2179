package dev.jaio;

import dev.jaio.testing.TestFiles;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AsyncFileTest {
    @TempDir
    Path dir;
    AioEngine engine;
    Arena arena;

    @BeforeEach
    void setUp() throws Exception {
        engine = EngineTestSupport.engine();
        arena = Arena.ofShared();
    }

    @AfterEach
    void tearDown() {
        engine.close();
        arena.close();
    }

    private static Throwable cause(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void shouldReadAlignedDirectIntoCallerMemory() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 1 << 16);
        try (AsyncFile f = AsyncFile.open(p, engine, READ, JaioOpenOption.DIRECT)) {
            assertTrue(f.isDirect());
            MemorySegment buf = arena.allocate(8192, 4096);
            assertEquals(8192, f.read(buf, 4096).get());
            for (int i = 0; i < 8192; i++) {
                assertEquals(TestFiles.patternByte(4096 + i), buf.get(ValueLayout.JAVA_BYTE, i));
            }
        }
    }

    @Test
    void shouldStageHeapAndMisalignedReadsOnDirectFiles() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 1 << 16);
        try (AsyncFile f = AsyncFile.open(p, engine, READ, JaioOpenOption.DIRECT)) {
            ByteBuffer heap = ByteBuffer.allocate(1000);
            assertEquals(1000, f.read(heap, 12345).get());
            assertEquals(1000, heap.position());
            for (int i = 0; i < 1000; i++) {
                assertEquals(TestFiles.patternByte(12345 + i), heap.get(i));
            }
            MemorySegment odd = arena.allocate(5000, 4096).asSlice(3, 4096);
            assertEquals(4096, f.read(odd, 8192).get());
            assertEquals(TestFiles.patternByte(8192), odd.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void shouldReturnShortCountsAtEndOfFile() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 10000);
        try (AsyncFile f = AsyncFile.open(p, engine, READ, JaioOpenOption.DIRECT)) {
            MemorySegment buf = arena.allocate(8192, 4096);
            assertEquals(10000 - 8192, f.read(buf, 8192).get());
            assertEquals(0, f.read(buf, 16384).get());
            ByteBuffer heap = ByteBuffer.allocate(100);
            assertEquals(10, f.read(heap, 9990).get());
            assertEquals(0, f.read(ByteBuffer.allocate(10), 20000).get());
        }
        try (AsyncFile f = AsyncFile.open(p, engine, READ)) {
            assertEquals(100, f.read(ByteBuffer.allocate(500), 9900).get());
        }
    }

    @Test
    void shouldWriteFromHeapAndDirectBuffersAndReadBack() throws Exception {
        Path p = dir.resolve("w");
        byte[] data = TestFiles.random(3 * 4096, 7);
        try (AsyncFile f = AsyncFile.open(p, engine, CREATE, READ, WRITE, JaioOpenOption.DIRECT)) {
            assertEquals(4096, f.write(ByteBuffer.wrap(data, 0, 4096), 0).get());
            ByteBuffer direct = ByteBuffer.allocateDirect(4096).put(data, 4096, 4096).flip();
            assertEquals(4096, f.write(direct, 4096).get());
            assertEquals(4096, direct.position());
            MemorySegment seg = arena.allocate(4096, 4096);
            MemorySegment.copy(data, 8192, seg, ValueLayout.JAVA_BYTE, 0, 4096);
            assertEquals(4096, f.write(seg, 8192).get());
            f.force(true).get();
            assertEquals(3 * 4096, f.size());
        }
        assertArrayEquals(data, Files.readAllBytes(p));
    }

    @Test
    void shouldFailMisalignedDirectWritesWithEinvalAndKeepServing() throws Exception {
        Path p = dir.resolve("w");
        try (AsyncFile f = AsyncFile.open(p, engine, CREATE, READ, WRITE, JaioOpenOption.DIRECT)) {
            AioException e = assertInstanceOf(AioException.class, cause(f.write(ByteBuffer.allocate(100), 0)));
            assertEquals("EINVAL", e.errnoName());
            assertEquals(p, e.file());
            assertTrue(e.getMessage().contains("multiples"), e.getMessage());
            assertEquals(4096, f.write(ByteBuffer.allocate(4096), 0).get());
        }
    }

    @Test
    void shouldDoBufferedIoWithoutODirect() throws Exception {
        Path p = dir.resolve("b");
        byte[] data = TestFiles.random(100_000, 3);
        try (AsyncFile f = AsyncFile.open(p, engine, CREATE, READ, WRITE)) {
            assertEquals(100_000, f.write(ByteBuffer.wrap(data), 0).get());
            ByteBuffer back = ByteBuffer.allocate(100_000);
            assertEquals(100_000, f.read(back, 0).get());
            assertArrayEquals(data, back.array());
            MemorySegment small = arena.allocate(7);
            assertEquals(7, f.read(small, 13).get());
            assertArrayEquals(Arrays.copyOfRange(data, 13, 20), small.toArray(ValueLayout.JAVA_BYTE));
            f.force(false).get();
        }
    }

    @Test
    void shouldDoVectoredReadsAndWrites() throws Exception {
        Path p = dir.resolve("v");
        byte[] data = TestFiles.random(3 * 4096, 11);
        try (AsyncFile f = AsyncFile.open(p, engine, CREATE, READ, WRITE, JaioOpenOption.DIRECT)) {
            List<MemorySegment> srcs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                MemorySegment s = arena.allocate(4096, 4096);
                MemorySegment.copy(data, i * 4096, s, ValueLayout.JAVA_BYTE, 0, 4096);
                srcs.add(s);
            }
            assertEquals(3 * 4096L, f.write(srcs, 0).get());
            List<MemorySegment> dsts = List.of(arena.allocate(4096, 4096), arena.allocate(8192, 4096));
            assertEquals(3 * 4096L, f.read(dsts, 0).get());
            assertArrayEquals(Arrays.copyOfRange(data, 0, 4096), dsts.get(0).toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(Arrays.copyOfRange(data, 4096, 3 * 4096), dsts.get(1).toArray(ValueLayout.JAVA_BYTE));
            // Heap segments are staged and scattered.
            List<MemorySegment> heap = List.of(MemorySegment.ofArray(new byte[100]), MemorySegment.ofArray(new byte[50]));
            assertEquals(150L, f.read(heap, 10).get());
            assertArrayEquals(Arrays.copyOfRange(data, 110, 160), heap.get(1).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void shouldCheckArgumentsOnTheCallersThread() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 4096);
        try (AsyncFile ro = AsyncFile.open(p, engine, READ)) {
            assertThrows(IllegalArgumentException.class, () -> ro.read(ByteBuffer.allocate(1), -1));
            assertThrows(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1), 0));
            assertThrows(IllegalArgumentException.class, () -> ro.read(ByteBuffer.allocate(1).asReadOnlyBuffer(), 0));
        }
        try (AsyncFile wo = AsyncFile.open(p, engine, WRITE)) {
            assertThrows(NonReadableChannelException.class, () -> wo.read(ByteBuffer.allocate(1), 0));
        }
    }

    @Test
    void shouldFailRequestsAfterCloseWithClosedChannelException() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 4096);
        AsyncFile f = AsyncFile.open(p, engine, READ);
        f.close();
        f.close();
        assertInstanceOf(ClosedChannelException.class, cause(f.read(ByteBuffer.allocate(10), 0)));
        assertInstanceOf(ClosedChannelException.class, cause(f.force(false)));
        assertThrows(ClosedChannelException.class, f::size);
    }

    @Test
    void shouldCompleteOrAbortEveryRequestWhenClosedWithRequestsInFlight() throws Exception {
        Path p = TestFiles.patterned(dir, "big", 8 << 20);
        AsyncFile f = AsyncFile.open(p, engine, READ, JaioOpenOption.DIRECT);
        List<CompletableFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            fs.add(f.read(arena.allocate(65536, 4096), (long) (i % 128) * 65536));
        }
        f.close();
        int ok = 0;
        int aborted = 0;
        for (CompletableFuture<Integer> x : fs) {
            try {
                assertEquals(65536, x.get(30, TimeUnit.SECONDS));
                ok++;
            } catch (ExecutionException e) {
                assertInstanceOf(AsynchronousCloseException.class, e.getCause());
                aborted++;
            }
        }
        assertEquals(500, ok + aborted);
        assertTrue(f.nativeFile().isClosed());
    }

    @Test
    void shouldReportKernelErrorsWithErrnoFileAndPosition() throws Exception {
        // An O_DIRECT read whose length is not a multiple of the block size is staged (works); a negative
        // length is impossible; so produce a kernel error by reading a file opened O_WRONLY through the raw fd:
        // instead, a write past the maximum file size gives EFBIG.
        Path p = dir.resolve("big");
        try (AsyncFile f = AsyncFile.open(p, engine, CREATE, WRITE)) {
            Throwable t = cause(f.write(ByteBuffer.allocate(16), Long.MAX_VALUE - 8));
            AioException e = assertInstanceOf(AioException.class, t);
            assertTrue(e.errnoName().equals("EFBIG") || e.errnoName().equals("EINVAL"), e.getMessage());
            assertEquals(p, e.file());
            assertEquals(16, f.write(ByteBuffer.allocate(16), 0).get());
        }
    }

    @Test
    void shouldTruncateAndAllocate() throws Exception {
        Path p = dir.resolve("t");
        try (AsyncFile f = AsyncFile.open(p, engine, CREATE, READ, WRITE)) {
            f.allocate(0, 1 << 20);
            assertEquals(1 << 20, f.size());
            f.truncate(1000);
            assertEquals(1000, f.size());
        }
    }

    @Test
    void shouldServeThousandsOfVirtualThreadsBlockingOnJoin() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 1 << 20);
        try (AsyncFile f = AsyncFile.open(p, engine, READ, JaioOpenOption.DIRECT);
             var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                int block = i % 256;
                results.add(executor.submit(() -> {
                    MemorySegment buf = Arena.ofAuto().allocate(4096, 4096);
                    int n = f.read(buf, block * 4096L).join();
                    return n == 4096 && buf.get(ValueLayout.JAVA_BYTE, 0) == TestFiles.patternByte(block * 4096L) ? 1 : 0;
                }));
            }
            int good = 0;
            for (var r : results) {
                good += r.get();
            }
            assertEquals(5000, good);
        }
    }

    @Test
    void shouldUseJoinWithoutDeadlockFromCompletionCallbacksOnTheDefaultExecutor() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 1 << 16);
        try (AsyncFile f = AsyncFile.open(p, engine, READ)) {
            int n = f.read(ByteBuffer.allocate(10), 0)
                    .thenApply(x -> f.read(ByteBuffer.allocate(20), 0).join() + x)
                    .get(10, TimeUnit.SECONDS);
            assertEquals(30, n);
        } catch (CompletionException e) {
            throw e;
        }
    }

    @Test
    void shouldRefuseReadsIntoConfinedSegmentsOnTheCallersThread() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 8192);
        try (AsyncFile f = AsyncFile.open(p, engine, READ); Arena confined = Arena.ofConfined()) {
            MemorySegment seg = confined.allocate(4096, 4096);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.read(seg, 0));
            assertTrue(e.getMessage().contains("confined"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> f.read(seg.asByteBuffer(), 0));
            // Writes from a confined segment are copied in on the caller's thread, which owns it.
        }
        try (AsyncFile f = AsyncFile.open(dir.resolve("w"), engine, CREATE, WRITE); Arena confined = Arena.ofConfined()) {
            MemorySegment seg = confined.allocate(4096, 4096);
            assertEquals(4096, f.write(seg, 0).get());
        }
    }

    @Test
    void shouldNeverLetTheKernelWriteIntoAnArenaClosedWhileItsReadIsInFlight() throws Exception {
        Path p = TestFiles.patterned(dir, "big", 16 << 20);
        try (AsyncFile f = AsyncFile.open(p, engine, READ, JaioOpenOption.DIRECT)) {
            for (int round = 0; round < 20; round++) {
                Arena shared = Arena.ofShared();
                List<CompletableFuture<Integer>> fs = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    fs.add(f.read(shared.allocate(1 << 20, 4096), (long) i << 20));
                }
                shared.close(); // the memory is gone: the kernel must not be writing into it
                for (CompletableFuture<Integer> x : fs) {
                    try {
                        assertEquals(1 << 20, x.get(30, TimeUnit.SECONDS));
                    } catch (ExecutionException e) {
                        assertInstanceOf(IllegalStateException.class, e.getCause(), "copy-back into a closed arena");
                    }
                }
            }
        }
    }

    @Test
    void shouldHandAutomaticAndPoolMemoryToTheKernelWithoutStaging() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 1 << 16);
        try (AsyncFile f = AsyncFile.open(p, engine, READ, JaioOpenOption.DIRECT);
             AlignedBufferPool.Buffer pooled = engine.bufferPool().acquire(4096)) {
            assertTrue(AsyncFile.freedOnlyByGc(Arena.ofAuto().allocate(8)));
            assertTrue(AsyncFile.freedOnlyByGc(pooled.segment()));
            assertTrue(AsyncFile.freedOnlyByGc(MemorySegment.ofBuffer(ByteBuffer.allocateDirect(8))));
            assertTrue(!AsyncFile.freedOnlyByGc(arena.allocate(8)));
            assertEquals(4096, f.read(pooled.segment(), 4096).get());
            assertEquals(TestFiles.patternByte(4096), pooled.segment().get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void shouldOpenBufferedAndSayWhyWhereTheFileSystemRefusesODirect() throws Exception {
        Path proc = Path.of("/proc/version"); // procfs refuses O_DIRECT with EINVAL
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(proc), "needs /proc/version");
        try (AsyncFile f = AsyncFile.open(proc, engine, READ, JaioOpenOption.DIRECT)) {
            assertTrue(!f.isDirect());
            assertTrue(f.directFallbackReason().orElseThrow().contains("O_DIRECT"), f.directFallbackReason().toString());
            ByteBuffer b = ByteBuffer.allocate(5);
            assertEquals(5, f.read(b, 0).get());
            assertEquals("Linux", new String(b.array(), java.nio.charset.StandardCharsets.US_ASCII));
        }
    }
}
