package dev.jaio.internal.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** {@link AioSigset}: {@code struct __aio_sigset} of fs/aio.c, a pointer and a {@code size_t}. */
class AioSigsetTest {
    @Test
    void shouldLayOutAPointerThenASize() {
        assertEquals(16, AioSigset.LAYOUT.byteSize());
        assertEquals(8, AioSigset.LAYOUT.byteAlignment());
        assertEquals(0, AioSigset.LAYOUT.byteOffset(groupElement("sigmask")));
        assertEquals(8, AioSigset.LAYOUT.byteOffset(groupElement("sigsetsize")));
        assertEquals(8, AioSigset.LAYOUT.select(groupElement("sigmask")).byteSize());
        assertEquals(0, AioSigset.SIGMASK);
        assertEquals(8, AioSigset.SIGSETSIZE);
        // _NSIG is 64 on x86_64 and aarch64: the kernel's sigset_t is one 64-bit word.
        assertEquals(8, AioSigset.KERNEL_SIGSET_SIZE);
    }

    @Test
    void shouldWriteBothFieldsAsGiven() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment usig = arena.allocate(AioSigset.LAYOUT);
            AioSigset.set(usig, 0x1234_5678_9abcL, 3);
            assertEquals(0x1234_5678_9abcL, usig.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(3, usig.get(ValueLayout.JAVA_LONG, 8));
        }
    }
}
