package dev.jaio.internal.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The libc functions jaio's files need, each returning the kernel's convention: the result, or
 * {@code -errno}. Paths are NUL-terminated native strings supplied by the caller.
 */
public final class LibC {
    private LibC() {
    }

    // open(2) flags common to x86_64 and aarch64; O_DIRECT and O_DIRECTORY differ and live in Arch.
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DSYNC = 010000;
    public static final int O_SYNC = 04010000;
    public static final int O_NOATIME = 01000000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_DIRECT = Arch.current() == Arch.AARCH64 ? 0200000 : 040000;

    public static final int AT_FDCWD = -100;
    public static final int AT_EMPTY_PATH = 0x1000;

    public static final int LOCK_SH = 1;
    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;
    public static final int LOCK_UN = 8;

    /** poll(2) events ({@code <asm-generic/poll.h>}): data to read. An AIO POLL iocb waits for these too. */
    public static final int POLLIN = 0x1;

    public static final long BLKSSZGET = 0x1268;
    public static final long BLKGETSIZE64 = 0x80081272L;

    private static final MethodHandle OPEN = Native.downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), true, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = Native.downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
    private static final MethodHandle PREAD = Native.downcall("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), true);
    private static final MethodHandle PWRITE = Native.downcall("pwrite",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), true);
    private static final MethodHandle PREADV2 = Native.downcall("preadv2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT), true);
    private static final MethodHandle PWRITEV2 = Native.downcall("pwritev2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT), true);
    // The same two calls for RWF_NOWAIT attempts on the caller's thread, which never wait for the disk and
    // so are linked as critical: no thread-state transition, a few tens of nanoseconds less per call. Only
    // transfers up to CRITICAL_MAX use them, so that a long copy never holds off a safepoint for long.
    private static final MethodHandle PREADV2_CRITICAL = Native.downcall("preadv2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT), true,
            Linker.Option.critical(false));
    private static final MethodHandle PWRITEV2_CRITICAL = Native.downcall("pwritev2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT), true,
            Linker.Option.critical(false));
    /** The largest transfer {@link #preadNowait} and {@link #pwriteNowait} make as a critical downcall. */
    public static final long CRITICAL_MAX = 64 << 10;
    /** preadv2(2)/pwritev2(2) flag: fail with EAGAIN rather than wait (linux/fs.h). */
    public static final int RWF_NOWAIT = 0x00000008;
    private static final MethodHandle READ = Native.downcall("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
    private static final MethodHandle WRITE = Native.downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
    private static final MethodHandle FSYNC = Native.downcall("fsync",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
    private static final MethodHandle FDATASYNC = Native.downcall("fdatasync",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
    private static final MethodHandle FTRUNCATE = Native.downcall("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), true);
    private static final MethodHandle FALLOCATE = Native.downcall("fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), true);
    private static final MethodHandle STATX = Native.downcall("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), true);
    private static final MethodHandle FLOCK = Native.downcall("flock",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
    private static final MethodHandle IOCTL = Native.downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), true, Linker.Option.firstVariadicArg(2));

    private static final MethodHandle ALIGNED_ALLOC = Native.downcall("aligned_alloc",
            FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG), false);
    private static final MethodHandle FREE = Native.downcall("free",
            FunctionDescriptor.ofVoid(ADDRESS), false);

    /** open(2). */
    public static int open(MemorySegment path, int flags, int mode) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return (int) Native.result((int) OPEN.invokeExact(e, path, flags, mode), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** close(2). */
    public static int close(int fd) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return (int) Native.result((int) CLOSE.invokeExact(e, fd), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** pread(2). */
    public static long pread(int fd, MemorySegment buf, long count, long offset) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return Native.result((long) PREAD.invokeExact(e, fd, buf, count, offset), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** pwrite(2). */
    public static long pwrite(int fd, MemorySegment buf, long count, long offset) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return Native.result((long) PWRITE.invokeExact(e, fd, buf, count, offset), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** preadv2(2): with flags the RWF_* set; offset -1 uses and moves the file position. */
    public static long preadv2(int fd, MemorySegment iov, int iovcnt, long offset, int flags) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return Native.result((long) PREADV2.invokeExact(e, fd, iov, iovcnt, offset, flags), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** pwritev2(2). */
    public static long pwritev2(int fd, MemorySegment iov, int iovcnt, long offset, int flags) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return Native.result((long) PWRITEV2.invokeExact(e, fd, iov, iovcnt, offset, flags), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * preadv2(2) with {@link #RWF_NOWAIT} of {@code count} bytes into {@code buf} from {@code bufOffset},
     * through a one-entry iovec in the calling thread's scratch.
     *
     * <p>The kernel gets the address of native memory: the caller guarantees that nothing can free
     * {@code buf}'s memory during the call (it is only freed by the garbage collector, or confined to
     * the calling thread), and this method keeps {@code buf} reachable until the call returns.
     *
     * @return bytes read (0 at end of file), or {@code -errno}: {@code -EAGAIN} when the data is not all
     *         in the page cache, {@code -EOPNOTSUPP} where the file does not support RWF_NOWAIT
     */
    public static long preadNowait(int fd, MemorySegment buf, long bufOffset, long count, long offset) {
        try (ThreadScratch s = ThreadScratch.acquire()) {
            return nowait(s, PREADV2_CRITICAL, PREADV2, fd, buf, bufOffset, count, offset);
        }
    }

    /** As {@link #preadNowait}, with pwritev2(2): the bytes written, or {@code -errno}. */
    public static long pwriteNowait(int fd, MemorySegment buf, long bufOffset, long count, long offset) {
        try (ThreadScratch s = ThreadScratch.acquire()) {
            return nowait(s, PWRITEV2_CRITICAL, PWRITEV2, fd, buf, bufOffset, count, offset);
        }
    }

    /**
     * As {@link #preadNowait}, with the iovec and errno capture of {@code scratch}, which the caller holds
     * (a transfer that also stages through it borrows one block, not two).
     *
     * @return bytes read (0 at end of file), or {@code -errno}
     */
    public static long preadNowait(ThreadScratch scratch, int fd, MemorySegment buf, long bufOffset, long count,
                                   long offset) {
        return nowait(scratch, PREADV2_CRITICAL, PREADV2, fd, buf, bufOffset, count, offset);
    }

    /** As {@link #preadNowait(ThreadScratch, int, MemorySegment, long, long, long)}, with pwritev2(2). */
    public static long pwriteNowait(ThreadScratch scratch, int fd, MemorySegment buf, long bufOffset, long count,
                                    long offset) {
        return nowait(scratch, PWRITEV2_CRITICAL, PWRITEV2, fd, buf, bufOffset, count, offset);
    }

    /**
     * preadv2(2) with {@link #RWF_NOWAIT} over {@code iovcnt} iovecs at {@code iov}, which the caller
     * filled with addresses of memory nothing can free during the call (see {@link #preadNowait}); the
     * caller keeps the buffers reachable until this returns.
     *
     * @return bytes read (0 at end of file), or {@code -errno}
     */
    public static long preadvNowait(int fd, MemorySegment iov, int iovcnt, long offset, long count) {
        return nowaitVector(PREADV2_CRITICAL, PREADV2, fd, iov, iovcnt, offset, count);
    }

    /** As {@link #preadvNowait}, with pwritev2(2): the bytes written, or {@code -errno}. */
    public static long pwritevNowait(int fd, MemorySegment iov, int iovcnt, long offset, long count) {
        return nowaitVector(PWRITEV2_CRITICAL, PWRITEV2, fd, iov, iovcnt, offset, count);
    }

    private static long nowaitVector(MethodHandle critical, MethodHandle plain, int fd, MemorySegment iov,
                                     int iovcnt, long offset, long count) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            long r = count <= CRITICAL_MAX
                    ? (long) critical.invokeExact(e, fd, iov, iovcnt, offset, RWF_NOWAIT)
                    : (long) plain.invokeExact(e, fd, iov, iovcnt, offset, RWF_NOWAIT);
            return Native.result(r, e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static long nowait(ThreadScratch s, MethodHandle critical, MethodHandle plain, int fd,
                               MemorySegment buf, long bufOffset, long count, long offset) {
        if (!buf.isNative()) {
            throw new IllegalArgumentException("a RWF_NOWAIT transfer needs native memory: buf=" + buf);
        }
        java.util.Objects.checkFromIndexSize(bufOffset, count, buf.byteSize());
        try {
            MemorySegment iov = s.iovec;
            iov.set(JAVA_LONG, 0, buf.address() + bufOffset);
            iov.set(JAVA_LONG, 8, count);
            MemorySegment e = s.errno;
            long r = count <= CRITICAL_MAX
                    ? (long) critical.invokeExact(e, fd, iov, 1, offset, RWF_NOWAIT)
                    : (long) plain.invokeExact(e, fd, iov, 1, offset, RWF_NOWAIT);
            return Native.result(r, e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            java.lang.ref.Reference.reachabilityFence(buf);
        }
    }

    /** read(2). */
    public static long read(int fd, MemorySegment buf, long count) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return Native.result((long) READ.invokeExact(e, fd, buf, count), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** write(2). */
    public static long write(int fd, MemorySegment buf, long count) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return Native.result((long) WRITE.invokeExact(e, fd, buf, count), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** fsync(2). */
    public static int fsync(int fd) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return (int) Native.result((int) FSYNC.invokeExact(e, fd), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** fdatasync(2). */
    public static int fdatasync(int fd) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return (int) Native.result((int) FDATASYNC.invokeExact(e, fd), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** ftruncate(2). */
    public static int ftruncate(int fd, long length) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return (int) Native.result((int) FTRUNCATE.invokeExact(e, fd, length), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** fallocate(2). */
    public static int fallocate(int fd, int mode, long offset, long length) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return (int) Native.result((int) FALLOCATE.invokeExact(e, fd, mode, offset, length), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** statx(2). */
    public static int statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statx) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return (int) Native.result((int) STATX.invokeExact(e, dirfd, path, flags, mask, statx), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** flock(2). */
    public static int flock(int fd, int operation) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return (int) Native.result((int) FLOCK.invokeExact(e, fd, operation), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** ioctl(2) with a pointer argument. */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return (int) Native.result((int) IOCTL.invokeExact(e, fd, request, arg), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * aligned_alloc(3): {@code size} bytes (a multiple of {@code alignment}) of malloc memory, which only
     * {@link #free} releases; {@link MemorySegment#NULL} when there is none. The memory is not counted
     * against {@code -XX:MaxDirectMemorySize}, as the JDK's own temporary buffers are not.
     */
    public static MemorySegment alignedAlloc(long alignment, long size) {
        try {
            return (MemorySegment) ALIGNED_ALLOC.invokeExact(alignment, size);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** free(3) of memory from {@link #alignedAlloc}. */
    public static void free(MemorySegment pointer) {
        try {
            FREE.invokeExact(pointer);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
