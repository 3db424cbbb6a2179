package dev.jaio.aio;

import static dev.jaio.internal.linux.LibC.POLLIN;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import dev.jaio.testing.TestFiles;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jaio.testing.TestFiles.Pipe;
import dev.jaio.internal.linux.Arch;
import dev.jaio.internal.linux.Syscalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conformance of {@link AioContext} with io_setup(2), io_submit(2), io_getevents(2), io_cancel(2) and
 * io_destroy(2) on the running kernel: every error a Java caller can produce, and the success paths.
 *
 * <p>Where the kernel's answer is not what the man pages suggest, the test follows fs/aio.c and says so.
 */
class AioContextTest {
    private static final Duration LONG_WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    static AioException assertErrno(Errno expected, String syscall, Executable call) {
        AioException e = assertThrows(AioException.class, call);
        assertEquals(expected.number(), e.errno(), () -> "errno of: " + e.getMessage());
        assertEquals(expected.name(), e.errnoName());
        assertEquals(syscall, e.syscall());
        assertTrue(e.getMessage().startsWith(syscall + " failed: " + expected.name()), e.getMessage());
        return e;
    }

    static IoEvent awaitOne(AioContext ctx) throws AioException {
        List<IoEvent> events = ctx.getEvents(1, 1, LONG_WAIT);
        assertEquals(1, events.size(), "one event within " + LONG_WAIT);
        return events.get(0);
    }

    /** Reaps exactly {@code n} events, failing if they do not arrive within the long wait. */
    static List<IoEvent> awaitAll(AioContext ctx, int n) throws AioException {
        List<IoEvent> all = new ArrayList<>(n);
        long deadline = System.nanoTime() + LONG_WAIT.toNanos();
        while (all.size() < n) {
            if (System.nanoTime() - deadline > 0) {
                fail("only " + all.size() + " of " + n + " events arrived within " + LONG_WAIT);
            }
            all.addAll(ctx.getEvents(1, n - all.size(), Duration.ofMillis(500)));
        }
        return all;
    }

    NativeFile openReadWrite(String name) throws IOException {
        return NativeFile.open(dir.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    @Test
    void shouldReadAFileThroughKernelAio() throws Exception {
        Path p = TestFiles.patterned(dir, "f", 8192);
        try (AioContext ctx = AioContext.setup(8);
             NativeFile f = NativeFile.open(p, StandardOpenOption.READ, JaioOpenOption.DIRECT);
             Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4096, 4096);
            Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), buf, 4096).data(42);
            assertEquals(1, ctx.submit(iocb));
            IoEvent e = awaitOne(ctx);
            assertEquals(42, e.data());
            assertEquals(iocb.address(), e.obj());
            assertEquals(4096, e.res());
            assertEquals(0, e.res2());
            TestFiles.assertPattern(buf, 4096, 4096);
        }
    }

    @Test
    void shouldWriteThenReadBack() throws Exception {
        Path p = dir.resolve("w");
        byte[] data = TestFiles.random(8192, 1);
        try (AioContext ctx = AioContext.setup(8);
             NativeFile f = NativeFile.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                     StandardOpenOption.WRITE, JaioOpenOption.DIRECT);
             Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(8192, 4096);
            MemorySegment.copy(data, 0, src, JAVA_BYTE, 0, data.length);
            Iocb w = Iocb.allocate(arena).prepPwrite(f.fd(), src, 0);
            assertEquals(1, ctx.submit(w));
            assertEquals(8192, ctx.getEvents(1, 1, null).get(0).res());
            MemorySegment dst = arena.allocate(8192, 4096);
            Iocb r = Iocb.allocate(arena).prepPread(f.fd(), dst, 0);
            ctx.submit(r);
            assertEquals(8192, ctx.getEvents(1, 1, null).get(0).res());
            assertArrayEquals(data, dst.toArray(JAVA_BYTE));
            assertArrayEquals(data, Files.readAllBytes(p));
        }
    }

    /** io_setup(2). */
    @Nested
    class Setup {
        @Test
        void shouldReportIdAndNrEvents() throws Exception {
            try (AioContext ctx = AioContext.setup(5)) {
                assertNotEquals(0, ctx.id());
                assertEquals(5, ctx.nrEvents());
                assertTrue(ctx.ringCapacity() >= 5, "ringCapacity=" + ctx.ringCapacity());
                assertFalse(ctx.isClosed());
                assertTrue(ctx.toString().contains("nrEvents=5"), ctx.toString());
            }
        }

        @Test
        void shouldFailSetupWithEinvalForZero() {
            AioException e = assertErrno(Errno.EINVAL, "io_setup", () -> AioContext.setup(0));
            assertTrue(e.getMessage().contains("nr_events"), e.getMessage());
        }

        @Test
        void shouldPassMinusOneAsUnsignedAndFailWithEinval() {
            // 0xFFFFFFFF: the kernel's doubling wraps to 0xFFFFFFFE, beyond its 0x10000000 / 32 bound.
            assertErrno(Errno.EINVAL, "io_setup", () -> AioContext.setup(-1));
        }

        @Test
        void shouldFailSetupWithEinvalBeyondTheKernelsInternalLimit() {
            // ioctx_alloc doubles nr_events and refuses more than 0x10000000 / sizeof(struct io_event)
            // = 8388608 slots: 4194305 is the first count it refuses that way.
            assertErrno(Errno.EINVAL, "io_setup", () -> AioContext.setup(4_194_305));
            assertErrno(Errno.EINVAL, "io_setup", () -> AioContext.setup(Integer.MAX_VALUE));
        }

        @Test
        void shouldFailSetupWithEagainWithinTheInternalLimitButBeyondAioMaxNr() throws Exception {
            Assumptions.assumeTrue(TestFiles.aioMaxNr() < 4_194_304, "aio-max-nr is raised beyond 4194304");
            // 4194304 doubles to exactly the internal limit, so the quota check answers.
            AioException e = assertErrno(Errno.EAGAIN, "io_setup", () -> AioContext.setup(4_194_304));
            assertTrue(e.getMessage().contains("aio-max-nr"), e.getMessage());
        }

        @Test
        void shouldFailSetupWithEagainWhenTheDoublingWrapsToZero() {
            // 0x80000000 doubled in 32 bits is 0: fs/aio.c answers EAGAIN for a zero slot count.
            assertErrno(Errno.EAGAIN, "io_setup", () -> AioContext.setup(Integer.MIN_VALUE));
        }

        @Test
        void shouldFailSetupWithEagainNamingAioMaxNrWhenOneContextAsksForMoreThanTheLimit() throws Exception {
            long max = TestFiles.aioMaxNr();
            Assumptions.assumeTrue(max < Integer.MAX_VALUE / 4, "aio-max-nr too large to exceed: " + max);
            AioException e = assertErrno(Errno.EAGAIN, "io_setup", () -> AioContext.setup((int) max + 1));
            assertTrue(e.getMessage().contains("/proc/sys/fs/aio-max-nr"), e.getMessage());
            assertTrue(e.getMessage().contains("aio-max-nr=" + max), e.getMessage());
            assertTrue(e.getMessage().contains("aio-nr="), e.getMessage());
        }

        @Test
        void shouldFailSetupWithEagainOnceTheMachineWideQuotaIsUsedUp() throws Exception {
            long max = TestFiles.aioMaxNr();
            Assumptions.assumeTrue(max <= 1 << 20, "aio-max-nr too large to use up in a test: " + max);
            // aio-nr is machine-wide and other processes change it: take what remains in one context,
            // then ask for one more event. Retry when another process moved aio-nr in between.
            for (int attempt = 0; attempt < 10; attempt++) {
                long remaining = max - TestFiles.aioNr();
                if (remaining < 1) {
                    Thread.sleep(50);
                    continue;
                }
                AioContext big;
                try {
                    big = AioContext.setup((int) remaining);
                } catch (AioException raced) {
                    continue;
                }
                try (big) {
                    try {
                        AioContext.setup(1).close(); // someone released quota meanwhile: try again
                    } catch (AioException e) {
                        assertEquals(Errno.EAGAIN.number(), e.errno(), e.getMessage());
                        assertEquals("io_setup", e.syscall());
                        assertTrue(e.getMessage().contains("aio-max-nr=" + max), e.getMessage());
                        assertTrue(e.getMessage().contains("aio-nr="), e.getMessage());
                        return;
                    }
                }
            }
            Assumptions.abort("aio-nr kept changing under other processes; could not use up the quota");
        }

        @Test
        void shouldCountTheRequestedEventsInAioNrAndReturnThemOnClose() throws Exception {
            // Other processes on the machine change aio-nr too: an attempt during which it moved for
            // them is repeated. A leak would fail every attempt.
            String last = "";
            long mappingsBefore = TestFiles.aioRingMappings();
            for (int attempt = 0; attempt < 10; attempt++) {
                long before = TestFiles.aioNr();
                long during;
                try (AioContext a = AioContext.setup(100);
                     AioContext b = AioContext.setup(1000, false)) {
                    during = TestFiles.aioNr();
                    assertEquals(mappingsBefore + 2, TestFiles.aioRingMappings(), "rings mapped");
                }
                long after = TestFiles.aioNr();
                if (during == before + 1100 && after == before) {
                    assertEquals(mappingsBefore, TestFiles.aioRingMappings(), "rings unmapped");
                    return;
                }
                last = "before=" + before + " during=" + during + " after=" + after;
                Thread.sleep(20);
            }
            fail("aio-nr did not go up by the requested 1100 and back in 10 attempts: " + last);
        }

        @Test
        void shouldGiveARingOfAtLeastNrEventsSlots() throws Exception {
            for (int n : new int[] {1, 8, 127, 128, 1000}) {
                try (AioContext ctx = AioContext.setup(n)) {
                    assertTrue(ctx.usesRing());
                    assertTrue(ctx.ringCapacity() >= n, "n=" + n + " ringCapacity=" + ctx.ringCapacity());
                }
            }
        }
    }

    /** io_submit(2). */
    @Nested
    class Submit {
        @Test
        void shouldFailSubmitWithEinvalOnAClosedContextWithoutCallingTheKernel() throws Exception {
            try (Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                AioContext ctx = AioContext.setup(4);
                ctx.close();
                Iocb iocb = Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN);
                AioException e = assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
                assertTrue(e.getMessage().contains("closed"), e.getMessage());
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(List.of(iocb)));
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(arena.allocate(ADDRESS), 1));
                assertEquals(0, ctx.counters().submitCalls(), "io_submit calls after close");
            }
        }

        @Test
        void shouldFailSubmitWithEinvalForANegativeCount() throws Exception {
            try (AioContext ctx = AioContext.setup(4); Arena arena = Arena.ofConfined()) {
                MemorySegment pointers = arena.allocate(ADDRESS, 1);
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(pointers, -1));
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(pointers, Long.MIN_VALUE));
            }
        }

        @Test
        void shouldReturnZeroForAnEmptySubmission() throws Exception {
            try (AioContext ctx = AioContext.setup(4); Arena arena = Arena.ofConfined()) {
                assertEquals(0, ctx.submit());
                assertEquals(0, ctx.submit(arena.allocate(ADDRESS), 0));
            }
        }

        @Test
        void shouldFailSubmitWithEinvalForAnUnknownOpcode() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 4096);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(4096);
                for (int opcode : new int[] {Iocb.CMD_NOOP, 4, 99, 0xFFFF}) {
                    Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), buf, 0).opcode(opcode);
                    AioException e = assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
                    assertTrue(e.getMessage().contains("opcode"), e.getMessage());
                }
            }
        }

        @Test
        void shouldCheckTheFileDescriptorBeforeTheOpcode() throws Exception {
            // __io_submit_one looks the descriptor up first.
            try (AioContext ctx = AioContext.setup(4); Arena arena = Arena.ofConfined()) {
                Iocb iocb = Iocb.allocate(arena).opcode(99).fd(-1);
                assertErrno(Errno.EBADF, "io_submit", () -> ctx.submit(iocb));
            }
        }

        @Test
        void shouldFailSubmitWithEinvalWhenReserved2IsNotZero() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 4096);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(4096), 0).reserved2(1);
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
                // Checked before the descriptor.
                iocb.fd(-1);
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
            }
        }

        @Test
        void shouldFailSubmitWithEinvalForALengthThatIsNegativeAsSsizeT() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 4096);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                for (long nbytes : new long[] {-1, Long.MIN_VALUE, -4096}) {
                    Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(4096), 0).nbytes(nbytes);
                    assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
                }
            }
        }

        @Test
        void shouldClampAHugePositiveLengthInsteadOfFailing() throws Exception {
            // aio_nbytes = 2^63-1 passes the overflow check and is clamped to MAX_RW_COUNT: the read stops
            // at end of file. The buffer is larger than the file so the kernel writes only into it.
            Path p = TestFiles.patterned(dir, "f", 100);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(8192);
                Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), buf, 0).nbytes(Long.MAX_VALUE);
                assertEquals(1, ctx.submit(iocb));
                assertEquals(100, awaitOne(ctx).res());
                TestFiles.assertPattern(buf, 100, 0);
            }
        }

        @Test
        void shouldFailSubmitWithEinvalForANegativeOffset() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 4096);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(4096), -4096);
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
            }
        }

        @Test
        void shouldFailSubmitWithEbadfForADescriptorThatIsNotOpen() throws Exception {
            try (AioContext ctx = AioContext.setup(4); Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(4096);
                for (int fd : new int[] {-1, Integer.MAX_VALUE}) {
                    Iocb iocb = Iocb.allocate(arena).prepPread(fd, buf, 0);
                    AioException e = assertErrno(Errno.EBADF, "io_submit", () -> ctx.submit(iocb));
                    assertTrue(e.getMessage().contains("file descriptor"), e.getMessage());
                }
            }
        }

        @Test
        void shouldFailSubmitWithEbadfForAReadOfAWriteOnlyFileAndAWriteOfAReadOnlyOne() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 4096);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile writeOnly = NativeFile.open(p, StandardOpenOption.WRITE);
                 NativeFile readOnly = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(4096);
                Iocb read = Iocb.allocate(arena).prepPread(writeOnly.fd(), buf, 0);
                assertErrno(Errno.EBADF, "io_submit", () -> ctx.submit(read));
                Iocb write = Iocb.allocate(arena).prepPwrite(readOnly.fd(), buf, 0);
                assertErrno(Errno.EBADF, "io_submit", () -> ctx.submit(write));
                MemorySegment iov = IoVec.array(arena, List.of(buf));
                Iocb readv = Iocb.allocate(arena).prepPreadv(writeOnly.fd(), iov, 1, 0);
                assertErrno(Errno.EBADF, "io_submit", () -> ctx.submit(readv));
            }
        }

        @Test
        void shouldFailSubmitWithEfaultForAPointerToUnmappedMemory() throws Exception {
            try (AioContext ctx = AioContext.setup(4); Arena arena = Arena.ofConfined()) {
                MemorySegment pointers = arena.allocate(ADDRESS, 1);
                pointers.set(JAVA_LONG, 0, 8L); // the entry points at address 8: copy_from_user fails
                AioException e = assertErrno(Errno.EFAULT, "io_submit", () -> ctx.submit(pointers, 1));
                assertTrue(e.getMessage().contains("pointer"), e.getMessage());
                // The array itself unreadable: get_user of the first entry fails.
                assertErrno(Errno.EFAULT, "io_submit", () -> ctx.submit(MemorySegment.ofAddress(8), 1));
            }
        }

        @Test
        void shouldFailSubmitWithEfaultForABufferOutsideUserSpace() throws Exception {
            // import_ubuf's access_ok refuses a kernel address before any I/O: io_submit answers EFAULT.
            Path p = TestFiles.patterned(dir, "f", 4096);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(4096), 0)
                        .buf(0xffff_8000_0000_0000L);
                assertErrno(Errno.EFAULT, "io_submit", () -> ctx.submit(iocb));
            }
        }

        @Test
        void shouldCompleteWithMinusEfaultForAnUnmappedUserBuffer() throws Exception {
            // An address in user range that is not mapped passes io_submit's checks; the copy fails during
            // the read, and the failure arrives as the completion's res, not as io_submit's errno.
            Path p = TestFiles.patterned(dir, "f", 4096);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(4096), 0).buf(8L).data(3);
                assertEquals(1, ctx.submit(iocb));
                IoEvent e = awaitOne(ctx);
                assertEquals(3, e.data());
                assertEquals(-Errno.EFAULT.number(), e.res());
                assertTrue(e.failed());
                assertEquals(Errno.EFAULT.number(), e.errno());
            }
        }

        @Test
        void shouldCompleteWithMinusEfaultForAnUnmappedUserBufferWithDirectIo() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 8192);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ, JaioOpenOption.DIRECT);
                 Arena arena = Arena.ofConfined()) {
                Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(4096, 4096), 0).buf(4096L);
                assertEquals(1, ctx.submit(iocb));
                assertEquals(-Errno.EFAULT.number(), awaitOne(ctx).res());
            }
        }

        @Test
        void shouldFailSubmitWithEfaultForAnUnreadableIovecArray() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 4096);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                Iocb iocb = Iocb.allocate(arena).prepPreadv(f.fd(), IoVec.array(arena, List.of(arena.allocate(16))), 1, 0)
                        .buf(8L);
                assertErrno(Errno.EFAULT, "io_submit", () -> ctx.submit(iocb));
            }
        }

        @Test
        void shouldFailSubmitWithEinvalForMoreIovecsThanUioMaxiov() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 4096);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                MemorySegment iov = arena.allocate(IoVec.LAYOUT, 1025);
                Iocb iocb = Iocb.allocate(arena).prepPreadv(f.fd(), iov, 1025, 0);
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
            }
        }

        @Test
        void shouldFailSubmitWithEinvalForAnFsyncWithALengthOrOfAPipe() throws Exception {
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = openReadWrite("f");
                 Pipe pipe = new Pipe();
                 Arena arena = Arena.ofConfined()) {
                Iocb withLength = Iocb.allocate(arena).prepFsync(f.fd()).nbytes(1);
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(withLength));
                // A pipe has no fsync file operation.
                Iocb pipeSync = Iocb.allocate(arena).prepFdsync(pipe.writeFd);
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(pipeSync));
            }
        }

        @Test
        void shouldFailSubmitWithEinvalForPollEventsBeyondSixteenBits() throws Exception {
            try (AioContext ctx = AioContext.setup(4); Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                Iocb iocb = Iocb.allocate(arena).prepPoll(pipe.readFd, 0x10000 | POLLIN);
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
                Iocb withOffset = Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN).offset(1);
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(withOffset));
            }
        }

        @Test
        void shouldFailSubmitWithEinvalOrEbadfForAResfdThatIsNotAnEventfd() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 4096);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Pipe pipe = new Pipe();
                 Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(4096);
                Iocb notEventfd = Iocb.allocate(arena).prepPread(f.fd(), buf, 0).eventFd(pipe.readFd);
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(notEventfd));
                Iocb closedFd = Iocb.allocate(arena).prepPread(f.fd(), buf, 0).eventFd(-1);
                assertErrno(Errno.EBADF, "io_submit", () -> ctx.submit(closedFd));
            }
        }

        @Test
        void shouldSubmitPartiallyWhenALaterIocbIsBad() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 8192);
            try (AioContext ctx = AioContext.setup(8);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(4096);
                Iocb good = Iocb.allocate(arena).prepPread(f.fd(), buf, 4096).data(1);
                Iocb bad = Iocb.allocate(arena).prepPread(-1, arena.allocate(4096), 0).data(2);
                Iocb never = Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(4096), 0).data(3);
                assertEquals(1, ctx.submit(good, bad, never));
                IoEvent e = awaitOne(ctx);
                assertEquals(1, e.data());
                assertEquals(4096, e.res());
                TestFiles.assertPattern(buf, 4096, 4096);
                assertTrue(ctx.getEvents(0, 8, Duration.ofMillis(50)).isEmpty(), "the rest was not submitted");
                // The bad one first: nothing queued, so the error is thrown.
                assertErrno(Errno.EBADF, "io_submit", () -> ctx.submit(bad, good));
                assertEquals(1, ctx.counters().submitted(), "queued so far");
            }
        }

        @Test
        void shouldFailSubmitWithEagainOnceTheRingIsFullAndSubmitPartiallyBeforeThat() throws Exception {
            try (AioContext ctx = AioContext.setup(1); Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                int n = ctx.ringCapacity() * 2 + 10;
                List<Iocb> polls = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    polls.add(Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN).data(i));
                }
                // One call with more iocbs than the ring: the kernel queues what it has room for.
                int queued = ctx.submit(polls);
                assertTrue(queued >= ctx.nrEvents() && queued <= ctx.ringCapacity(),
                        "queued=" + queued + " nrEvents=" + ctx.nrEvents() + " ringCapacity=" + ctx.ringCapacity());
                // Then no room at all: EAGAIN, whether one at a time or in a batch.
                int more = 0;
                while (true) {
                    try {
                        ctx.submit(polls.get(queued + more));
                        more++;
                    } catch (AioException e) {
                        assertEquals(Errno.EAGAIN.number(), e.errno(), e.getMessage());
                        assertEquals("io_submit", e.syscall());
                        assertTrue(e.getMessage().contains("getEvents"), e.getMessage());
                        break;
                    }
                    assertTrue(queued + more <= ctx.ringCapacity(), "more queued than the ring holds: " + more);
                }
                int inFlight = queued + more;
                assertErrno(Errno.EAGAIN, "io_submit",
                        () -> ctx.submit(polls.subList(inFlight, inFlight + 5)));
                // One write completes every poll; their slots come back as they are reaped.
                pipe.writeByte(1);
                List<IoEvent> events = awaitAll(ctx, inFlight);
                Set<Long> data = new HashSet<>();
                for (IoEvent e : events) {
                    assertEquals(POLLIN, e.res() & POLLIN, "res=" + e.res());
                    assertTrue(data.add(e.data()), "duplicate completion " + e.data());
                }
                assertEquals(1, ctx.submit(polls.get(inFlight)));
                assertEquals(inFlight, awaitOne(ctx).data());
            }
        }

        @Test
        void shouldCompleteMoreRequestsThanTheRingHoldsWhenReapedAlong() throws Exception {
            int size = 64 * 1024;
            Path p = TestFiles.patterned(dir, "f", size);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                int total = ctx.ringCapacity() * 3;
                int blocks = size / 512;
                Map<Long, MemorySegment> buffers = new HashMap<>();
                int submitted = 0;
                int eagain = 0;
                List<IoEvent> events = new ArrayList<>();
                while (events.size() < total) {
                    if (submitted < total) {
                        MemorySegment buf = arena.allocate(512);
                        Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), buf, (submitted % blocks) * 512L)
                                .data(submitted);
                        try {
                            ctx.submit(iocb);
                            buffers.put((long) submitted, buf);
                            submitted++;
                            continue;
                        } catch (AioException e) {
                            assertEquals(Errno.EAGAIN.number(), e.errno(), e.getMessage());
                            eagain++;
                        }
                    }
                    events.addAll(ctx.getEvents(1, total, LONG_WAIT));
                }
                assertTrue(eagain > 0, "the ring never filled up");
                Set<Long> seen = new HashSet<>();
                for (IoEvent e : events) {
                    assertTrue(seen.add(e.data()), "duplicate " + e.data());
                    assertEquals(512, e.res());
                    TestFiles.assertPattern(buffers.get(e.data()), 512, (e.data() % blocks) * 512);
                }
                assertEquals(total, seen.size());
            }
        }
    }

    /** io_getevents(2). */
    @Nested
    class GetEvents {
        @Test
        void shouldFailGetEventsWithEinvalForBadCounts() throws Exception {
            try (AioContext ctx = AioContext.setup(4)) {
                AioException e = assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(-1, 1, Duration.ZERO));
                assertTrue(e.getMessage().contains("min_nr"), e.getMessage());
                assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(0, -1, Duration.ZERO));
                assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(2, 1, Duration.ZERO));
                assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(-1, -1, null));
                assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(2, IoEventArray.allocate(1), 0));
                assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(-1, IoEventArray.allocate(1), 0));
            }
        }

        @Test
        void shouldFailGetEventsWithEinvalOnAClosedContext() throws Exception {
            AioContext ctx = AioContext.setup(4);
            ctx.close();
            AioException e = assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(0, 1, Duration.ZERO));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(1, 1, null));
            assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(0, IoEventArray.allocate(4), -1));
            assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(2, 1, Duration.ZERO));
            assertEquals(0, ctx.counters().getEventsCalls());
        }

        @Test
        void shouldReturnNothingForMaxNrZero() throws Exception {
            try (AioContext ctx = AioContext.setup(4)) {
                assertTrue(ctx.getEvents(0, 0, null).isEmpty());
            }
        }

        @Test
        void shouldReapIntoAReusableArray() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 4096);
            try (AioContext ctx = AioContext.setup(8);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                List<Iocb> iocbs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    iocbs.add(Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(1024), i * 1024L).data(10 + i));
                }
                assertEquals(4, ctx.submit(iocbs));
                IoEventArray into = IoEventArray.allocate(arena, 8);
                int got = 0;
                Set<Long> data = new HashSet<>();
                while (got < 4) {
                    int n = ctx.getEvents(1, into, TimeUnit.SECONDS.toNanos(10));
                    assertTrue(n >= 1 && n <= 8, "n=" + n);
                    for (int i = 0; i < n; i++) {
                        assertEquals(1024, into.res(i));
                        assertTrue(data.add(into.data(i)));
                        assertEquals(iocbs.get((int) into.data(i) - 10).address(), into.obj(i));
                    }
                    got += n;
                }
                assertEquals(Set.of(10L, 11L, 12L, 13L), data);
            }
        }

        @Test
        void shouldNeverBlockWithATimeoutOfZero() throws Exception {
            try (AioContext ctx = AioContext.setup(4); Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                ctx.submit(Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN));
                long start = System.nanoTime();
                assertTrue(ctx.getEvents(1, 4, Duration.ZERO).isEmpty());
                assertTrue(ctx.getEvents(0, 4, Duration.ofNanos(-5)).isEmpty());
                assertEquals(0, ctx.getEvents(1, IoEventArray.allocate(4), 0));
                long elapsed = System.nanoTime() - start;
                assertTrue(elapsed < TimeUnit.SECONDS.toNanos(5), "non-blocking calls took " + elapsed + " ns");
            }
        }

        @Test
        void shouldNotReturnBeforeTheTimeout() throws Exception {
            try (AioContext ctx = AioContext.setup(4)) {
                for (Duration timeout : new Duration[] {Duration.ofMillis(200), Duration.ofMillis(1)}) {
                    long start = System.nanoTime();
                    List<IoEvent> events = ctx.getEvents(1, 4, timeout);
                    long elapsed = System.nanoTime() - start;
                    assertTrue(events.isEmpty());
                    assertTrue(elapsed >= timeout.toNanos(), "returned after " + elapsed + " ns, timeout " + timeout);
                    assertTrue(elapsed < timeout.toNanos() + TimeUnit.SECONDS.toNanos(5), "elapsed " + elapsed);
                }
                long start = System.nanoTime();
                assertEquals(0, ctx.getEvents(1, IoEventArray.allocate(2), TimeUnit.MILLISECONDS.toNanos(200)));
                assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200));
            }
        }

        @Test
        @Timeout(20)
        void shouldBlockWithoutATimeoutUntilAnEventArrives() throws Exception {
            try (AioContext ctx = AioContext.setup(4); Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                Iocb poll = Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN).data(77);
                ctx.submit(poll);
                long start = System.nanoTime();
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        return;
                    }
                    pipe.writeByte(1);
                });
                List<IoEvent> events = ctx.getEvents(1, 4, null);
                long elapsed = System.nanoTime() - start;
                writer.join();
                assertEquals(1, events.size());
                assertEquals(77, events.get(0).data());
                assertEquals(poll.address(), events.get(0).obj());
                assertEquals(POLLIN, events.get(0).res() & POLLIN, events.toString());
                assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(300), "returned before the write: " + elapsed);
            }
        }

        @Test
        @Timeout(20)
        void shouldWakeAThreadBlockedInGetEventsWhenAnotherThreadCloses() throws Exception {
            AioContext ctx = AioContext.setup(4);
            CountDownLatch started = new CountDownLatch(1);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<List<IoEvent>> blocked = pool.submit(() -> {
                    started.countDown();
                    return ctx.getEvents(1, 1, null);
                });
                started.await();
                Thread.sleep(200); // let it reach io_getevents
                long start = System.nanoTime();
                ctx.close();
                try {
                    blocked.get(5, TimeUnit.SECONDS);
                    fail("getEvents returned normally on a closed context with nothing completed");
                } catch (java.util.concurrent.ExecutionException e) {
                    AioException cause = assertThrows(AioException.class, () -> {
                        throw e.getCause();
                    });
                    assertEquals(Errno.EINVAL.number(), cause.errno());
                    assertEquals("io_getevents", cause.syscall());
                }
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
                assertTrue(ctx.isClosed());
            } finally {
                pool.shutdownNow();
                ctx.close();
            }
        }

        @Test
        @Timeout(20)
        void shouldWakeAWaiterWithPollsInFlightWhenAnotherThreadCloses() throws Exception {
            // io_destroy cancels the polls: the waiter either returns their events (res 0) or, having
            // reaped none, throws EINVAL. Either way promptly, and close() returns.
            try (Pipe pipe = new Pipe(); Arena arena = Arena.ofShared()) {
                AioContext ctx = AioContext.setup(8);
                List<Iocb> polls = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    polls.add(Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN).data(i));
                }
                assertEquals(4, ctx.submit(polls));
                ExecutorService pool = Executors.newSingleThreadExecutor();
                try {
                    Future<Integer> waiter = pool.submit(() -> ctx.getEvents(4, IoEventArray.allocate(8), -1));
                    Thread.sleep(200);
                    ctx.close();
                    try {
                        int n = waiter.get(5, TimeUnit.SECONDS);
                        assertTrue(n >= 0 && n <= 4, "n=" + n);
                    } catch (java.util.concurrent.ExecutionException e) {
                        AioException cause = assertThrows(AioException.class, () -> {
                            throw e.getCause();
                        });
                        assertEquals(Errno.EINVAL.number(), cause.errno(), cause.getMessage());
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }

        @Test
        @Timeout(20)
        void shouldRetryWithTheRemainingTimeWhenASignalInterruptsTheWait() throws Exception {
            SignalSender signals = SignalSender.install();
            try (AioContext ctx = AioContext.setup(4)) {
                AtomicLong tid = new AtomicLong();
                CountDownLatch ready = new CountDownLatch(1);
                long timeout = TimeUnit.MILLISECONDS.toNanos(3000);
                ExecutorService pool = Executors.newSingleThreadExecutor();
                try {
                    Future<long[]> waiter = pool.submit(() -> {
                        tid.set(SignalSender.gettid());
                        ready.countDown();
                        long start = System.nanoTime();
                        int n = ctx.getEvents(1, IoEventArray.allocate(4), timeout);
                        return new long[] {n, System.nanoTime() - start};
                    });
                    ready.await();
                    signals.sendUntilReentered(ctx, tid.get(), Duration.ofMillis(2000));
                    long[] result = waiter.get(10, TimeUnit.SECONDS);
                    assertEquals(0, result[0], "events");
                    assertTrue(result[1] >= timeout, "returned early after " + result[1] + " ns");
                    // Without a signal a single io_getevents call waits out the timeout; each EINTR adds one.
                    assertTrue(ctx.counters().getEventsCalls() >= 2,
                            "io_getevents was not re-entered: " + ctx.counters());
                } finally {
                    pool.shutdownNow();
                }
            }
        }

        @Test
        @Timeout(20)
        void shouldKeepWaitingWithoutATimeoutWhenASignalInterruptsTheWait() throws Exception {
            SignalSender signals = SignalSender.install();
            try (AioContext ctx = AioContext.setup(4); Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                Iocb poll = Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN).data(5);
                ctx.submit(poll);
                AtomicLong tid = new AtomicLong();
                CountDownLatch ready = new CountDownLatch(1);
                ExecutorService pool = Executors.newSingleThreadExecutor();
                try {
                    Future<List<IoEvent>> waiter = pool.submit(() -> {
                        tid.set(SignalSender.gettid());
                        ready.countDown();
                        return ctx.getEvents(1, 1, null);
                    });
                    ready.await();
                    signals.sendUntilReentered(ctx, tid.get(), Duration.ofMillis(2000));
                    assertFalse(waiter.isDone(), "getEvents(1, 1, null) returned after a signal");
                    pipe.writeByte(1);
                    List<IoEvent> events = waiter.get(10, TimeUnit.SECONDS);
                    assertEquals(1, events.size());
                    assertEquals(5, events.get(0).data());
                    assertTrue(ctx.counters().getEventsCalls() >= 2, ctx.counters().toString());
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    /**
     * Delivers SIGURG to one thread with tgkill(2). The JVM leaves SIGURG alone, so a Java-level handler
     * is installed first: a signal with the default (ignore) disposition is dropped by the kernel without
     * interrupting anything. io_getevents(2) is never restarted after a handler runs; it fails with EINTR.
     */
    static final class SignalSender {
        private static final long GETTID = Arch.current() == Arch.AARCH64 ? 178 : 186;
        private static final long TGKILL = Arch.current() == Arch.AARCH64 ? 131 : 234;
        private static final int SIGURG = 23;
        private static volatile boolean installed;

        static SignalSender install() {
            Assumptions.assumeTrue(Arch.current() == Arch.X86_64 || Arch.current() == Arch.AARCH64,
                    "gettid/tgkill numbers known for x86_64 and aarch64 only");
            if (!installed) {
                // sun.misc.Signal through reflection: the test compilation is patched into module dev.jaio,
                // which does not read jdk.unsupported; at run time the tests are on the class path.
                try {
                    Class<?> signalClass = Class.forName("sun.misc.Signal");
                    Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
                    Object handler = java.lang.reflect.Proxy.newProxyInstance(handlerClass.getClassLoader(),
                            new Class<?>[] {handlerClass}, (proxy, method, args) -> null);
                    Object urg = signalClass.getConstructor(String.class).newInstance("URG");
                    signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, urg, handler);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    Assumptions.abort("cannot install a SIGURG handler in this JVM: " + e);
                }
                installed = true;
            }
            return new SignalSender();
        }

        static long gettid() {
            return Syscalls.syscall(GETTID, 0, 0, 0, 0, 0);
        }

        void send(long tid) {
            long ret = Syscalls.syscall(TGKILL, ProcessHandle.current().pid(), tid, SIGURG, 0, 0);
            assertEquals(0, ret, "tgkill");
        }

        /**
         * Signals thread {@code tid} every 50 ms until {@code ctx} has made a second io_getevents call,
         * which it does only when the first was interrupted; a signal that lands while the thread is
         * still on its way into the call interrupts nothing, hence the repetition.
         */
        void sendUntilReentered(AioContext ctx, long tid, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (ctx.counters().getEventsCalls() < 2 && System.nanoTime() - deadline < 0) {
                Thread.sleep(50);
                send(tid);
            }
        }
    }

    /** io_pgetevents(2): getEvents with a signal mask. */
    @Nested
    class GetEventsWithASignalMask {
        private static final int SIGURG = 23;

        @Test
        void shouldReapEventsWithAMaskThroughTheKernelEvenWhenTheRingHasThem() throws Exception {
            try (AioContext ctx = AioContext.setup(4); Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                // POLLOUT on an empty pipe completes at once.
                ctx.submit(Iocb.allocate(arena).prepPoll(pipe.writeFd, 0x4).data(7));
                ctx.submit(Iocb.allocate(arena).prepPoll(pipe.writeFd, 0x4).data(8));
                List<IoEvent> first = ctx.getEvents(1, 1, LONG_WAIT, SignalSet.of(SIGURG));
                assertEquals(1, first.size());
                IoEventArray into = IoEventArray.allocate(arena, 4);
                int n = ctx.getEvents(1, into, TimeUnit.SECONDS.toNanos(10), SignalSet.empty());
                assertEquals(1, n);
                assertEquals(Set.of(7L, 8L), Set.of(first.get(0).data(), into.data(0)));
                assertEquals(0x4, into.res(0));
                assertEquals(2, ctx.counters().getEventsCalls(), "each call with a mask entered the kernel");
                assertEquals(0, ctx.counters().ringEvents(), ctx.counters().toString());
                assertTrue(ctx.getEvents(0, 4, Duration.ZERO, SignalSet.empty()).isEmpty());
            }
        }

        @Test
        void shouldFailWithEinvalForBadCounts() throws Exception {
            try (AioContext ctx = AioContext.setup(4)) {
                SignalSet mask = SignalSet.empty();
                AioException e = assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(-1, 1, Duration.ZERO, mask));
                assertTrue(e.getMessage().contains("min_nr"), e.getMessage());
                assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(0, -1, Duration.ZERO, mask));
                assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(2, 1, null, mask));
                assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(2, IoEventArray.allocate(1), 0, mask));
                assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(-1, IoEventArray.allocate(1), -1, mask));
            }
        }

        @Test
        void shouldFailWithEinvalOnAClosedContextWithoutCallingTheKernel() throws Exception {
            AioContext ctx = AioContext.setup(4);
            ctx.close();
            SignalSet mask = SignalSet.of(SIGURG);
            AioException e = assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(0, 1, Duration.ZERO, mask));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(1, 1, null, mask));
            assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(2, 1, null, mask));
            assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(0, IoEventArray.allocate(4), -1, mask));
            assertEquals(0, ctx.counters().getEventsCalls());
        }

        @Test
        void shouldRefuseANullMask() throws Exception {
            try (AioContext ctx = AioContext.setup(4)) {
                assertThrows(NullPointerException.class, () -> ctx.getEvents(0, 1, Duration.ZERO, null));
                assertThrows(NullPointerException.class, () -> ctx.getEvents(0, IoEventArray.allocate(1), 0, null));
            }
        }

        /**
         * The point of io_pgetevents: a signal blocked in the thread and already pending is let through by the
         * mask for the wait, at once, and surfaces as EINTR (not retried); without the mask, or with one that
         * keeps it blocked, the wait does not see it and it stays pending.
         */
        @Test
        @Timeout(60)
        void shouldSurfaceEintrWhenTheMaskUnblocksAPendingSignal() throws Exception {
            SignalSender signals = SignalSender.install();
            ExecutorService pool = Executors.newSingleThreadExecutor(); // a thread of its own: its mask changes
            try (AioContext ctx = AioContext.setup(4)) {
                Future<List<String>> run = pool.submit(() -> {
                    List<String> seen = new ArrayList<>();
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment old = ThreadSignals.block(arena, SIGURG);
                        try {
                            long tid = SignalSender.gettid();
                            signals.send(tid);
                            seen.add("pending=" + ThreadSignals.isPending(SIGURG));
                            seen.add("plain=" + ctx.getEvents(1, 1, Duration.ZERO).size());
                            seen.add("kept blocked=" + ctx.getEvents(1, 1, Duration.ZERO, SignalSet.of(SIGURG)).size());
                            seen.add("pending=" + ThreadSignals.isPending(SIGURG));
                            AioException e = assertThrows(AioException.class,
                                    () -> ctx.getEvents(1, 1, LONG_WAIT, SignalSet.empty()));
                            seen.add("unblocked=" + e.errnoName() + " " + e.syscall());
                            seen.add("pending=" + ThreadSignals.isPending(SIGURG));
                            assertTrue(e.getMessage().contains("signal"), e.getMessage());
                            // Again with the allocation-free variant.
                            signals.send(tid);
                            e = assertThrows(AioException.class, () -> ctx.getEvents(1, IoEventArray.allocate(arena, 2),
                                    -1, SignalSet.of(SIGURG - 1)));
                            seen.add("array=" + e.errnoName());
                            seen.add("pending=" + ThreadSignals.isPending(SIGURG));
                        } finally {
                            ThreadSignals.setMask(old);
                        }
                    }
                    return seen;
                });
                assertEquals(List.of("pending=true", "plain=0", "kept blocked=0", "pending=true",
                        "unblocked=EINTR io_pgetevents", "pending=false", "array=EINTR", "pending=false"),
                        run.get(50, TimeUnit.SECONDS));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** The calling thread's signal mask, through libc's pthread_sigmask(3), and its pending signals. */
    static final class ThreadSignals {
        private static final int SIG_BLOCK = 0;
        private static final int SIG_SETMASK = 2;
        /** glibc's sigset_t: 1024 bits. */
        private static final long GLIBC_SIGSET_SIZE = 128;
        private static final java.lang.invoke.MethodHandle PTHREAD_SIGMASK = java.lang.foreign.Linker.nativeLinker()
                .downcallHandle(java.lang.foreign.Linker.nativeLinker().defaultLookup().find("pthread_sigmask").orElseThrow(),
                        java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                                java.lang.foreign.ValueLayout.JAVA_INT, ADDRESS, ADDRESS));

        /** Blocks {@code signal} in the calling thread; returns the old mask, allocated in {@code arena}. */
        static MemorySegment block(Arena arena, int signal) {
            MemorySegment set = arena.allocate(GLIBC_SIGSET_SIZE, 8);
            set.set(JAVA_LONG, 0, 1L << (signal - 1));
            MemorySegment old = arena.allocate(GLIBC_SIGSET_SIZE, 8);
            assertEquals(0, sigmask(SIG_BLOCK, set, old), "pthread_sigmask(SIG_BLOCK)");
            return old;
        }

        static void setMask(MemorySegment mask) {
            assertEquals(0, sigmask(SIG_SETMASK, mask, MemorySegment.NULL), "pthread_sigmask(SIG_SETMASK)");
        }

        private static int sigmask(int how, MemorySegment set, MemorySegment old) {
            try {
                return (int) PTHREAD_SIGMASK.invokeExact(how, set, old);
            } catch (Throwable t) {
                throw new IllegalStateException("pthread_sigmask failed to run", t);
            }
        }

        /** Whether {@code signal} is pending for the calling thread: SigPnd of /proc/thread-self/status. */
        static boolean isPending(int signal) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
                if (line.startsWith("SigPnd:")) {
                    return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << (signal - 1))) != 0;
                }
            }
            throw new IOException("no SigPnd in /proc/thread-self/status");
        }
    }

    /** io_cancel(2). */
    @Nested
    class Cancel {
        @Test
        void shouldCancelAPendingPollAndDeliverItsEventThroughGetEvents() throws Exception {
            try (AioContext ctx = AioContext.setup(4); Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                Iocb poll = Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN).data(9);
                assertEquals(1, ctx.submit(poll));
                assertTrue(ctx.getEvents(0, 1, Duration.ZERO).isEmpty(), "poll fired with no data");
                ctx.cancel(poll); // EINPROGRESS from the kernel: accepted
                // A cancelled poll completes with no events fired: res 0 (aio_poll_complete_work).
                assertEquals(new IoEvent(9, poll.address(), 0, 0), awaitOne(ctx));
            }
        }

        @Test
        void shouldFailCancelWithEinvalForAnIocbNeverSubmitted() throws Exception {
            try (AioContext ctx = AioContext.setup(4); Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                Iocb poll = Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN);
                AioException e = assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(poll));
                assertTrue(e.getMessage().contains("not in flight"), e.getMessage());
            }
        }

        @Test
        void shouldFailCancelWithEinvalForACompletedRequestAndForASecondCancel() throws Exception {
            try (AioContext ctx = AioContext.setup(4); Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                Iocb poll = Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN);
                ctx.submit(poll);
                ctx.cancel(poll);
                // The kernel took it off the active list at the first cancel, before the event is reaped.
                assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(poll));
                awaitOne(ctx);
                ctx.submit(poll);
                pipe.writeByte(1);
                assertEquals(POLLIN, awaitOne(ctx).res() & POLLIN);
                assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(poll));
            }
        }

        @Test
        void shouldFailCancelWithEinvalForAFileRead() throws Exception {
            // Reads and writes of files register no cancel function: io_cancel never finds them.
            int size = 4 << 20;
            Path p = dir.resolve("big");
            Files.write(p, TestFiles.random(size, 7));
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ, JaioOpenOption.DIRECT);
                 Arena arena = Arena.ofConfined()) {
                Iocb read = Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(size, 4096), 0);
                ctx.submit(read);
                assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(read));
                assertEquals(size, awaitOne(ctx).res(), "the read completed in full");
            }
        }

        @Test
        void shouldFailCancelWithEinvalWhenTheKeyWasChanged() throws Exception {
            try (AioContext ctx = AioContext.setup(4); Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                Iocb poll = Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN).key(12345);
                ctx.submit(poll);
                assertEquals(0, poll.key(), "io_submit writes KIOCB_KEY (0) into aio_key");
                poll.key(1);
                assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(poll));
                poll.key(0);
                ctx.cancel(poll);
                assertEquals(0, awaitOne(ctx).res());
            }
        }

        @Test
        void shouldFailCancelWithEfaultForAnUnreadableIocb() throws Exception {
            try (AioContext ctx = AioContext.setup(4)) {
                Iocb bogus = Iocb.wrap(MemorySegment.ofAddress(8).reinterpret(64));
                assertErrno(Errno.EFAULT, "io_cancel", () -> ctx.cancel(bogus));
            }
        }

        @Test
        void shouldFailCancelWithEinvalOnAClosedContext() throws Exception {
            try (Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                AioContext ctx = AioContext.setup(4);
                Iocb poll = Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN);
                ctx.submit(poll);
                ctx.close(); // io_destroy cancels the poll
                AioException e = assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(poll));
                assertTrue(e.getMessage().contains("closed"), e.getMessage());
            }
        }

        @Test
        void shouldCancelOnlyOnTheContextThatOwnsTheRequest() throws Exception {
            try (AioContext a = AioContext.setup(4);
                 AioContext b = AioContext.setup(4);
                 Pipe pipe = new Pipe();
                 Arena arena = Arena.ofConfined()) {
                Iocb poll = Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN);
                a.submit(poll);
                assertErrno(Errno.EINVAL, "io_cancel", () -> b.cancel(poll));
                a.cancel(poll);
                assertEquals(poll.address(), awaitOne(a).obj());
            }
        }
    }

    /** io_destroy(2). */
    @Nested
    class Destroy {
        @Test
        void shouldCloseTwiceAndRefuseEveryLaterCallWithEinval() throws Exception {
            try (Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                AioContext ctx = AioContext.setup(4);
                Iocb poll = Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN);
                ctx.close();
                ctx.close();
                assertTrue(ctx.isClosed());
                assertTrue(ctx.toString().contains("closed"), ctx.toString());
                assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(poll));
                assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(0, 1, Duration.ZERO));
                assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(poll));
                AioContext.Counters c = ctx.counters();
                assertEquals(0, c.submitCalls() + c.getEventsCalls(), "kernel calls after close: " + c);
            }
        }

        @Test
        void shouldNotActOnANewContextThatReusesTheClosedOnesId() throws Exception {
            try (Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                AioContext old = AioContext.setup(4);
                long oldId = old.id();
                old.close();
                try (AioContext fresh = AioContext.setup(4)) {
                    Iocb poll = Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN);
                    assertErrno(Errno.EINVAL, "io_submit", () -> old.submit(poll));
                    // Whether or not the kernel gave the same address again, the new context saw nothing.
                    assertTrue(fresh.getEvents(0, 4, Duration.ZERO).isEmpty());
                    assertEquals(0, fresh.counters().submitted());
                    assertTrue(fresh.id() != 0 && oldId != 0);
                }
            }
        }

        @Test
        @Timeout(30)
        void shouldCloseWithDirectReadsInFlight() throws Exception {
            int mib = 1 << 20;
            int count = 32;
            Path p = dir.resolve("big");
            Files.write(p, TestFiles.random(16 * mib, 3));
            long mappings = TestFiles.aioRingMappings();
            Arena arena = Arena.ofShared();
            AioContext ctx = AioContext.setup(count);
            try (NativeFile f = NativeFile.open(p, StandardOpenOption.READ, JaioOpenOption.DIRECT)) {
                List<Iocb> reads = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    reads.add(Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(mib, 4096), (i % 16) * (long) mib));
                }
                assertEquals(count, ctx.submit(reads));
                ctx.close(); // waits for the reads: the buffers may be freed once it returns
                assertTrue(ctx.isClosed());
                assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(0, 1, Duration.ZERO));
            } finally {
                ctx.close();
                arena.close();
            }
            assertEquals(mappings, TestFiles.aioRingMappings(), "the ring is unmapped");
        }

        @Test
        @Timeout(20)
        void shouldCloseWithPollsInFlightByCancellingThem() throws Exception {
            try (Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                AioContext ctx = AioContext.setup(8);
                for (int i = 0; i < 8; i++) {
                    ctx.submit(Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN));
                }
                ctx.close();
                assertTrue(ctx.isClosed());
            }
        }
    }

    /** Successful requests on real files. */
    @Nested
    class FileRequests {
        @Test
        void shouldReadAndWriteVectors() throws Exception {
            try (AioContext ctx = AioContext.setup(4); NativeFile f = openReadWrite("v"); Arena arena = Arena.ofConfined()) {
                byte[] data = TestFiles.random(100 + 3000 + 1, 11);
                MemorySegment a = arena.allocate(100);
                MemorySegment b = arena.allocate(3000);
                MemorySegment c = arena.allocate(1);
                MemorySegment.copy(data, 0, a, JAVA_BYTE, 0, 100);
                MemorySegment.copy(data, 100, b, JAVA_BYTE, 0, 3000);
                MemorySegment.copy(data, 3100, c, JAVA_BYTE, 0, 1);
                Iocb w = Iocb.allocate(arena).prepPwritev(f.fd(), IoVec.array(arena, List.of(a, b, c)), 3, 10);
                assertEquals(Iocb.CMD_PWRITEV, w.opcode());
                assertEquals(3, w.nbytes());
                ctx.submit(w);
                assertEquals(data.length, awaitOne(ctx).res());
                byte[] onDisk = Files.readAllBytes(f.path());
                assertEquals(10 + data.length, onDisk.length);
                assertArrayEquals(data, java.util.Arrays.copyOfRange(onDisk, 10, onDisk.length));

                MemorySegment x = arena.allocate(7);
                MemorySegment y = arena.allocate(4000);
                Iocb r = Iocb.allocate(arena).prepPreadv(f.fd(), IoVec.array(arena, List.of(x, y)), 2, 10);
                ctx.submit(r);
                assertEquals(data.length, awaitOne(ctx).res(), "short read at end of file");
                assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 7), x.toArray(JAVA_BYTE));
                assertArrayEquals(java.util.Arrays.copyOfRange(data, 7, data.length),
                        y.asSlice(0, data.length - 7).toArray(JAVA_BYTE));
            }
        }

        @Test
        void shouldSyncFilesWithFsyncAndFdsync() throws Exception {
            try (AioContext ctx = AioContext.setup(4); NativeFile f = openReadWrite("s"); Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(4096).fill((byte) 5);
                ctx.submit(Iocb.allocate(arena).prepPwrite(f.fd(), buf, 0));
                assertEquals(4096, awaitOne(ctx).res());
                Iocb fsync = Iocb.allocate(arena).prepFsync(f.fd()).data(1);
                Iocb fdsync = Iocb.allocate(arena).prepFdsync(f.fd()).data(2);
                assertEquals(2, ctx.submit(fsync, fdsync));
                List<IoEvent> events = new ArrayList<>(awaitAll(ctx, 2));
                events.sort(Comparator.comparingLong(IoEvent::data));
                assertEquals(List.of(new IoEvent(1, fsync.address(), 0, 0), new IoEvent(2, fdsync.address(), 0, 0)),
                        events);
            }
        }

        @Test
        void shouldFirePollInWhenDataArrivesOnAPipe() throws Exception {
            try (AioContext ctx = AioContext.setup(4); Pipe pipe = new Pipe(); Arena arena = Arena.ofConfined()) {
                Iocb in = Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN).data(1);
                assertEquals(POLLIN, in.buf());
                ctx.submit(in);
                assertTrue(ctx.getEvents(0, 1, Duration.ofMillis(50)).isEmpty(), "POLLIN with an empty pipe");
                pipe.writeByte('x');
                // res is the mask the pipe's wake-up reported, unfiltered: POLLIN | POLLRDNORM (0x41) here.
                IoEvent fired = awaitOne(ctx);
                assertEquals(1, fired.data());
                assertEquals(in.address(), fired.obj());
                assertEquals(POLLIN, fired.res() & POLLIN, "res=" + fired.res());
                assertEquals(0, fired.res2());
                // With data already there, the poll completes during io_submit.
                ctx.submit(in.data(2));
                IoEvent ready = awaitOne(ctx);
                assertEquals(2, ready.data());
                assertEquals(POLLIN, ready.res() & POLLIN, "res=" + ready.res());
                // POLLOUT (4) on the write end is ready at once.
                Iocb out = Iocb.allocate(arena).prepPoll(pipe.writeFd, 0x4);
                ctx.submit(out);
                assertEquals(0x4, awaitOne(ctx).res());
            }
        }

        @Test
        void shouldSignalAnEventfdOncePerCompletion() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 4096);
            try (AioContext ctx = AioContext.setup(8);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 EventFd efd = EventFd.create();
                 Arena arena = Arena.ofConfined()) {
                assertEquals(0, efd.read());
                Iocb one = Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(512), 0).eventFd(efd.fd());
                assertEquals(Iocb.FLAG_RESFD, one.flags());
                assertEquals(efd.fd(), one.resFd());
                ctx.submit(one);
                awaitOne(ctx);
                assertEquals(1, efd.read());
                List<Iocb> three = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    three.add(Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(512), i * 512L).eventFd(efd.fd()));
                }
                assertEquals(3, ctx.submit(three));
                awaitAll(ctx, 3);
                assertEquals(3, efd.read());
                assertEquals(0, efd.read());
            }
        }

        @Test
        void shouldReadAndWriteWithDirectIo() throws Exception {
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(dir.resolve("d"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                         StandardOpenOption.WRITE, JaioOpenOption.DIRECT);
                 Arena arena = Arena.ofConfined()) {
                assertTrue(f.isDirect());
                byte[] data = TestFiles.random(3 * 4096, 5);
                MemorySegment src = arena.allocate(data.length, 4096);
                MemorySegment.copy(data, 0, src, JAVA_BYTE, 0, data.length);
                ctx.submit(Iocb.allocate(arena).prepPwrite(f.fd(), src, 8192));
                assertEquals(data.length, awaitOne(ctx).res());
                MemorySegment dst = arena.allocate(data.length, 4096);
                ctx.submit(Iocb.allocate(arena).prepPread(f.fd(), dst, 8192));
                assertEquals(data.length, awaitOne(ctx).res());
                assertArrayEquals(data, dst.toArray(JAVA_BYTE));
                // A misaligned file offset: io_submit queues it, and the read fails in its completion.
                assertEquals(1, ctx.submit(Iocb.allocate(arena).prepPread(f.fd(), dst, 1)));
                assertEquals(-Errno.EINVAL.number(), awaitOne(ctx).res());
            }
        }

        @Test
        void shouldReadZeroBytesAtEndOfFileAndAShortCountAcrossIt() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 1000);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(4096);
                ctx.submit(Iocb.allocate(arena).prepPread(f.fd(), buf, 1000));
                assertEquals(0, awaitOne(ctx).res());
                ctx.submit(Iocb.allocate(arena).prepPread(f.fd(), buf, 1 << 30));
                assertEquals(0, awaitOne(ctx).res());
                ctx.submit(Iocb.allocate(arena).prepPread(f.fd(), buf, 500));
                assertEquals(500, awaitOne(ctx).res());
                TestFiles.assertPattern(buf, 500, 500);
            }
        }

        @Test
        void shouldReadZeroBytesAtEndOfFileWithDirectIo() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 4096 + 100);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ, JaioOpenOption.DIRECT);
                 Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(8192, 4096);
                ctx.submit(Iocb.allocate(arena).prepPread(f.fd(), buf, 8192));
                assertEquals(0, awaitOne(ctx).res());
                ctx.submit(Iocb.allocate(arena).prepPread(f.fd(), buf, 0));
                assertEquals(4096 + 100, awaitOne(ctx).res(), "short O_DIRECT read across end of file");
                TestFiles.assertPattern(buf, 4096 + 100, 0);
            }
        }

        @Test
        void shouldAppendIgnoringTheOffsetWithOAppend() throws Exception {
            Path p = TestFiles.patterned(dir, "f", 1000);
            try (AioContext ctx = AioContext.setup(4);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.APPEND);
                 Arena arena = Arena.ofConfined()) {
                assertTrue(f.isAppend());
                MemorySegment buf = arena.allocate(100).fill((byte) 0x7f);
                ctx.submit(Iocb.allocate(arena).prepPwrite(f.fd(), buf, 0));
                assertEquals(100, awaitOne(ctx).res());
                ctx.submit(Iocb.allocate(arena).prepPwrite(f.fd(), buf.asSlice(0, 10).fill((byte) 0x11), 5));
                assertEquals(10, awaitOne(ctx).res());
                byte[] onDisk = Files.readAllBytes(p);
                assertEquals(1110, onDisk.length);
                for (int i = 0; i < 1000; i++) {
                    assertEquals(TestFiles.patternByte(i), onDisk[i], "original byte " + i);
                }
                for (int i = 1000; i < 1100; i++) {
                    assertEquals(0x7f, onDisk[i], "appended byte " + i);
                }
                for (int i = 1100; i < 1110; i++) {
                    assertEquals(0x11, onDisk[i], "second append " + i);
                }
            }
        }
    }

    /** Reaping from the user-space ring and through io_getevents(2) give the same events. */
    @Nested
    class Ring {
        private List<IoEvent> runWorkload(AioContext ctx, NativeFile f, List<Iocb> iocbs) throws AioException {
            assertEquals(iocbs.size(), ctx.submit(iocbs));
            List<IoEvent> events = new ArrayList<>(awaitAll(ctx, iocbs.size()));
            events.sort(Comparator.comparingLong(IoEvent::data));
            return events;
        }

        @Test
        void shouldReapTheSameEventsFromTheRingAsThroughTheSyscall() throws Exception {
            int n = 48;
            Path p = TestFiles.patterned(dir, "f", n * 512 - 100);
            try (NativeFile f = NativeFile.open(p, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
                List<Iocb> iocbs = new ArrayList<>();
                List<MemorySegment> buffers = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    MemorySegment buf = arena.allocate(512);
                    buffers.add(buf);
                    iocbs.add(Iocb.allocate(arena).prepPread(f.fd(), buf, i * 512L).data(1000 + i));
                }
                List<IoEvent> viaRing;
                List<IoEvent> viaSyscall;
                try (AioContext ring = AioContext.setup(64, true)) {
                    assertTrue(ring.usesRing());
                    viaRing = runWorkload(ring, f, iocbs);
                    assertTrue(ring.counters().ringEvents() > 0, ring.counters().toString());
                }
                for (int i = 0; i < n; i++) {
                    buffers.get(i).fill((byte) 0);
                    iocbs.get(i).prepPread(f.fd(), buffers.get(i), i * 512L).data(1000 + i);
                }
                try (AioContext syscall = AioContext.setup(64, false)) {
                    assertFalse(syscall.usesRing());
                    assertTrue(syscall.ringCapacity() >= 64);
                    viaSyscall = runWorkload(syscall, f, iocbs);
                    assertEquals(0, syscall.counters().ringEvents());
                    assertEquals(n, syscall.counters().syscallEvents());
                }
                assertEquals(viaSyscall, viaRing);
                assertEquals(412, viaRing.get(n - 1).res(), "the last read is short");
                for (int i = 0; i < n - 1; i++) {
                    TestFiles.assertPattern(buffers.get(i), 512, i * 512L);
                }
            }
        }

        @Test
        void shouldReapMostlyFromTheRingInANonBlockingLoop() throws Exception {
            int n = 100;
            Path p = TestFiles.patterned(dir, "f", n * 512);
            try (AioContext ctx = AioContext.setup(128);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofConfined()) {
                Assumptions.assumeTrue(ctx.usesRing(), "the ring header is not one jaio knows, or jaio.ring=false");
                List<Iocb> iocbs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    iocbs.add(Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(512), i * 512L).data(i));
                }
                assertEquals(n, ctx.submit(iocbs));
                IoEventArray into = IoEventArray.allocate(arena, 16);
                Set<Long> seen = new HashSet<>();
                long deadline = System.nanoTime() + LONG_WAIT.toNanos();
                while (seen.size() < n && System.nanoTime() - deadline < 0) {
                    int got = ctx.getEvents(0, into, 0);
                    for (int i = 0; i < got; i++) {
                        assertEquals(512, into.res(i));
                        assertTrue(seen.add(into.data(i)), "duplicate " + into.data(i));
                    }
                    if (got == 0) {
                        Thread.onSpinWait();
                    }
                }
                assertEquals(n, seen.size());
                AioContext.Counters c = ctx.counters();
                assertEquals(n, c.ringEvents() + c.syscallEvents(), c.toString());
                assertTrue(c.ringEvents() > 0, c.toString());
                assertTrue(c.getEventsCalls() < n / 4, "io_getevents calls for " + n + " events: " + c);
            }
        }
    }

    /** Several threads on one context. */
    @Nested
    class Concurrency {
        @Test
        @Timeout(60)
        void shouldCompleteEverySubmittedRequestExactlyOnceWithManySubmittersAndOneReaper() throws Exception {
            int threads = 4;
            int perThread = 300;
            int total = threads * perThread;
            Path p = TestFiles.patterned(dir, "f", 64 * 1024);
            try (AioContext ctx = AioContext.setup(32);
                 NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
                 Arena arena = Arena.ofShared()) {
                Map<Long, Long> addressByData = new ConcurrentHashMap<>();
                Map<Long, MemorySegment> bufferByData = new ConcurrentHashMap<>();
                ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
                try {
                    Future<List<IoEvent>> reaper = pool.submit(() -> {
                        List<IoEvent> events = new ArrayList<>(total);
                        IoEventArray into = IoEventArray.allocate(64);
                        while (events.size() < total) {
                            int n = ctx.getEvents(1, into, TimeUnit.SECONDS.toNanos(30));
                            if (n == 0) {
                                break;
                            }
                            for (int i = 0; i < n; i++) {
                                events.add(into.get(i));
                            }
                        }
                        return events;
                    });
                    List<Future<Integer>> submitters = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        long thread = t;
                        submitters.add(pool.submit(() -> {
                            int eagain = 0;
                            for (int i = 0; i < perThread; i++) {
                                long data = (thread << 32) | i;
                                MemorySegment buf = arena.allocate(256);
                                long position = ((thread * perThread + i) * 256) % (64 * 1024);
                                Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), buf, position).data(data);
                                addressByData.put(data, iocb.address());
                                bufferByData.put(data, buf);
                                while (true) {
                                    try {
                                        assertEquals(1, ctx.submit(iocb));
                                        break;
                                    } catch (AioException e) {
                                        assertEquals(Errno.EAGAIN.number(), e.errno(), e.getMessage());
                                        eagain++;
                                        Thread.sleep(0, 100_000);
                                    }
                                }
                            }
                            return eagain;
                        }));
                    }
                    for (Future<Integer> s : submitters) {
                        s.get(50, TimeUnit.SECONDS);
                    }
                    List<IoEvent> events = reaper.get(50, TimeUnit.SECONDS);
                    assertEquals(total, events.size());
                    Set<Long> data = new HashSet<>();
                    Set<Long> objects = new HashSet<>();
                    for (IoEvent e : events) {
                        assertTrue(data.add(e.data()), "completed twice: data=" + e.data());
                        assertTrue(objects.add(e.obj()), "completed twice: obj=" + e.obj());
                        assertEquals(addressByData.get(e.data()), e.obj(), "obj of data=" + e.data());
                        assertEquals(256, e.res());
                        long thread = e.data() >>> 32;
                        long i = e.data() & 0xffffffffL;
                        TestFiles.assertPattern(bufferByData.get(e.data()), 256, ((thread * perThread + i) * 256) % (64 * 1024));
                    }
                    assertEquals(addressByData.keySet(), data);
                    assertTrue(ctx.getEvents(0, 8, Duration.ofMillis(20)).isEmpty(), "extra events");
                    assertEquals(total, ctx.counters().submitted());
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }
}
