package dev.jaio.aio;

import dev.jaio.testing.TestNatives;
import dev.jaio.AioException;
import dev.jaio.AlignedBufferPool;
import dev.jaio.Errno;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import dev.jaio.testing.TestFiles;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.internal.linux.LibC;
import dev.jaio.internal.linux.Statx;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each {@code RWF_*} flag in {@code aio_rw_flags}, measured on this kernel. fs/aio.c hands the flags to
 * {@code kiocb_set_rw_flags} in {@code aio_prep_rw}, so a refused flag fails io_submit itself; a flag
 * accepted there can still fail the request, and then the errno is in the event's {@code res}.
 */
class RwFlagsTest {
    @TempDir
    Path dir;

    private AioContext ctx;
    private AlignedBufferPool pool;
    private Arena arena;

    @BeforeEach
    void setUp() throws Exception {
        ctx = AioContext.setup(8);
        pool = new AlignedBufferPool();
        arena = Arena.ofConfined();
    }

    @AfterEach
    void tearDown() {
        ctx.close();
        arena.close();
        pool.close();
    }

    /** What became of one request: refused by io_submit (res is then -errno), or completed with res. */
    record Outcome(boolean refusedAtSubmit, long res) {
    }

    private Outcome run(Iocb iocb) throws Exception {
        try {
            assertEquals(1, ctx.submit(iocb));
        } catch (AioException e) {
            return new Outcome(true, -e.errno());
        }
        return new Outcome(false, ctx.getEvents(1, 1, Duration.ofSeconds(10)).get(0).res());
    }

    private MemorySegment filled(int size, long seed) {
        MemorySegment s = arena.allocate(size, 4096);
        MemorySegment.copy(TestFiles.random(size, seed), 0, s, ValueLayout.JAVA_BYTE, 0, size);
        return s;
    }

    private Outcome write(NativeFile f, MemorySegment src, long offset, int rwFlags) throws Exception {
        return run(Iocb.allocate(arena).prepPwrite(f.fd(), src, offset).rwFlags(rwFlags));
    }

    private Outcome read(NativeFile f, MemorySegment dst, long offset, int rwFlags) throws Exception {
        return run(Iocb.allocate(arena).prepPread(f.fd(), dst, offset).rwFlags(rwFlags));
    }

    private static byte[] bytes(Path p, int from, int to) throws Exception {
        return Arrays.copyOfRange(Files.readAllBytes(p), from, to);
    }

    @Test
    void shouldAcceptHipriAndIgnoreIt() throws Exception {
        // aio_prep_rw clears IOCB_HIPRI after kiocb_set_rw_flags: nobody polls for AIO completions, so
        // the request is an ordinary interrupt-driven one and succeeds.
        Path p = TestFiles.patterned(dir, "h", 8192);
        try (NativeFile f = NativeFile.open(p, READ, WRITE, JaioOpenOption.DIRECT)) {
            MemorySegment src = filled(4096, 1);
            assertEquals(new Outcome(false, 4096), write(f, src, 4096, Iocb.RWF_HIPRI));
            MemorySegment dst = arena.allocate(4096, 4096);
            assertEquals(new Outcome(false, 4096), read(f, dst, 4096, Iocb.RWF_HIPRI));
            assertArrayEquals(src.toArray(ValueLayout.JAVA_BYTE), dst.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void shouldWriteDurablyWithDsyncAndSync() throws Exception {
        Path p = dir.resolve("s");
        try (NativeFile direct = NativeFile.open(p, READ, WRITE, CREATE, JaioOpenOption.DIRECT)) {
            MemorySegment a = filled(4096, 2);
            MemorySegment b = filled(4096, 3);
            assertEquals(new Outcome(false, 4096), write(direct, a, 0, Iocb.RWF_DSYNC));
            assertEquals(new Outcome(false, 4096), write(direct, b, 4096, Iocb.RWF_SYNC));
            assertArrayEquals(a.toArray(ValueLayout.JAVA_BYTE), bytes(p, 0, 4096));
            assertArrayEquals(b.toArray(ValueLayout.JAVA_BYTE), bytes(p, 4096, 8192));
        }
        try (NativeFile buffered = NativeFile.open(p, WRITE)) {
            MemorySegment c = filled(100, 4);
            assertEquals(new Outcome(false, 100), write(buffered, c, 10, Iocb.RWF_DSYNC | Iocb.RWF_SYNC));
            assertArrayEquals(c.toArray(ValueLayout.JAVA_BYTE), bytes(p, 10, 110));
        }
    }

    @Test
    void shouldAppendRegardlessOfOffsetWithAppend() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 1000);
        try (NativeFile f = NativeFile.open(p, WRITE)) {
            assertFalse(f.isAppend());
            MemorySegment src = filled(10, 5);
            assertEquals(new Outcome(false, 10), write(f, src, 0, Iocb.RWF_APPEND));
            assertEquals(1010, f.size());
            assertArrayEquals(src.toArray(ValueLayout.JAVA_BYTE), bytes(p, 1000, 1010));
            assertEquals(TestFiles.patternByte(0), Files.readAllBytes(p)[0], "offset 0 untouched");
        }
    }

    @Test
    void shouldAppendWithODirectWhenTheSizeIsAligned() throws Exception {
        Path p = TestFiles.patterned(dir, "ad", 8192);
        try (NativeFile f = NativeFile.open(p, READ, WRITE, JaioOpenOption.DIRECT)) {
            MemorySegment src = filled(4096, 6);
            assertEquals(new Outcome(false, 4096), write(f, src, 0, Iocb.RWF_APPEND));
            assertEquals(3 * 4096, f.size());
            assertArrayEquals(src.toArray(ValueLayout.JAVA_BYTE), bytes(p, 8192, 12288));
        }
    }

    @Test
    void shouldWriteAtTheOffsetWithNoappendOnAnAppendFile() throws Exception {
        // RWF_NOAPPEND (Linux 6.9+) clears IOCB_APPEND for this request only.
        Path p = TestFiles.patterned(dir, "na", 1000);
        try (NativeFile f = NativeFile.open(p, APPEND)) {
            assertTrue(f.isAppend());
            MemorySegment src = filled(10, 7);
            assertEquals(new Outcome(false, 10), write(f, src, 100, Iocb.RWF_NOAPPEND));
            assertEquals(1000, f.size());
            assertArrayEquals(src.toArray(ValueLayout.JAVA_BYTE), bytes(p, 100, 110));
            assertEquals(new Outcome(false, 10), write(f, src, 100, 0));
            assertEquals(1010, f.size(), "without the flag the O_APPEND file appends");
        }
    }

    @Test
    void shouldRefuseAppendWithNoappendAtSubmit() throws Exception {
        Path p = TestFiles.patterned(dir, "an", 100);
        try (NativeFile f = NativeFile.open(p, WRITE)) {
            assertEquals(new Outcome(true, -Errno.EINVAL.number()),
                    write(f, filled(10, 8), 0, Iocb.RWF_APPEND | Iocb.RWF_NOAPPEND));
            assertEquals(100, f.size());
        }
    }

    @Test
    void shouldFailANowaitReadOfUncachedDataWithEagainInRes() throws Exception {
        // filemap_get_pages with IOCB_NOWAIT finds no page, starts readahead without waiting for it, and
        // answers -EAGAIN if the page is not up to date yet. io_submit accepts the request; the errno is in
        // res. On this VM's fast disk the readahead sometimes completes first and the read succeeds
        // (measured: 126 of 200 attempts gave -EAGAIN, 74 gave 4096), so the test drops the cache and tries
        // again until one gives -EAGAIN.
        Path p = TestFiles.patterned(dir, "nw", 1 << 20);
        try (NativeFile f = NativeFile.open(p, READ)) {
            f.sync(); // clean pages can be dropped, dirty ones cannot
            MemorySegment dst = arena.allocate(4096, 4096);
            int eagain = 0;
            for (int attempt = 0; attempt < 100 && eagain == 0; attempt++) {
                assertEquals(0, TestNatives.posixFadvise(f.fd(), 0, 0, TestNatives.POSIX_FADV_DONTNEED));
                Outcome uncached = read(f, dst, 8192L * (attempt % 100 + 1), Iocb.RWF_NOWAIT);
                assertFalse(uncached.refusedAtSubmit(), uncached.toString());
                assertTrue(uncached.res() == -Errno.EAGAIN.number() || uncached.res() == 4096, uncached.toString());
                if (uncached.res() == -Errno.EAGAIN.number()) {
                    eagain++;
                }
            }
            assertEquals(1, eagain, "a NOWAIT read of uncached data ended with -EAGAIN in res");
            assertEquals(new Outcome(false, 4096), read(f, dst, 8192, 0));
            assertEquals(new Outcome(false, 4096), read(f, dst, 8192, Iocb.RWF_NOWAIT), "now cached");
            assertEquals(TestFiles.patternByte(8192 + 3), dst.get(ValueLayout.JAVA_BYTE, 3));
        }
    }

    @Test
    void shouldRefuseNowaitWhereTheFileCannotHonourIt() throws Exception {
        // kiocb_set_rw_flags: RWF_NOWAIT needs FMODE_NOWAIT on the open file; procfs files lack it.
        Path version = Path.of("/proc/version");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(version), "no /proc/version");
        try (NativeFile f = NativeFile.open(version, READ)) {
            MemorySegment dst = arena.allocate(4096, 4096);
            assertEquals(new Outcome(true, -Errno.EOPNOTSUPP.number()), read(f, dst, 0, Iocb.RWF_NOWAIT));
            Outcome plain = read(f, dst, 0, 0);
            assertFalse(plain.refusedAtSubmit());
            assertTrue(plain.res() > 0, plain.toString());
        }
    }

    @Test
    void shouldRefuseAtomicOnReadsAtSubmit() throws Exception {
        Path p = TestFiles.patterned(dir, "ar", 8192);
        try (NativeFile f = NativeFile.open(p, READ, JaioOpenOption.DIRECT)) {
            assertEquals(new Outcome(true, -Errno.EOPNOTSUPP.number()),
                    read(f, arena.allocate(4096, 4096), 0, Iocb.RWF_ATOMIC));
        }
    }

    /** stx_atomic_write_unit_min and _max of an open file, or {0, 0} when statx does not report them. */
    private int[] atomicWriteUnits(NativeFile f) {
        MemorySegment st = arena.allocate(Statx.LAYOUT);
        assertEquals(0, LibC.statx(f.fd(), arena.allocateFrom(""), LibC.AT_EMPTY_PATH, Statx.STATX_WRITE_ATOMIC, st));
        if ((st.get(ValueLayout.JAVA_INT, Statx.MASK) & Statx.STATX_WRITE_ATOMIC) == 0) {
            return new int[] {0, 0};
        }
        return new int[] {st.get(ValueLayout.JAVA_INT, Statx.ATOMIC_WRITE_UNIT_MIN),
                st.get(ValueLayout.JAVA_INT, Statx.ATOMIC_WRITE_UNIT_MAX)};
    }

    @Test
    void shouldDoAtomicWritesExactlyWhereStatxReportsAnAtomicUnit() throws Exception {
        // ext4 sets FMODE_CAN_ATOMIC_WRITE only on O_DIRECT files whose device has an atomic write unit
        // (statx STATX_WRITE_ATOMIC reports it); /tmp's virtio disk has atomic_write_unit_max_bytes=0
        // here, so the measured answer is EOPNOTSUPP from io_submit. A buffered ext4 file never has it.
        Path p = TestFiles.patterned(dir, "aw", 8192);
        try (NativeFile direct = NativeFile.open(p, READ, WRITE, JaioOpenOption.DIRECT);
             NativeFile buffered = NativeFile.open(p, WRITE)) {
            int[] units = atomicWriteUnits(direct);
            MemorySegment src = filled(4096, 9);
            Outcome b = write(buffered, src, 0, Iocb.RWF_ATOMIC);
            assertEquals(new Outcome(true, -Errno.EOPNOTSUPP.number()), b);
            Outcome d = write(direct, src, 0, Iocb.RWF_ATOMIC);
            if (units[0] > 0 && units[0] <= 4096 && 4096 <= units[1]) {
                assertEquals(new Outcome(false, 4096), d, "one block within the atomic unit: units=" + Arrays.toString(units));
                assertArrayEquals(src.toArray(ValueLayout.JAVA_BYTE), bytes(p, 0, 4096));
                // Twice the maximum unit is not one atomic write: refused (EINVAL) by the write path.
                MemorySegment tooBig = arena.allocate(units[1] * 2L, 4096);
                Outcome big = write(direct, tooBig, 0, Iocb.RWF_ATOMIC);
                assertEquals(-Errno.EINVAL.number(), big.res(), big.toString());
            } else {
                assertEquals(new Outcome(true, -Errno.EOPNOTSUPP.number()), d,
                        "no atomic write unit here: units=" + Arrays.toString(units));
                assertEquals(TestFiles.patternByte(0), Files.readAllBytes(p)[0], "nothing written");
            }
        }
    }

    @Test
    void shouldRefuseAnUnknownFlagWithEopnotsuppAtSubmit() throws Exception {
        Path p = TestFiles.patterned(dir, "u", 4096);
        try (NativeFile f = NativeFile.open(p, READ, WRITE)) {
            assertEquals(new Outcome(true, -Errno.EOPNOTSUPP.number()),
                    read(f, arena.allocate(4096, 4096), 0, 0x80000000));
            assertEquals(new Outcome(true, -Errno.EOPNOTSUPP.number()), write(f, filled(16, 1), 0, 0x80000000));
        }
    }

    @Test
    void shouldReadAndWriteBufferedDataWithDontcacheOrRefuseItAtSubmit() throws Exception {
        Path p = dir.resolve("dontcache");
        try (NativeFile f = NativeFile.open(p, CREATE, READ, WRITE)) {
            MemorySegment src = filled(8192, 21);
            Outcome w = write(f, src, 0, Iocb.RWF_DONTCACHE);
            System.out.println("RWF_DONTCACHE on a buffered write: " + w);
            if (w.refusedAtSubmit()) {
                // Kernels before 6.14, and file systems without FOP_DONTCACHE, refuse the flag.
                assertEquals(-Errno.EOPNOTSUPP.number(), w.res());
                return;
            }
            assertEquals(8192, w.res());
            MemorySegment dst = arena.allocate(8192, 4096);
            assertEquals(8192, read(f, dst, 0, Iocb.RWF_DONTCACHE).res());
            assertEquals(-1, src.mismatch(dst));
        }
        assertArrayEquals(TestFiles.random(8192, 21), Files.readAllBytes(p));
    }

    @Test
    void shouldRefuseDontcacheWithODirectOrAcceptIt() throws Exception {
        Path p = dir.resolve("dontcache-direct");
        try (NativeFile f = NativeFile.open(p, CREATE, READ, WRITE, JaioOpenOption.DIRECT)) {
            Outcome w = write(f, filled(4096, 22), 0, Iocb.RWF_DONTCACHE);
            // DONTCACHE concerns the page cache, which O_DIRECT bypasses: the kernel lets it pass untouched.
            System.out.println("RWF_DONTCACHE on an O_DIRECT write: " + w);
            assertTrue(w.refusedAtSubmit() ? w.res() == -Errno.EOPNOTSUPP.number() : w.res() == 4096, w.toString());
        }
    }
}
