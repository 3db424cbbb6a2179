package dev.jaio.internal.linux;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The kernel AIO syscalls, made through libc's {@code syscall(2)} with no libaio.
 *
 * <p>Each method returns the kernel's answer: a non-negative result, or {@code -errno}. Arguments
 * pass through unchanged (an {@code unsigned int} is widened without sign extension first), so
 * the kernel validates them and its answer is the contract.
 */
public final class Syscalls {
    private Syscalls() {
    }

    /** {@code long syscall(long number, ...)}: the number, then five variadic longs. */
    private static final MethodHandle SYSCALL = Native.downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            true, Linker.Option.firstVariadicArg(1));

    /** The same with six variadic longs, for the calls that take six arguments (io_pgetevents). */
    private static final MethodHandle SYSCALL6 = Native.downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG),
            true, Linker.Option.firstVariadicArg(1));

    private static final Arch ARCH = Arch.current();

    /** A raw syscall with up to five arguments; unused ones are ignored by the kernel. */
    public static long syscall(long number, long a1, long a2, long a3, long a4, long a5) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment capture = scratch.errno;
            long ret = (long) SYSCALL.invokeExact(capture, number, a1, a2, a3, a4, a5);
            return Native.result(ret, capture);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** A raw syscall with six arguments. */
    public static long syscall6(long number, long a1, long a2, long a3, long a4, long a5, long a6) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment capture = scratch.errno;
            long ret = (long) SYSCALL6.invokeExact(capture, number, a1, a2, a3, a4, a5, a6);
            return Native.result(ret, capture);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** io_setup(2): {@code long io_setup(unsigned nr_events, aio_context_t *ctxp)}. */
    public static long ioSetup(int nrEvents, MemorySegment ctxp) {
        return syscall(ARCH.ioSetup, Integer.toUnsignedLong(nrEvents), ctxp.address(), 0, 0, 0);
    }

    /** io_destroy(2): {@code long io_destroy(aio_context_t ctx)}. */
    public static long ioDestroy(long ctx) {
        return syscall(ARCH.ioDestroy, ctx, 0, 0, 0, 0);
    }

    /** io_submit(2): {@code long io_submit(aio_context_t ctx, long nr, struct iocb **iocbpp)}. */
    public static long ioSubmit(long ctx, long nr, long iocbpp) {
        return syscall(ARCH.ioSubmit, ctx, nr, iocbpp, 0, 0);
    }

    /** io_cancel(2): {@code long io_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *result)}. */
    public static long ioCancel(long ctx, long iocb, long result) {
        return syscall(ARCH.ioCancel, ctx, iocb, result, 0, 0);
    }

    /**
     * io_getevents(2): {@code long io_getevents(aio_context_t ctx, long min_nr, long nr,
     * struct io_event *events, struct __kernel_timespec *timeout)}; a zero {@code timeout} address
     * waits without limit.
     */
    public static long ioGetevents(long ctx, long minNr, long nr, long events, long timeout) {
        return syscall(ARCH.ioGetevents, ctx, minNr, nr, events, timeout);
    }

    /**
     * io_pgetevents(2), Linux 4.18: {@code long io_pgetevents(aio_context_t ctx, long min_nr, long nr,
     * struct io_event *events, struct __kernel_timespec *timeout, const struct __aio_sigset *usig)};
     * {@code usig} is the address of an {@link AioSigset}, or 0 for io_getevents(2)'s behaviour.
     */
    public static long ioPgetevents(long ctx, long minNr, long nr, long events, long timeout, long usig) {
        return syscall6(ARCH.ioPgetevents, ctx, minNr, nr, events, timeout, usig);
    }

    /** eventfd2(2): {@code int eventfd2(unsigned int initval, int flags)}. */
    public static long eventfd2(int initval, int flags) {
        return syscall(ARCH.eventfd2, Integer.toUnsignedLong(initval), flags, 0, 0, 0);
    }
}
