package dev.jaio.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.internal.linux.AioSigset;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** {@link SignalSet}: the kernel's 64-bit sigset_t and the struct __aio_sigset that points to it. */
class SignalSetTest {
    @Test
    void shouldSetBitNMinusOneForSignalN() {
        assertEquals(0, SignalSet.empty().bits());
        assertEquals(1L, SignalSet.of(1).bits());
        assertEquals(1L << 22, SignalSet.of(23).bits());
        assertEquals(Long.MIN_VALUE, SignalSet.of(64).bits());
        assertEquals((1L << 9) | (1L << 22), SignalSet.of(10, 23, 10).bits());
        assertTrue(SignalSet.of(10, 23).contains(23));
        assertFalse(SignalSet.of(10, 23).contains(22));
        assertSame(SignalSet.empty(), SignalSet.of());
    }

    @Test
    void shouldRefuseSignalNumbersOutsideTheKernelsSet() {
        for (int bad : new int[] {0, -1, 65, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SignalSet.of(1, bad));
            assertTrue(e.getMessage().contains("signal=" + bad), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SignalSet.empty().contains(bad));
        }
    }

    @Test
    void shouldCompareByTheSignalsItHolds() {
        assertEquals(SignalSet.of(2, 15), SignalSet.of(15, 2));
        assertEquals(SignalSet.of(2, 15).hashCode(), SignalSet.of(15, 2).hashCode());
        assertNotEquals(SignalSet.of(2), SignalSet.of(3));
        assertEquals("SignalSet[2, 15]", SignalSet.of(15, 2).toString());
        assertEquals("SignalSet[]", SignalSet.empty().toString());
    }

    @Test
    void shouldHoldAnAioSigsetPointingAtItsOwnMask() {
        SignalSet set = SignalSet.of(10, 64);
        MemorySegment usig = set.aioSigset();
        assertEquals(0, usig.address() % AioSigset.LAYOUT.byteAlignment());
        assertEquals(AioSigset.KERNEL_SIGSET_SIZE, usig.get(ValueLayout.JAVA_LONG, AioSigset.SIGSETSIZE));
        long sigmask = usig.get(ValueLayout.JAVA_LONG, AioSigset.SIGMASK);
        MemorySegment mask = MemorySegment.ofAddress(sigmask).reinterpret(8);
        assertEquals(set.bits(), mask.get(ValueLayout.JAVA_LONG, 0));
        // The mask lies inside the set's own segment, so it lives exactly as long as the set.
        assertTrue(sigmask >= usig.address() && sigmask + 8 <= usig.address() + usig.byteSize());
    }
}
