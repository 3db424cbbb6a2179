package dev.jaio.internal.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct __kernel_timespec}, as io_getevents(2) takes its timeout.
 *
 * {@snippet lang=c :
 * struct __kernel_timespec {
 *     __kernel_time64_t tv_sec;   // seconds
 *     long long         tv_nsec;  // nanoseconds
 * };
 * }
 */
public final class Timespec {
    private Timespec() {
    }

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"),
            ValueLayout.JAVA_LONG.withName("tv_nsec"));

    public static final long TV_SEC = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("tv_sec"));
    public static final long TV_NSEC = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("tv_nsec"));

    /** Writes a non-negative duration in nanoseconds. */
    /**
     * A wait's timeout in nanoseconds as the calls that take a {@link java.time.Duration} mean it: -1
     * (wait for ever) for null or a duration too long for a long, 0 (do not wait) for zero or negative.
     *
     * @param timeout the timeout, or null
     * @return nanoseconds, 0, or -1
     */
    public static long timeoutNanos(java.time.Duration timeout) {
        if (timeout == null) {
            return -1;
        }
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return -1;
        }
    }

    public static void set(MemorySegment ts, long nanos) {
        ts.set(ValueLayout.JAVA_LONG, TV_SEC, nanos / 1_000_000_000L);
        ts.set(ValueLayout.JAVA_LONG, TV_NSEC, nanos % 1_000_000_000L);
    }

    /** Writes the two fields as given, unchecked, so that the kernel's own validation can be observed. */
    public static void setRaw(MemorySegment ts, long seconds, long nanos) {
        ts.set(ValueLayout.JAVA_LONG, TV_SEC, seconds);
        ts.set(ValueLayout.JAVA_LONG, TV_NSEC, nanos);
    }
}
