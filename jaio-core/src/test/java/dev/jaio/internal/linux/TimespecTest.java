package dev.jaio.internal.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** {@link Timespec}: {@code struct __kernel_timespec}. */
class TimespecTest {
    @Test
    void shouldMatchTheKernelsTimespecLayout() {
        assertEquals(16, Timespec.LAYOUT.byteSize());
        assertEquals(0, Timespec.LAYOUT.byteOffset(groupElement("tv_sec")));
        assertEquals(8, Timespec.LAYOUT.byteOffset(groupElement("tv_nsec")));
        assertEquals(0, Timespec.TV_SEC);
        assertEquals(8, Timespec.TV_NSEC);
    }

    @Test
    void shouldSplitNanosecondsIntoSecondsAndNanoseconds() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(Timespec.LAYOUT);
            long[][] cases = {
                {0, 0, 0},
                {1, 0, 1},
                {999_999_999, 0, 999_999_999},
                {1_000_000_000, 1, 0},
                {1_500_000_000, 1, 500_000_000},
                {Long.MAX_VALUE, Long.MAX_VALUE / 1_000_000_000, Long.MAX_VALUE % 1_000_000_000},
            };
            for (long[] c : cases) {
                Timespec.set(ts, c[0]);
                assertEquals(c[1], ts.get(JAVA_LONG, 0), "tv_sec of " + c[0]);
                assertEquals(c[2], ts.get(JAVA_LONG, 8), "tv_nsec of " + c[0]);
            }
        }
    }

    @Test
    void shouldWriteRawFieldsUnchecked() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(Timespec.LAYOUT);
            Timespec.setRaw(ts, -1, 2_000_000_000L);
            assertEquals(-1, ts.get(JAVA_LONG, 0));
            assertEquals(2_000_000_000L, ts.get(JAVA_LONG, 8));
        }
    }

    @Test
    void shouldTurnATimeoutIntoNanosWithForeverAndNoWait() {
        assertEquals(-1, Timespec.timeoutNanos(null), "null waits for ever");
        assertEquals(0, Timespec.timeoutNanos(java.time.Duration.ZERO));
        assertEquals(0, Timespec.timeoutNanos(java.time.Duration.ofMillis(-5)));
        assertEquals(1_500_000, Timespec.timeoutNanos(java.time.Duration.ofNanos(1_500_000)));
        assertEquals(-1, Timespec.timeoutNanos(java.time.Duration.ofDays(365L * 1000)), "too long for a long");
    }
}
