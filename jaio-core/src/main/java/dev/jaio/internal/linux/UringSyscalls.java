package dev.jaio.internal.linux;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The io_uring syscalls, made through libc's {@code syscall(2)} with no liburing: io_uring_setup(2),
 * io_uring_enter(2) and io_uring_register(2).
 *
 * <p>As in {@link Syscalls}, each method returns the kernel's answer, a non-negative result or
 * {@code -errno}, and passes its arguments through unchanged ({@code unsigned int}s widened without sign
 * extension) so that the kernel validates them. io_uring_enter takes six arguments, one more than
 * {@link Syscalls#syscall} passes, so this class binds {@code syscall} with six variadic longs.
 */
public final class UringSyscalls {
    private UringSyscalls() {
    }

    /** {@code long syscall(long number, ...)}: the number, then six variadic longs. */
    private static final MethodHandle SYSCALL6 = Native.downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG),
            true, Linker.Option.firstVariadicArg(1));

    private static final Arch ARCH = Arch.current();

    /**
     * A raw syscall with up to six arguments; unused ones are ignored by the kernel.
     *
     * @param number the syscall's number
     * @param a1     the first argument
     * @param a2     the second
     * @param a3     the third
     * @param a4     the fourth
     * @param a5     the fifth
     * @param a6     the sixth
     * @return the result, or {@code -errno}
     */
    public static long syscall6(long number, long a1, long a2, long a3, long a4, long a5, long a6) {
        MemorySegment capture = ThreadScratch.get().errno;
        try {
            long ret = (long) SYSCALL6.invokeExact(capture, number, a1, a2, a3, a4, a5, a6);
            return Native.result(ret, capture);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * io_uring_setup(2): {@code int io_uring_setup(u32 entries, struct io_uring_params *p)}.
     *
     * @param entries the SQ size
     * @param params  the address of a {@code struct io_uring_params}
     * @return the ring's descriptor, or {@code -errno}
     */
    public static long ioUringSetup(int entries, long params) {
        return Syscalls.syscall(ARCH.ioUringSetup, Integer.toUnsignedLong(entries), params, 0, 0, 0);
    }

    /**
     * io_uring_enter(2): {@code int io_uring_enter(unsigned int fd, unsigned int to_submit,
     * unsigned int min_complete, unsigned int flags, const void *arg, size_t argsz)}; with
     * {@code IORING_ENTER_EXT_ARG}, {@code arg} is a {@code struct io_uring_getevents_arg}, otherwise a
     * signal mask of {@code argsz} bytes (or 0).
     *
     * @param fd          the ring
     * @param toSubmit    how many SQEs to submit
     * @param minComplete how many completions to wait for, with {@code IORING_ENTER_GETEVENTS}
     * @param flags       {@code IORING_ENTER_*}
     * @param arg         the argument's address, or 0
     * @param argsz       its size
     * @return how many SQEs were consumed, or {@code -errno}
     */
    public static long ioUringEnter(int fd, int toSubmit, int minComplete, int flags, long arg, long argsz) {
        return syscall6(ARCH.ioUringEnter, Integer.toUnsignedLong(fd), Integer.toUnsignedLong(toSubmit),
                Integer.toUnsignedLong(minComplete), Integer.toUnsignedLong(flags), arg, argsz);
    }

    /**
     * io_uring_register(2): {@code int io_uring_register(unsigned int fd, unsigned int opcode, void *arg,
     * unsigned int nr_args)}.
     *
     * @param fd     the ring
     * @param opcode {@code IORING_REGISTER_*}
     * @param arg    the argument's address, or 0
     * @param nrArgs how many items {@code arg} holds
     * @return the opcode's result, or {@code -errno}
     */
    public static long ioUringRegister(int fd, int opcode, long arg, int nrArgs) {
        return Syscalls.syscall(ARCH.ioUringRegister, Integer.toUnsignedLong(fd), Integer.toUnsignedLong(opcode),
                arg, Integer.toUnsignedLong(nrArgs), 0);
    }
}
