package dev.jaio.internal.linux;

import dev.jaio.testing.TestNatives;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.Errno;
import dev.jaio.aio.IoEvent;
import dev.jaio.aio.Iocb;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Syscalls}: the raw calls return the kernel's answer, a result or {@code -errno}, for the errors
 * that the public API keeps a caller from reaching (a non-zero *ctxp, unreadable out-pointers, unknown
 * context ids).
 */
class SyscallsTest {
    private static final long EINVAL = -Errno.EINVAL.number();
    private static final long EFAULT = -Errno.EFAULT.number();

    @TempDir
    Path dir;

    @Test
    void shouldSetUpAndDestroyAContext() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctxp = arena.allocate(JAVA_LONG);
            assertEquals(0, Syscalls.ioSetup(4, ctxp));
            long ctx = ctxp.get(JAVA_LONG, 0);
            assertNotEquals(0, ctx);
            assertEquals(0, Syscalls.ioDestroy(ctx));
            // The id is no longer known: a second destroy is refused.
            assertEquals(EINVAL, Syscalls.ioDestroy(ctx));
        }
    }

    @Test
    void shouldRefuseSetupWhenCtxpDoesNotHoldZeroOrCannotBeRead() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctxp = arena.allocate(JAVA_LONG);
            ctxp.set(JAVA_LONG, 0, 1);
            assertEquals(EINVAL, Syscalls.ioSetup(4, ctxp));
            assertEquals(EFAULT, Syscalls.ioSetup(4, MemorySegment.ofAddress(8)));
        }
    }

    @Test
    void shouldRefuseUnknownContextIds() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iocb = arena.allocate(Iocb.LAYOUT);
            MemorySegment pointers = arena.allocate(ADDRESS, 1);
            pointers.set(ADDRESS, 0, iocb);
            MemorySegment events = arena.allocate(IoEvent.LAYOUT, 1);
            // 0, an unmapped address, and a mapped one that is not a ring: lookup_ioctx fails for each.
            for (long bogus : new long[] {0, 8, iocb.address()}) {
                assertEquals(EINVAL, Syscalls.ioDestroy(bogus), "io_destroy " + bogus);
                assertEquals(EINVAL, Syscalls.ioSubmit(bogus, 1, pointers.address()), "io_submit " + bogus);
                assertEquals(EINVAL, Syscalls.ioGetevents(bogus, 0, 1, events.address(), 0), "io_getevents " + bogus);
                assertEquals(EINVAL, Syscalls.ioCancel(bogus, iocb.address(), events.address()), "io_cancel " + bogus);
            }
        }
    }

    @Test
    void shouldFailGetEventsWithEfaultForUnreadableTimeoutOrUnwritableEvents() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctxp = arena.allocate(JAVA_LONG);
            assertEquals(0, Syscalls.ioSetup(4, ctxp));
            long ctx = ctxp.get(JAVA_LONG, 0);
            try {
                MemorySegment events = arena.allocate(IoEvent.LAYOUT, 1);
                assertEquals(EFAULT, Syscalls.ioGetevents(ctx, 0, 1, events.address(), 8));
                // An event is ready (POLLOUT on a fresh pipe completes at once): copying it to address 8 fails.
                MemorySegment fds = arena.allocate(JAVA_INT, 2);
                assertEquals(0, TestNatives.pipe2(fds, LibC.O_CLOEXEC));
                try {
                    Iocb poll = Iocb.allocate(arena).prepPoll(fds.getAtIndex(JAVA_INT, 1), 0x4);
                    MemorySegment pointers = arena.allocate(ADDRESS, 1);
                    pointers.set(JAVA_LONG, 0, poll.address());
                    assertEquals(1, Syscalls.ioSubmit(ctx, 1, pointers.address()));
                    assertEquals(EFAULT, Syscalls.ioGetevents(ctx, 1, 1, 8, 0));
                    // The failed copy consumed nothing: the event is still there.
                    MemorySegment ts = arena.allocate(Timespec.LAYOUT);
                    Timespec.set(ts, TimeUnit.SECONDS.toNanos(5));
                    assertEquals(1, Syscalls.ioGetevents(ctx, 1, 1, events.address(), ts.address()));
                    assertEquals(0x4, IoEvent.read(events, 0).res());
                } finally {
                    LibC.close(fds.getAtIndex(JAVA_INT, 0));
                    LibC.close(fds.getAtIndex(JAVA_INT, 1));
                }
            } finally {
                assertEquals(0, Syscalls.ioDestroy(ctx));
            }
        }
    }

    /**
     * io_pgetevents(2), each error the Linux Test Project's io_pgetevents02 checks and the ones fs/aio.c adds:
     * the timeout and the {@code __aio_sigset} are read first (EFAULT), then the mask's size (EINVAL), then
     * the counts and the context (EINVAL), and the events array only once there is an event to copy (EFAULT).
     */
    @Test
    void shouldAnswerIoPgeteventsErrorsAsTheKernelChecksThem() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctxp = arena.allocate(JAVA_LONG);
            assertEquals(0, Syscalls.ioSetup(4, ctxp));
            long ctx = ctxp.get(JAVA_LONG, 0);
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            assertEquals(0, TestNatives.pipe2(fds, LibC.O_CLOEXEC));
            try {
                MemorySegment events = arena.allocate(IoEvent.LAYOUT, 1);
                MemorySegment sigset = arena.allocate(JAVA_LONG);
                MemorySegment usig = arena.allocate(AioSigset.LAYOUT);
                AioSigset.set(usig, sigset.address(), AioSigset.KERNEL_SIGSET_SIZE);
                MemorySegment ts = arena.allocate(Timespec.LAYOUT);
                Timespec.set(ts, 0);
                long e = events.address();
                long t = ts.address();
                long u = usig.address();

                // "invalid ctx": 0, unmapped, and mapped memory that is not a ring.
                for (long bogus : new long[] {0, 8, events.address()}) {
                    assertEquals(EINVAL, Syscalls.ioPgetevents(bogus, 1, 1, e, t, u), "ctx " + bogus);
                }
                // "invalid min_nr", "invalid max_nr", and min_nr > nr.
                assertEquals(EINVAL, Syscalls.ioPgetevents(ctx, -1, 1, e, t, u));
                assertEquals(EINVAL, Syscalls.ioPgetevents(ctx, 1, -1, e, t, u));
                assertEquals(EINVAL, Syscalls.ioPgetevents(ctx, 2, 1, e, t, u));
                // "invalid timeout", "invalid sigmask": the struct itself, or the sigset_t it points to.
                assertEquals(EFAULT, Syscalls.ioPgetevents(ctx, 1, 1, e, 8, u));
                assertEquals(EFAULT, Syscalls.ioPgetevents(ctx, 1, 1, e, t, 8));
                MemorySegment badMask = arena.allocate(AioSigset.LAYOUT);
                AioSigset.set(badMask, 8, AioSigset.KERNEL_SIGSET_SIZE);
                assertEquals(EFAULT, Syscalls.ioPgetevents(ctx, 1, 1, e, t, badMask.address()));
                // A sigsetsize other than the kernel's 8 bytes (glibc's sigset_t is 128) is refused...
                for (long size : new long[] {0, 4, 16, 128}) {
                    MemorySegment badSize = arena.allocate(AioSigset.LAYOUT);
                    AioSigset.set(badSize, sigset.address(), size);
                    assertEquals(EINVAL, Syscalls.ioPgetevents(ctx, 1, 1, e, t, badSize.address()), "size " + size);
                    // ...but only with a mask: set_user_sigmask() returns before the size check for NULL.
                    AioSigset.set(badSize, 0, size);
                    assertEquals(0, Syscalls.ioPgetevents(ctx, 1, 1, e, t, badSize.address()), "NULL, size " + size);
                }
                // Valid so far, nothing ready: 0 events after a zero timeout, with a mask, with none, or usig NULL.
                assertEquals(0, Syscalls.ioPgetevents(ctx, 1, 1, e, t, u));
                assertEquals(0, Syscalls.ioPgetevents(ctx, 1, 1, e, t, 0));

                // "invalid events": an event is ready (POLLOUT on a fresh pipe), and copying it out fails.
                Iocb poll = Iocb.allocate(arena).prepPoll(fds.getAtIndex(JAVA_INT, 1), 0x4).data(9);
                MemorySegment pointers = arena.allocate(ADDRESS, 1);
                pointers.set(JAVA_LONG, 0, poll.address());
                assertEquals(1, Syscalls.ioSubmit(ctx, 1, pointers.address()));
                assertEquals(EFAULT, Syscalls.ioPgetevents(ctx, 1, 1, 0, t, u));
                assertEquals(EFAULT, Syscalls.ioPgetevents(ctx, 1, 1, 8, t, u));
                // As io_pgetevents01: with a valid mask the event comes out, once.
                Timespec.set(ts, TimeUnit.SECONDS.toNanos(5));
                assertEquals(1, Syscalls.ioPgetevents(ctx, 1, 1, e, t, u));
                assertEquals(9, IoEvent.read(events, 0).data());
                assertEquals(0x4, IoEvent.read(events, 0).res());
                Timespec.set(ts, 0);
                assertEquals(0, Syscalls.ioPgetevents(ctx, 0, 1, e, t, u));
            } finally {
                LibC.close(fds.getAtIndex(JAVA_INT, 0));
                LibC.close(fds.getAtIndex(JAVA_INT, 1));
                assertEquals(0, Syscalls.ioDestroy(ctx));
            }
        }
    }

    @Test
    void shouldPassAnUnsignedNrEventsWithoutSignExtension() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctxp = arena.allocate(JAVA_LONG);
            // -1 reaches the kernel as the unsigned int 0xFFFFFFFF: too many events, EINVAL, *ctxp untouched.
            assertEquals(EINVAL, Syscalls.ioSetup(-1, ctxp));
            assertEquals(0, ctxp.get(JAVA_LONG, 0));
        }
    }

    @Test
    void shouldAnswerEnosysForAnUnknownSyscallNumber() {
        assertEquals(-Errno.ENOSYS.number(), Syscalls.syscall(100_000, 0, 0, 0, 0, 0));
    }

    @Test
    void shouldCreateAnEventfdAndRefuseUnknownFlags() {
        long fd = Syscalls.eventfd2(0, 02000000);
        assertTrue(fd >= 0, "eventfd2: " + fd);
        assertEquals(0, LibC.close((int) fd));
        assertEquals(EINVAL, Syscalls.eventfd2(0, 0x40000000));
    }

    @Test
    void shouldReadThisProcesssIoPriority() {
        long ioprio = TestNatives.ioprioGet(TestNatives.IOPRIO_WHO_PROCESS, 0); // the calling thread
        assertTrue(ioprio >= 0, "ioprio_get: " + ioprio);
        assertEquals(EINVAL, TestNatives.ioprioGet(99, 0));
    }

    @Test
    @Timeout(60)
    void shouldCaptureErrnoPerThread() throws Exception {
        // Two threads fail at the same time with different errnos; each must read its own.
        int rounds = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<Integer> einval = () -> {
                for (int i = 0; i < rounds; i++) {
                    assertEquals(EINVAL, Syscalls.ioDestroy(0));
                }
                return rounds;
            };
            Callable<Integer> enosys = () -> {
                for (int i = 0; i < rounds; i++) {
                    assertEquals(-Errno.ENOSYS.number(), Syscalls.syscall(100_000, 0, 0, 0, 0, 0));
                }
                return rounds;
            };
            Future<Integer> a = pool.submit(einval);
            Future<Integer> b = pool.submit(enosys);
            assertEquals(rounds, a.get(50, TimeUnit.SECONDS));
            assertEquals(rounds, b.get(50, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code struct statx}, read by the file layer; checked here against its offsets and a real call. */
    @Test
    void shouldMatchTheKernelsStructStatxLayout() {
        assertEquals(0x100, Statx.LAYOUT.byteSize());
        assertEquals(0x00, Statx.LAYOUT.byteOffset(groupElement("stx_mask")));
        assertEquals(0x04, Statx.LAYOUT.byteOffset(groupElement("stx_blksize")));
        assertEquals(0x08, Statx.LAYOUT.byteOffset(groupElement("stx_attributes")));
        assertEquals(0x10, Statx.LAYOUT.byteOffset(groupElement("stx_nlink")));
        assertEquals(0x1c, Statx.LAYOUT.byteOffset(groupElement("stx_mode")));
        assertEquals(0x20, Statx.LAYOUT.byteOffset(groupElement("stx_ino")));
        assertEquals(0x28, Statx.LAYOUT.byteOffset(groupElement("stx_size")));
        assertEquals(0x80, Statx.LAYOUT.byteOffset(groupElement("stx_rdev_major")));
        assertEquals(0x88, Statx.LAYOUT.byteOffset(groupElement("stx_dev_major")));
        assertEquals(0x90, Statx.LAYOUT.byteOffset(groupElement("stx_mnt_id")));
        assertEquals(0x98, Statx.LAYOUT.byteOffset(groupElement("stx_dio_mem_align")));
        assertEquals(0x9c, Statx.LAYOUT.byteOffset(groupElement("stx_dio_offset_align")));
        assertEquals(0x00, Statx.MASK);
        assertEquals(0x1c, Statx.MODE);
        assertEquals(0x28, Statx.SIZE);
        assertEquals(0x88, Statx.DEV_MAJOR);
        assertEquals(0x8c, Statx.DEV_MINOR);
        assertEquals(0x98, Statx.DIO_MEM_ALIGN);
        assertEquals(0x9c, Statx.DIO_OFFSET_ALIGN);
    }

    @Test
    void shouldReadSizeAndModeOfARealFileWithStatx() throws Exception {
        Path p = Files.write(dir.resolve("f"), new byte[12345]);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Statx.LAYOUT);
            int ret = LibC.statx(LibC.AT_FDCWD, arena.allocateFrom(p.toString()), 0,
                    Statx.STATX_TYPE | Statx.STATX_MODE | Statx.STATX_SIZE, buf);
            assertEquals(0, ret);
            int mask = buf.get(JAVA_INT, Statx.MASK);
            assertEquals(Statx.STATX_SIZE, mask & Statx.STATX_SIZE);
            assertEquals(12345, buf.get(JAVA_LONG, Statx.SIZE));
            assertEquals(Statx.S_IFREG, buf.get(JAVA_SHORT, Statx.MODE) & Statx.S_IFMT);
        }
    }
}
