package dev.jaio.internal.linux;

/**
 * The io_uring syscalls, made through libc's {@code syscall(2)} with no liburing: io_uring_setup(2),
 * io_uring_enter(2) and io_uring_register(2).
 *
 * <p>As in {@link Syscalls}, each method returns the kernel's answer, a non-negative result or
 * {@code -errno}, and passes its arguments through unchanged ({@code unsigned int}s widened without sign
 * extension) so that the kernel validates them. io_uring_enter takes six arguments and goes through
 * {@link Syscalls#syscall6}.
 */
public final class UringSyscalls {
    private UringSyscalls() {
    }

    private static final Arch ARCH = Arch.current();

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
        return Syscalls.syscall6(ARCH.ioUringEnter, Integer.toUnsignedLong(fd), Integer.toUnsignedLong(toSubmit),
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
