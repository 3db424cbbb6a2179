package dev.jaio.aio;

import static dev.jaio.aio.AioFixture.LONG_WAIT;
import static dev.jaio.aio.AioFixture.POLLIN;
import static dev.jaio.aio.AioFixture.awaitAll;
import static dev.jaio.aio.AioFixture.awaitOne;
import static dev.jaio.testing.ErrnoAssertions.assertErrno;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import dev.jaio.testing.TestFiles;
import dev.jaio.testing.TestFiles.Pipe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Conformance of {@link AioContext#submit} with io_submit(2) on the running kernel: every error a Java
 * caller can produce, partial submission, and a full ring.
 *
 * <p>Where the kernel's answer is not what the man page suggests, the test follows fs/aio.c and says so.
 */
class IoSubmitTest {
    @RegisterExtension
    final AioFixture fx = new AioFixture();

    @Test
    void shouldFailSubmitWithEinvalOnAClosedContextWithoutCallingTheKernel() throws Exception {
        Pipe pipe = fx.pipe();
        Arena arena = fx.arena();
        AioContext ctx = AioContext.setup(4);
        ctx.close();
        Iocb iocb = fx.iocb().prepPoll(pipe.readFd, POLLIN);
        AioException e = assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(List.of(iocb)));
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(arena.allocate(ADDRESS), 1));
        assertEquals(0, ctx.counters().submitCalls(), "io_submit calls after close");
    }

    @Test
    void shouldFailSubmitWithEinvalForANegativeCount() throws Exception {
        AioContext ctx = fx.context(4);
        Arena arena = fx.arena();
        MemorySegment pointers = arena.allocate(ADDRESS, 1);
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(pointers, -1));
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(pointers, Long.MIN_VALUE));
    }

    @Test
    void shouldReturnZeroForAnEmptySubmission() throws Exception {
        AioContext ctx = fx.context(4);
        Arena arena = fx.arena();
        assertEquals(0, ctx.submit());
        assertEquals(0, ctx.submit(arena.allocate(ADDRESS), 0));
    }

    @Test
    void shouldFailSubmitWithEinvalForAnUnknownOpcode() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(4096);
        Arena arena = fx.arena();
        MemorySegment buf = arena.allocate(4096);
        for (int opcode : new int[] {Iocb.CMD_NOOP, 4, 99, 0xFFFF}) {
            Iocb iocb = fx.iocb().prepPread(f.fd(), buf, 0).opcode(opcode);
            AioException e = assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
            assertTrue(e.getMessage().contains("opcode"), e.getMessage());
        }
    }

    @Test
    void shouldCheckTheFileDescriptorBeforeTheOpcode() throws Exception {
        // __io_submit_one looks the descriptor up first.
        AioContext ctx = fx.context(4);
        Iocb iocb = fx.iocb().opcode(99).fd(-1);
        assertErrno(Errno.EBADF, "io_submit", () -> ctx.submit(iocb));
    }

    @Test
    void shouldFailSubmitWithEinvalWhenReserved2IsNotZero() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(4096);
        Arena arena = fx.arena();
        Iocb iocb = fx.iocb().prepPread(f.fd(), arena.allocate(4096), 0).reserved2(1);
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
        // Checked before the descriptor.
        iocb.fd(-1);
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
    }

    @Test
    void shouldFailSubmitWithEinvalForALengthThatIsNegativeAsSsizeT() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(4096);
        Arena arena = fx.arena();
        for (long nbytes : new long[] {-1, Long.MIN_VALUE, -4096}) {
            Iocb iocb = fx.iocb().prepPread(f.fd(), arena.allocate(4096), 0).nbytes(nbytes);
            assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
        }
    }

    @Test
    void shouldClampAHugePositiveLengthInsteadOfFailing() throws Exception {
        // aio_nbytes = 2^63-1 passes the overflow check and is clamped to MAX_RW_COUNT: the read stops
        // at end of file. The buffer is larger than the file so the kernel writes only into it.
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(100);
        Arena arena = fx.arena();
        MemorySegment buf = arena.allocate(8192);
        Iocb iocb = fx.iocb().prepPread(f.fd(), buf, 0).nbytes(Long.MAX_VALUE);
        assertEquals(1, ctx.submit(iocb));
        assertEquals(100, awaitOne(ctx).res());
        TestFiles.assertPattern(buf, 100, 0);
    }

    @Test
    void shouldFailSubmitWithEinvalForANegativeOffset() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(4096);
        Arena arena = fx.arena();
        Iocb iocb = fx.iocb().prepPread(f.fd(), arena.allocate(4096), -4096);
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
    }

    @Test
    void shouldFailSubmitWithEbadfForADescriptorThatIsNotOpen() throws Exception {
        AioContext ctx = fx.context(4);
        Arena arena = fx.arena();
        MemorySegment buf = arena.allocate(4096);
        for (int fd : new int[] {-1, Integer.MAX_VALUE}) {
            Iocb iocb = fx.iocb().prepPread(fd, buf, 0);
            AioException e = assertErrno(Errno.EBADF, "io_submit", () -> ctx.submit(iocb));
            assertTrue(e.getMessage().contains("file descriptor"), e.getMessage());
        }
    }

    @Test
    void shouldFailSubmitWithEbadfForAReadOfAWriteOnlyFileAndAWriteOfAReadOnlyOne() throws Exception {
        Path p = fx.patterned(4096);
        AioContext ctx = fx.context(4);
        NativeFile writeOnly = fx.open(p, StandardOpenOption.WRITE);
        NativeFile readOnly = fx.open(p, StandardOpenOption.READ);
        Arena arena = fx.arena();
        MemorySegment buf = arena.allocate(4096);
        Iocb read = fx.iocb().prepPread(writeOnly.fd(), buf, 0);
        assertErrno(Errno.EBADF, "io_submit", () -> ctx.submit(read));
        Iocb write = fx.iocb().prepPwrite(readOnly.fd(), buf, 0);
        assertErrno(Errno.EBADF, "io_submit", () -> ctx.submit(write));
        MemorySegment iov = IoVec.array(arena, List.of(buf));
        Iocb readv = fx.iocb().prepPreadv(writeOnly.fd(), iov, 1, 0);
        assertErrno(Errno.EBADF, "io_submit", () -> ctx.submit(readv));
    }

    @Test
    void shouldFailSubmitWithEfaultForAPointerToUnmappedMemory() throws Exception {
        AioContext ctx = fx.context(4);
        Arena arena = fx.arena();
        MemorySegment pointers = arena.allocate(ADDRESS, 1);
        pointers.set(JAVA_LONG, 0, 8L); // the entry points at address 8: copy_from_user fails
        AioException e = assertErrno(Errno.EFAULT, "io_submit", () -> ctx.submit(pointers, 1));
        assertTrue(e.getMessage().contains("pointer"), e.getMessage());
        // The array itself unreadable: get_user of the first entry fails.
        assertErrno(Errno.EFAULT, "io_submit", () -> ctx.submit(MemorySegment.ofAddress(8), 1));
    }

    @Test
    void shouldFailSubmitWithEfaultForABufferOutsideUserSpace() throws Exception {
        // import_ubuf's access_ok refuses a kernel address before any I/O: io_submit answers EFAULT.
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(4096);
        Arena arena = fx.arena();
        Iocb iocb = fx.iocb().prepPread(f.fd(), arena.allocate(4096), 0)
                .buf(0xffff_8000_0000_0000L);
        assertErrno(Errno.EFAULT, "io_submit", () -> ctx.submit(iocb));
    }

    @Test
    void shouldCompleteWithMinusEfaultForAnUnmappedUserBuffer() throws Exception {
        // An address in user range that is not mapped passes io_submit's checks; the copy fails during
        // the read, and the failure arrives as the completion's res, not as io_submit's errno.
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(4096);
        Arena arena = fx.arena();
        Iocb iocb = fx.iocb().prepPread(f.fd(), arena.allocate(4096), 0).buf(8L).data(3);
        assertEquals(1, ctx.submit(iocb));
        IoEvent e = awaitOne(ctx);
        assertEquals(3, e.data());
        assertEquals(-Errno.EFAULT.number(), e.res());
        assertTrue(e.failed());
        assertEquals(Errno.EFAULT.number(), e.errno());
    }

    @Test
    void shouldCompleteWithMinusEfaultForAnUnmappedUserBufferWithDirectIo() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(8192, JaioOpenOption.DIRECT);
        Arena arena = fx.arena();
        Iocb iocb = fx.iocb().prepPread(f.fd(), arena.allocate(4096, 4096), 0).buf(4096L);
        assertEquals(1, ctx.submit(iocb));
        assertEquals(-Errno.EFAULT.number(), awaitOne(ctx).res());
    }

    @Test
    void shouldFailSubmitWithEfaultForAnUnreadableIovecArray() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(4096);
        Arena arena = fx.arena();
        Iocb iocb = fx.iocb().prepPreadv(f.fd(), IoVec.array(arena, List.of(arena.allocate(16))), 1, 0)
                .buf(8L);
        assertErrno(Errno.EFAULT, "io_submit", () -> ctx.submit(iocb));
    }

    @Test
    void shouldFailSubmitWithEinvalForMoreIovecsThanUioMaxiov() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(4096);
        Arena arena = fx.arena();
        MemorySegment iov = arena.allocate(IoVec.LAYOUT, 1025);
        Iocb iocb = fx.iocb().prepPreadv(f.fd(), iov, 1025, 0);
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
    }

    @Test
    void shouldFailSubmitWithEinvalForAnFsyncWithALengthOrOfAPipe() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.openReadWrite("f");
        Pipe pipe = fx.pipe();
        Iocb withLength = fx.iocb().prepFsync(f.fd()).nbytes(1);
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(withLength));
        // A pipe has no fsync file operation.
        Iocb pipeSync = fx.iocb().prepFdsync(pipe.writeFd);
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(pipeSync));
    }

    @Test
    void shouldFailSubmitWithEinvalForPollEventsBeyondSixteenBits() throws Exception {
        AioContext ctx = fx.context(4);
        Pipe pipe = fx.pipe();
        Iocb iocb = fx.iocb().prepPoll(pipe.readFd, 0x10000 | POLLIN);
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(iocb));
        Iocb withOffset = fx.iocb().prepPoll(pipe.readFd, POLLIN).offset(1);
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(withOffset));
    }

    @Test
    void shouldFailSubmitWithEinvalOrEbadfForAResfdThatIsNotAnEventfd() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(4096);
        Pipe pipe = fx.pipe();
        Arena arena = fx.arena();
        MemorySegment buf = arena.allocate(4096);
        Iocb notEventfd = fx.iocb().prepPread(f.fd(), buf, 0).eventFd(pipe.readFd);
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(notEventfd));
        Iocb closedFd = fx.iocb().prepPread(f.fd(), buf, 0).eventFd(-1);
        assertErrno(Errno.EBADF, "io_submit", () -> ctx.submit(closedFd));
    }

    @Test
    void shouldSubmitPartiallyWhenALaterIocbIsBad() throws Exception {
        AioContext ctx = fx.context(8);
        NativeFile f = fx.patternedFile(8192);
        Arena arena = fx.arena();
        MemorySegment buf = arena.allocate(4096);
        Iocb good = fx.iocb().prepPread(f.fd(), buf, 4096).data(1);
        Iocb bad = fx.iocb().prepPread(-1, arena.allocate(4096), 0).data(2);
        Iocb never = fx.iocb().prepPread(f.fd(), arena.allocate(4096), 0).data(3);
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

    @Test
    void shouldFailSubmitWithEagainOnceTheRingIsFullAndSubmitPartiallyBeforeThat() throws Exception {
        AioContext ctx = fx.context(1);
        Pipe pipe = fx.pipe();
        int n = ctx.ringCapacity() * 2 + 10;
        List<Iocb> polls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            polls.add(fx.iocb().prepPoll(pipe.readFd, POLLIN).data(i));
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

    @Test
    void shouldCompleteMoreRequestsThanTheRingHoldsWhenReapedAlong() throws Exception {
        int size = 64 * 1024;
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(size);
        Arena arena = fx.arena();
        int total = ctx.ringCapacity() * 3;
        int blocks = size / 512;
        Map<Long, MemorySegment> buffers = new HashMap<>();
        int submitted = 0;
        int eagain = 0;
        List<IoEvent> events = new ArrayList<>();
        while (events.size() < total) {
            if (submitted < total) {
                MemorySegment buf = arena.allocate(512);
                Iocb iocb = fx.iocb().prepPread(f.fd(), buf, (submitted % blocks) * 512L)
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
