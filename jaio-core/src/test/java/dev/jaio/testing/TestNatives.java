package dev.jaio.testing;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jaio.internal.linux.Arch;
import dev.jaio.internal.linux.Native;
import dev.jaio.internal.linux.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Native calls that only tests make: they set up what a test needs (a pipe, a cold page cache) or read
 * back what the kernel recorded (an I/O priority), and have no place in jaio's main code. Each returns
 * the kernel's convention, as {@code dev.jaio.internal.linux.LibC} does: the result, or {@code -errno}.
 */
public final class TestNatives {
    private TestNatives() {
    }

    /** posix_fadvise(2) advice: drop the range's clean pages from the page cache. */
    public static final int POSIX_FADV_DONTNEED = 4;
    /** ioprio_get(2)/ioprio_set(2) {@code which}: {@code who} is a thread id, 0 the calling thread. */
    public static final int IOPRIO_WHO_PROCESS = 1;

    private static final MethodHandle PIPE2 = Native.downcall("pipe2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), true);
    // posix_fadvise returns the error number itself and leaves errno alone: no capture.
    private static final MethodHandle POSIX_FADVISE = Native.downcall("posix_fadvise",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), false);
    private static final VarHandle ERRNO = Native.CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno"));

    /**
     * pipe2(2).
     *
     * @param fds receives the read and the write end, two ints
     * @param flags {@code O_CLOEXEC}, {@code O_NONBLOCK}, ...
     * @return 0, or {@code -errno}
     */
    public static int pipe2(MemorySegment fds, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(Native.CAPTURE_LAYOUT);
            int ret = (int) PIPE2.invokeExact(capture, fds, flags);
            return ret == -1 ? -(int) ERRNO.get(capture, 0L) : ret;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * posix_fadvise(2), for example {@link #POSIX_FADV_DONTNEED} to drop a file's cached pages. libc
     * returns the error number rather than setting errno; this returns it negated.
     *
     * @param fd an open file
     * @param offset the start of the range
     * @param length the length of the range, 0 for "to the end of the file"
     * @param advice a {@code POSIX_FADV_*} value
     * @return 0, or {@code -errno}
     */
    public static int posixFadvise(int fd, long offset, long length, int advice) {
        try {
            return -(int) POSIX_FADVISE.invokeExact(fd, offset, length, advice);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * ioprio_get(2): {@code int ioprio_get(int which, int who)}.
     *
     * @param which an {@code IOPRIO_WHO_*} value
     * @param who the process, group or user, 0 for the caller's
     * @return the ioprio value, or {@code -errno}
     */
    public static long ioprioGet(int which, int who) {
        return Syscalls.syscall(Arch.current().ioprioGet, which, who, 0, 0, 0);
    }

    /**
     * ioprio_set(2): {@code int ioprio_set(int which, int who, int ioprio)}.
     *
     * @param which an {@code IOPRIO_WHO_*} value
     * @param who the process, group or user, 0 for the caller's
     * @param ioprio the ioprio value to set
     * @return 0, or {@code -errno}
     */
    public static long ioprioSet(int which, int who, int ioprio) {
        return Syscalls.syscall(Arch.current().ioprioSet, which, who, ioprio, 0, 0);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected checked exception from a downcall", t);
    }
}
