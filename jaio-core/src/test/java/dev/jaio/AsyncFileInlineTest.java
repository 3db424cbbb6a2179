package dev.jaio;

import dev.jaio.testing.TestNatives;
import dev.jaio.testing.TestFiles;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jaio.internal.linux.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which path a buffered request takes: done on the caller's thread with RWF_NOWAIT when the page cache
 * has it, handed to the engine when it would block or where the file system refuses RWF_NOWAIT. The
 * engine's {@link AioEngine.Stats#inline()} and {@link AioEngine.Stats#toEngine()} say which.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AsyncFileInlineTest {
    @TempDir
    Path dir;

    @Test
    void shouldCompleteACachedReadBeforeReturningItsFuture() throws Exception {
        byte[] data = TestFiles.random(64 << 10, 1);
        Path p = Files.write(dir.resolve("cached"), data); // just written: in the page cache
        try (AioEngine e = EngineTestSupport.engine(); AsyncFile f = AsyncFile.open(p, e, READ)) {
            ByteBuffer heap = ByteBuffer.allocate(1024);
            CompletableFuture<Integer> a = f.read(heap, 4096);
            assertTrue(a.isDone(), "a cached heap read is complete when read returns");
            assertEquals(1024, a.join());
            assertEquals(1024, heap.position());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 4096, 5120), heap.array());

            MemorySegment auto = Arena.ofAuto().allocate(4096);
            CompletableFuture<Integer> b = f.read(auto, 8192);
            assertTrue(b.isDone(), "a cached read into an automatic segment is complete when read returns");
            assertEquals(4096, b.join());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 8192, 12288), auto.toArray(ValueLayout.JAVA_BYTE));

            try (Arena shared = Arena.ofShared()) {
                MemorySegment s = shared.allocate(100);
                assertEquals(100, f.read(s, 7).getNow(-1));
                assertEquals(data[7], s.get(ValueLayout.JAVA_BYTE, 0));
            }
            AioEngine.Stats st = e.stats();
            assertEquals(3, st.inline(), st.toString());
            assertEquals(0, st.toEngine(), st.toString());
            assertEquals(3, st.completed(), st.toString());
            // The only io_submit is the loop arming its own wake-up when it starts.
            assertTrue(st.submitCalls() <= 1, "no request reached io_submit: " + st);
        }
    }

    @Test
    void shouldFinishReadsAtAndPastEndOfFileInline() throws Exception {
        byte[] data = TestFiles.random(10_000, 2);
        Path p = Files.write(dir.resolve("short"), data);
        try (AioEngine e = EngineTestSupport.engine(); AsyncFile f = AsyncFile.open(p, e, READ)) {
            ByteBuffer b = ByteBuffer.allocate(4096);
            CompletableFuture<Integer> tail = f.read(b, 8192);
            assertTrue(tail.isDone());
            assertEquals(10_000 - 8192, tail.join(), "short only because of end of file");
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 8192, 10_000),
                    java.util.Arrays.copyOf(b.array(), 10_000 - 8192));
            assertEquals(0, f.read(ByteBuffer.allocate(10), 20_000).getNow(-1), "past end of file");
            AioEngine.Stats st = e.stats();
            assertEquals(2, st.inline(), st.toString());
            assertEquals(0, st.toEngine(), st.toString());
        }
    }

    @Test
    void shouldSendAReadOfDroppedPagesToTheEngine() throws Throwable {
        byte[] data = TestFiles.random(1 << 20, 3);
        Path p = Files.write(dir.resolve("uncached"), data);
        try (AioEngine e = EngineTestSupport.engine(); AsyncFile f = AsyncFile.open(p, e, READ)) {
            // The RWF_NOWAIT read of dropped pages starts their readahead and says EAGAIN; rarely (seen once in
            // four runs here) the disk answers within the call and the kernel returns the data inline. So
            // each attempt counts once, on one path or the other, and the engine must take at least one of
            // up to 100 attempts on freshly dropped ranges (on a loaded machine the
            // readahead more often wins the race).
            long engineBefore = 0;
            long inlineBefore = 0;
            boolean toEngine = false;
            long at = 0;
            for (int attempt = 0; attempt < 100 && !toEngine; attempt++) {
                at = (128L << 10) * (attempt % 7 + 1);
                dropPages(f, 0, data.length);
                ByteBuffer b = ByteBuffer.allocate(64 << 10);
                assertEquals(64 << 10, f.read(b, at).get());
                assertArrayEquals(java.util.Arrays.copyOfRange(data, (int) at, (int) at + (64 << 10)), b.array());
                AioEngine.Stats st = e.stats();
                assertEquals(1, st.inline() - inlineBefore + st.toEngine() - engineBefore, st.toString());
                toEngine = st.toEngine() > engineBefore;
                inlineBefore = st.inline();
                engineBefore = st.toEngine();
            }
            AioEngine.Stats st = e.stats();
            assertTrue(toEngine, "a read of dropped pages went to the engine in none of 100 attempts: " + st);
            if (e.kind() == AioEngine.Kind.KERNEL_AIO) {
                assertEquals(st.toEngine(), st.blockingFallbacks(),
                        "what would block goes to a blocking thread: " + st);
            }
            assertTrue(f.triesInlineReads(), "EAGAIN does not turn the inline path off");
            // Now cached by that read: the same range again is done inline.
            long inline = st.inline();
            assertTrue(f.read(ByteBuffer.allocate(64 << 10), at).isDone());
            assertEquals(inline + 1, e.stats().inline());
        }
    }

    // 1 MiB, one staging chunk: a larger heap read is staged in chunks, each one engine request.
    @Test
    void shouldReturnAllOfAPartlyCachedReadWhoeverFinishesIt() throws Throwable {
        byte[] data = TestFiles.random(1 << 20, 4);
        try (AioEngine e = EngineTestSupport.engine()) {
            int round = 0;
            for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.allocate(1 << 20), ByteBuffer.allocateDirect(1 << 20)}) {
                Path p = Files.write(dir.resolve("half" + round++), data);
                try (AsyncFile f = AsyncFile.open(p, e, READ)) {
                    dropPages(f, 512 << 10, 512 << 10); // the second half only
                    assertEquals(1 << 20, f.read(b, 0).get());
                }
                assertEquals(1 << 20, b.position());
                byte[] back = new byte[1 << 20];
                b.flip().get(back);
                assertArrayEquals(data, back);
            }
            // Each read was counted once. Which path it took is the kernel's call: the RWF_NOWAIT read that
            // stops at the dropped pages starts their readahead, which on a fast disk may be done before the
            // follow-up call, and then the whole read is done inline.
            AioEngine.Stats st = e.stats();
            assertEquals(2, st.inline() + st.toEngine(), st.toString());
            System.out.println("partly cached reads: " + st.inline() + " finished inline, " + st.toEngine()
                    + " by the engine after an inline start");
        }
    }

    @Test
    void shouldDoACachedVectoredReadInlineAndReturnAllOfAPartlyCachedOne() throws Throwable {
        byte[] data = TestFiles.random(2 << 20, 8);
        Path p = Files.write(dir.resolve("vectored"), data);
        try (AioEngine e = EngineTestSupport.engine(); AsyncFile f = AsyncFile.open(p, e, READ)) {
            List<MemorySegment> bufs = List.of(Arena.ofAuto().allocate(1000), Arena.ofAuto().allocate(0),
                    Arena.ofAuto().allocate(3000));
            CompletableFuture<Long> v = f.read(bufs, 100);
            assertTrue(v.isDone(), "a cached vectored read is complete when read returns");
            assertEquals(4000L, v.join());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 100, 1100), bufs.get(0).toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 1100, 4100), bufs.get(2).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(1, e.stats().inline());

            dropPages(f, 1 << 20, 1 << 20);
            MemorySegment x = Arena.ofAuto().allocate((1 << 20) - 10);
            MemorySegment y = Arena.ofAuto().allocate(20);
            MemorySegment z = Arena.ofAuto().allocate((1 << 20) - 10);
            assertEquals(2L << 20, f.read(List.of(x, y, z), 0).get(), "all of it, though the kernel stopped at 1 MiB");
            byte[] back = new byte[2 << 20];
            MemorySegment.copy(x, ValueLayout.JAVA_BYTE, 0, back, 0, (int) x.byteSize());
            MemorySegment.copy(y, ValueLayout.JAVA_BYTE, 0, back, (1 << 20) - 10, 20);
            MemorySegment.copy(z, ValueLayout.JAVA_BYTE, 0, back, (1 << 20) + 10, (int) z.byteSize());
            assertArrayEquals(data, back);
            // Counted once; inline or by the engine after an inline start, as the kernel's readahead goes
            // (see shouldReturnAllOfAPartlyCachedReadWhoeverFinishesIt).
            AioEngine.Stats st = e.stats();
            assertEquals(2, st.inline() + st.toEngine(), st.toString());
            long engineBefore = st.toEngine();

            // Heap memory cannot be named in an iovec: such a vectored read goes to the engine as before.
            assertEquals(10L, f.read(List.of(MemorySegment.ofArray(new byte[10])), 0).get());
            assertEquals(engineBefore + 1, e.stats().toEngine());
        }
    }

    @Test
    void shouldRememberAFileWhoseFileSystemRefusesNowaitReads() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no writable /dev/shm (tmpfs) here");
        Path p = Files.createTempFile(shm, "jaio-inline", ".bin");
        try {
            byte[] data = TestFiles.random(16 << 10, 5);
            Files.write(p, data);
            long probe = probeNowaitRead(p);
            assumeTrue(probe == -Errno.EOPNOTSUPP.number(), "tmpfs answered a RWF_NOWAIT read with " + probe
                    + ", not EOPNOTSUPP, on this kernel: nothing to remember");
            try (AioEngine e = EngineTestSupport.engine(); AsyncFile f = AsyncFile.open(p, e, READ)) {
                assertTrue(f.triesInlineReads());
                ByteBuffer b = ByteBuffer.allocate(1024);
                assertEquals(1024, f.read(b, 1024).get());
                assertArrayEquals(java.util.Arrays.copyOfRange(data, 1024, 2048), b.array());
                assertFalse(f.triesInlineReads(), "EOPNOTSUPP is remembered for the file");
                ByteBuffer c = ByteBuffer.allocate(1024);
                assertEquals(1024, f.read(c, 4096).get());
                assertArrayEquals(java.util.Arrays.copyOfRange(data, 4096, 5120), c.array());
                AioEngine.Stats st = e.stats();
                assertEquals(0, st.inline(), st.toString());
                assertEquals(2, st.toEngine(), st.toString());
            }
        } finally {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void shouldTakeTheWritePathTheFileSystemAllows() throws Exception {
        Path p = dir.resolve("written");
        Files.write(p, new byte[8192]);
        long probe = probeNowaitWrite(p);
        try (AioEngine e = EngineTestSupport.engine(); AsyncFile f = AsyncFile.open(p, e, READ, WRITE)) {
            byte[] data = TestFiles.random(4096, 6);
            assertEquals(4096, f.write(ByteBuffer.wrap(data), 4096).get());
            AioEngine.Stats st = e.stats();
            if (probe == -Errno.EOPNOTSUPP.number()) {
                // ext4 on Linux 6.18 refuses buffered RWF_NOWAIT writes: the file remembers it.
                assertFalse(f.triesInlineWrites());
                assertEquals(0, st.inline(), st.toString());
                assertEquals(1, st.toEngine(), st.toString());
            } else {
                assertEquals(4096, probe, "a RWF_NOWAIT write of 4096 bytes into cached pages");
                assertEquals(1, st.inline(), st.toString());
                assertEquals(0, st.toEngine(), st.toString());
            }
            ByteBuffer back = ByteBuffer.allocate(4096);
            assertEquals(4096, f.read(back, 4096).get());
            assertArrayEquals(data, back.array());
        }
    }

    @Test
    void shouldFailAnInlineReadWithTheErrnoTheKernelGives() throws Exception {
        Path p = Files.write(dir.resolve("einval"), new byte[4096]);
        long position = Long.MAX_VALUE - 10; // position + length overflows: EINVAL from the kernel
        try (AioEngine e = EngineTestSupport.engine(); AsyncFile f = AsyncFile.open(p, e, READ)) {
            MemorySegment direct = Arena.ofAuto().allocate(1024);
            long expected = LibC.pread(f.nativeFile().fd(), direct, 1024, position);
            assertEquals(-Errno.EINVAL.number(), expected, "what pread says here");
            CompletableFuture<Integer> r = f.read(ByteBuffer.allocate(1024), position);
            assertTrue(r.isDone(), "an error the kernel gives at once is given inline");
            ExecutionException ex = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, r::get);
            AioException aio = assertInstanceOf(AioException.class, ex.getCause());
            assertEquals(Errno.EINVAL.number(), aio.errno());
            assertEquals("pread", aio.syscall());
            assertTrue(aio.getMessage().contains(p.toString()) && aio.getMessage().contains(Long.toString(position)),
                    aio.getMessage());
            AioEngine.Stats st = e.stats();
            assertEquals(1, st.inline(), st.toString());
            assertEquals(1, st.failed(), st.toString());
        }
    }

    @Test
    void shouldReadIntoAConfinedSegmentOfTheCallerOnlyThroughTheExistingRules() throws Exception {
        Path p = Files.write(dir.resolve("confined"), TestFiles.random(4096, 7));
        try (AioEngine e = EngineTestSupport.engine(); AsyncFile f = AsyncFile.open(p, e, READ, WRITE);
             Arena confined = Arena.ofConfined()) {
            MemorySegment seg = confined.allocate(512);
            // Writes from the caller's confined segment are fine on either path.
            seg.fill((byte) 9);
            assertEquals(512, f.write(seg, 0).get());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> f.read(seg, 0));
        }
    }

    /** cachestat(2), the same number on x86_64 and aarch64 (Linux 6.5). */
    private static final long SYS_CACHESTAT = 451;
    private static final java.lang.invoke.MethodHandle SYSCALL = java.lang.foreign.Linker.nativeLinker().downcallHandle(
            java.lang.foreign.Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow(),
            java.lang.foreign.FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            java.lang.foreign.Linker.Option.firstVariadicArg(1));

    /**
     * How many pages of the range the page cache holds, from cachestat(2), which looks without reading
     * anything; -1 where the kernel has no cachestat.
     */
    private static long cachedPages(int fd, long offset, long length) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment range = a.allocate(16, 8); // struct cachestat_range { __u64 off, len; }
            range.set(ValueLayout.JAVA_LONG, 0, offset);
            range.set(ValueLayout.JAVA_LONG, 8, length);
            MemorySegment stat = a.allocate(40, 8); // struct cachestat { __u64 nr_cache, ... }
            long r = (long) SYSCALL.invokeExact(SYS_CACHESTAT, fd, range, stat, 0);
            return r == 0 ? stat.get(ValueLayout.JAVA_LONG, 0) : -1;
        }
    }

    @Test
    void shouldFinishACachedReadOrWriteWithoutAFutureForABlockingCaller() throws Exception {
        byte[] data = TestFiles.random(10_000, 11);
        Path p = Files.write(dir.resolve("nofuture"), data);
        try (AioEngine e = EngineTestSupport.engine(); AsyncFile f = AsyncFile.open(p, e, READ, WRITE)) {
            ByteBuffer heap = ByteBuffer.allocate(1024);
            assertEquals(null, f.readOrFuture(heap, 4096), "a cached read makes no future");
            assertEquals(1024, heap.position());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 4096, 5120), heap.array());
            ByteBuffer direct = ByteBuffer.allocateDirect(4096);
            assertEquals(null, f.readOrFuture(direct, 8192), "at end of file too");
            assertEquals(10_000 - 8192, direct.position(), "short only because of end of file");
            ByteBuffer past = ByteBuffer.allocate(10);
            assertEquals(null, f.readOrFuture(past, 20_000));
            assertEquals(0, past.position(), "nothing past end of file");
            long inline = 3;
            ByteBuffer src = ByteBuffer.wrap(new byte[] {1, 2, 3});
            CompletableFuture<Integer> w = f.writeOrFuture(src, 0);
            if (w == null) {
                inline++;
                assertFalse(f.refusesNowaitWrites());
            } else {
                assertEquals(3, w.get(), "a write the file system will not do with RWF_NOWAIT goes to the engine");
            }
            assertEquals(3, src.position());
            AioEngine.Stats st = e.stats();
            assertEquals(inline, st.inline(), "every request finished inline is counted, timed or not: " + st);
            assertEquals(4 - inline, st.toEngine(), st.toString());
        }
    }

    @Test
    void shouldThrowTheErrorTheFutureWouldHaveFailedWith() throws Exception {
        Path p = Files.write(dir.resolve("efbig"), new byte[16]);
        try (AioEngine e = EngineTestSupport.engine(); AsyncFile f = AsyncFile.open(p, e, READ, WRITE)) {
            long huge = Long.MAX_VALUE - 8;
            ExecutionException viaFuture = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> f.write(ByteBuffer.wrap(new byte[16]), huge).get());
            AioException expected = assertInstanceOf(AioException.class, viaFuture.getCause());
            AioException thrown = org.junit.jupiter.api.Assertions.assertThrows(AioException.class, () -> {
                CompletableFuture<Integer> w = f.writeOrFuture(ByteBuffer.wrap(new byte[16]), huge);
                if (w != null) {
                    try {
                        w.get();
                    } catch (ExecutionException x) {
                        throw x.getCause();
                    }
                }
            });
            assertEquals(expected.errno(), thrown.errno(), thrown.getMessage());
            assertEquals(expected.getMessage(), thrown.getMessage());
            f.close();
            org.junit.jupiter.api.Assertions.assertThrows(java.nio.channels.ClosedChannelException.class,
                    () -> f.readOrFuture(ByteBuffer.allocate(8), 0));
        }
    }

    @Test
    void shouldReturnAFutureWhenAReadOfDroppedPagesWouldBlock() throws Throwable {
        byte[] data = TestFiles.random(1 << 20, 12);
        Path p = Files.write(dir.resolve("dropped"), data);
        try (AioEngine e = EngineTestSupport.engine(); AsyncFile f = AsyncFile.open(p, e, READ)) {
            // As in shouldSendAReadOfDroppedPagesToTheEngine: the disk may rarely answer within the
            // RWF_NOWAIT call, so one of up to 100 attempts on freshly dropped ranges (on a loaded machine the
            // readahead more often wins the race) must make a future.
            boolean future = false;
            for (int attempt = 0; attempt < 100 && !future; attempt++) {
                long at = (128L << 10) * (attempt % 7 + 1);
                dropPages(f, 0, data.length);
                ByteBuffer b = ByteBuffer.allocate(64 << 10);
                long engineBefore = e.stats().toEngine();
                CompletableFuture<Integer> r = f.readOrFuture(b, at);
                if (r != null) {
                    future = true;
                    assertEquals(64 << 10, r.get());
                    assertEquals(engineBefore + 1, e.stats().toEngine(), e.stats().toString());
                }
                assertEquals(64 << 10, b.position());
                assertArrayEquals(java.util.Arrays.copyOfRange(data, (int) at, (int) at + (64 << 10)), b.array());
            }
            assertTrue(future, "a read of dropped pages was finished inline in all of 100 attempts: " + e.stats());
        }
    }

    /**
     * Writes the file's dirty pages back and asks the kernel to drop the range from the page cache, until
     * cachestat(2) says none of it is left: the kernel may keep a page it cannot drop yet, such as one the
     * journal still holds just after the write-back.
     */
    private static void dropPages(AsyncFile f, long offset, long length) throws Throwable {
        long left = -1;
        for (int attempt = 0; attempt < 50; attempt++) {
            f.nativeFile().sync();
            int r = TestNatives.posixFadvise(f.nativeFile().fd(), offset, length, TestNatives.POSIX_FADV_DONTNEED);
            assertEquals(0, r, "posix_fadvise(POSIX_FADV_DONTNEED)");
            left = cachedPages(f.nativeFile().fd(), offset, length);
            if (left <= 0) {
                return; // gone, or no cachestat to ask (then one drop is all this can do)
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the kernel kept " + left + " pages of the range at " + offset + " cached");
    }

    /** What a RWF_NOWAIT read of 1 KiB at 0 returns on {@code p}'s file system: bytes or -errno. */
    private static long probeNowaitRead(Path p) throws IOException {
        try (NativeFile nf = NativeFile.open(p, READ)) {
            return LibC.preadNowait(nf.fd(), Arena.ofAuto().allocate(1024), 0, 1024, 0);
        }
    }

    /** What a RWF_NOWAIT write of 4 KiB at 0 (cached pages) returns on {@code p}'s file system. */
    private static long probeNowaitWrite(Path p) throws IOException {
        try (NativeFile nf = NativeFile.open(p, READ, WRITE)) {
            return LibC.pwriteNowait(nf.fd(), Arena.ofAuto().allocate(4096), 0, 4096, 0);
        }
    }
}
