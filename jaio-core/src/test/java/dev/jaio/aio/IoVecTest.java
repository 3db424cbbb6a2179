package dev.jaio.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

class IoVecTest {
    @Test
    void shouldMatchStructIovecLayout() {
        assertEquals(16, IoVec.LAYOUT.byteSize());
        assertEquals(0, IoVec.BASE);
        assertEquals(8, IoVec.LEN);
    }

    @Test
    void shouldFillOneEntryPerBufferInOrder() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(4096, 4096);
            MemorySegment b = arena.allocate(512, 512);
            MemorySegment c = arena.allocate(8192, 4096);
            MemorySegment iov = IoVec.array(arena, List.of(a, b, c));
            assertEquals(48, iov.byteSize());
            assertEquals(a.address(), iov.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(4096, iov.get(ValueLayout.JAVA_LONG, 8));
            assertEquals(b.address(), iov.get(ValueLayout.JAVA_LONG, 16));
            assertEquals(512, iov.get(ValueLayout.JAVA_LONG, 24));
            assertEquals(c.address(), iov.get(ValueLayout.JAVA_LONG, 32));
            assertEquals(8192, iov.get(ValueLayout.JAVA_LONG, 40));
            assertEquals(4096 + 512 + 8192, IoVec.totalLength(iov, 3));
            assertEquals(4096, IoVec.totalLength(iov, 1));
        }
    }

    @Test
    void shouldRejectHeapBuffers() {
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class,
                    () -> IoVec.array(arena, List.of(MemorySegment.ofArray(new byte[16]))));
        }
    }

    @Test
    void shouldAllocateOneEntryForAnEmptyList() {
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(16, IoVec.array(arena, List.of()).byteSize());
            assertEquals(0, IoVec.totalLength(IoVec.array(arena, List.of()), 0));
        }
    }

    @Test
    void shouldAdvancePastTransferredBytesSkippingAndShorteningEntries() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(100);
            MemorySegment b = arena.allocate(50);
            MemorySegment c = arena.allocate(10);
            MemorySegment iov = IoVec.array(arena, List.of(a, b, c));
            assertEquals(1, IoVec.advance(iov, 0, 3, 120), "a used up, 20 bytes into b");
            assertEquals(b.address() + 20, iov.get(ValueLayout.JAVA_LONG, 16));
            assertEquals(30, iov.get(ValueLayout.JAVA_LONG, 24));
            assertEquals(40, IoVec.totalLength(iov, 3) - 100, "entries from 1 on hold what is left");
            assertEquals(3, IoVec.advance(iov, 1, 3, 40), "everything transferred");
        }
    }
}
