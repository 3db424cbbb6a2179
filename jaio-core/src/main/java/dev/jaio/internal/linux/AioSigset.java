package dev.jaio.internal.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct __aio_sigset}, the signal mask argument of io_pgetevents(2), and the kernel's
 * {@code sigset_t} it points to.
 *
 * {@snippet lang=c :
 * struct __aio_sigset {
 *     const sigset_t *sigmask;     // NULL: leave the thread's mask as it is
 *     size_t          sigsetsize;  // must be sizeof(sigset_t) of the kernel: _NSIG / 8 = 8
 * };
 * }
 *
 * <p>The struct is declared in the kernel's {@code fs/aio.c} (the UAPI headers do not carry it); the
 * kernel's {@code sigset_t} is {@code _NSIG} = 64 bits on x86_64 and aarch64, one word, bit {@code n - 1}
 * for signal {@code n}. It is not glibc's 1024-bit {@code sigset_t}: the kernel refuses any other
 * {@code sigsetsize} with EINVAL.
 */
public final class AioSigset {
    private AioSigset() {
    }

    /** The kernel's {@code sizeof(sigset_t)} on x86_64 and aarch64, in bytes. */
    public static final long KERNEL_SIGSET_SIZE = 8;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("sigmask"),
            ValueLayout.JAVA_LONG.withName("sigsetsize")).withName("__aio_sigset");

    public static final long SIGMASK = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sigmask"));
    public static final long SIGSETSIZE = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sigsetsize"));

    /**
     * Writes the two fields as given, unchecked, so that the kernel's own validation can be observed.
     *
     * @param usig       a segment of at least {@link #LAYOUT}'s size
     * @param sigmask    the address of a {@code sigset_t}, or 0
     * @param sigsetsize the size the kernel is told it has
     */
    public static void set(MemorySegment usig, long sigmask, long sigsetsize) {
        usig.set(ValueLayout.JAVA_LONG, SIGMASK, sigmask);
        usig.set(ValueLayout.JAVA_LONG, SIGSETSIZE, sigsetsize);
    }
}
