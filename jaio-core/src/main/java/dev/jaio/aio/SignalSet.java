package dev.jaio.aio;

import dev.jaio.internal.linux.AioSigset;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An immutable set of signals, as the kernel's 64-bit {@code sigset_t}: the mask that
 * {@link AioContext#getEvents(int, int, java.time.Duration, SignalSet)} installs for the duration of an
 * io_pgetevents(2) wait.
 *
 * <p>Signals are numbered as in {@code signal(7)}: 1 ({@code SIGHUP}) to 64 ({@code SIGRTMAX} on x86_64
 * and aarch64); signal {@code n} is bit {@code n - 1} of {@link #bits()}. The kernel never blocks
 * {@code SIGKILL} (9) or {@code SIGSTOP} (19): a set may hold them, and the kernel ignores them there.
 *
 * <p>A set keeps its own native copy of the mask and of the {@code struct __aio_sigset} that points to
 * it, written once when the set is made, so a call with a mask allocates nothing; any number of threads
 * may pass the same set at once, since the kernel only reads it.
 */
public final class SignalSet {
    /** The highest signal number of the kernel's {@code sigset_t} ({@code _NSIG}) on x86_64 and aarch64. */
    public static final int MAX_SIGNAL = 64;

    private static final SignalSet EMPTY = new SignalSet(0L);

    private final long bits;
    /** A {@code struct __aio_sigset} followed by the {@code sigset_t} its {@code sigmask} points to. */
    private final MemorySegment aioSigset;

    private SignalSet(long bits) {
        this.bits = bits;
        MemorySegment both = Arena.ofAuto().allocate(AioSigset.LAYOUT.byteSize() + AioSigset.KERNEL_SIGSET_SIZE,
                AioSigset.LAYOUT.byteAlignment());
        MemorySegment sigset = both.asSlice(AioSigset.LAYOUT.byteSize(), AioSigset.KERNEL_SIGSET_SIZE);
        sigset.set(ValueLayout.JAVA_LONG, 0, bits);
        AioSigset.set(both, sigset.address(), AioSigset.KERNEL_SIGSET_SIZE);
        this.aioSigset = both;
    }

    /**
     * The empty set: as an io_pgetevents(2) mask, it blocks no signal during the wait.
     *
     * @return the set without signals
     */
    public static SignalSet empty() {
        return EMPTY;
    }

    /**
     * The set of the given signals.
     *
     * @param signals signal numbers from 1 to {@link #MAX_SIGNAL}; repetitions are allowed
     * @return the set holding exactly those signals
     * @throws IllegalArgumentException if a number is outside 1 to {@link #MAX_SIGNAL}
     */
    public static SignalSet of(int... signals) {
        long bits = 0;
        for (int signal : signals) {
            bits |= bit(signal);
        }
        return bits == 0 ? EMPTY : new SignalSet(bits);
    }

    /**
     * Whether the set holds {@code signal}.
     *
     * @param signal a signal number from 1 to {@link #MAX_SIGNAL}
     * @return true if the signal is in the set
     * @throws IllegalArgumentException if the number is outside 1 to {@link #MAX_SIGNAL}
     */
    public boolean contains(int signal) {
        return (bits & bit(signal)) != 0;
    }

    /**
     * The kernel's {@code sigset_t} word: bit {@code n - 1} is set when signal {@code n} is in the set.
     *
     * @return the mask as the kernel reads it
     */
    public long bits() {
        return bits;
    }

    /**
     * The {@code struct __aio_sigset} to pass to io_pgetevents(2).
     *
     * @return a segment that stays allocated as long as this set is reachable
     */
    MemorySegment aioSigset() {
        return aioSigset;
    }

    private static long bit(int signal) {
        if (signal < 1 || signal > MAX_SIGNAL) {
            throw new IllegalArgumentException("signal must be from 1 to " + MAX_SIGNAL + ": signal=" + signal);
        }
        return 1L << (signal - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignalSet other && other.bits == bits;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bits);
    }

    /** The signal numbers, such as {@code SignalSet[10, 23]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SignalSet[");
        for (int s = 1; s <= MAX_SIGNAL; s++) {
            if ((bits & (1L << (s - 1))) != 0) {
                sb.append(sb.length() > 10 ? ", " : "").append(s);
            }
        }
        return sb.append(']').toString();
    }
}
