package dev.jaio.aio;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** {@link IoEventArray}: a reusable native array of {@code struct io_event}. */
class IoEventArrayTest {
    @Test
    void shouldHoldCapacityEventsOf32Bytes() {
        IoEventArray a = IoEventArray.allocate(5);
        assertEquals(5, a.capacity());
        assertEquals(160, a.segment().byteSize());
        assertEquals(0, a.segment().address() % 8);
        try (Arena arena = Arena.ofConfined()) {
            IoEventArray b = IoEventArray.allocate(arena, 1);
            assertEquals(32, b.segment().byteSize());
        }
    }

    @Test
    void shouldRejectACapacityBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> IoEventArray.allocate(0));
        assertThrows(IllegalArgumentException.class, () -> IoEventArray.allocate(-1));
        assertThrows(NullPointerException.class, () -> IoEventArray.allocate(null, 1));
    }

    @Test
    void shouldReadEachFieldOfEachEvent() {
        IoEventArray a = IoEventArray.allocate(3);
        MemorySegment s = a.segment();
        s.set(JAVA_LONG, 64, 11);
        s.set(JAVA_LONG, 72, 22);
        s.set(JAVA_LONG, 80, -33);
        s.set(JAVA_LONG, 88, 44);
        assertEquals(11, a.data(2));
        assertEquals(22, a.obj(2));
        assertEquals(-33, a.res(2));
        assertEquals(44, a.res2(2));
        assertEquals(new IoEvent(11, 22, -33, 44), a.get(2));
        assertEquals(new IoEvent(0, 0, 0, 0), a.get(0));
    }

    @Test
    void shouldRejectAnIndexOutsideTheArray() {
        IoEventArray a = IoEventArray.allocate(2);
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(2));
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> a.data(2));
        assertThrows(IndexOutOfBoundsException.class, () -> a.obj(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> a.res(5));
        assertThrows(IndexOutOfBoundsException.class, () -> a.res2(2));
    }
}
