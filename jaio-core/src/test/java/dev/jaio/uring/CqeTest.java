package dev.jaio.uring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** {@link Cqe} and {@link CqeArray}: the layout of {@code struct io_uring_cqe} and reading it. */
class CqeTest {
    @Test
    void shouldMatchTheKernelsIoUringCqe() {
        assertEquals(16, Cqe.LAYOUT.byteSize());
        assertEquals(0, Cqe.LAYOUT.byteOffset(groupElement("user_data")));
        assertEquals(8, Cqe.LAYOUT.byteOffset(groupElement("res")));
        assertEquals(12, Cqe.LAYOUT.byteOffset(groupElement("flags")));
    }

    @Test
    void shouldReadEveryFieldOfEveryEntry() {
        CqeArray a = CqeArray.allocate(Arena.ofAuto(), 2);
        MemorySegment s = a.segment();
        assertEquals(32, s.byteSize());
        s.set(JAVA_LONG, 16, -2L);
        s.set(JAVA_INT, 24, -22);
        s.set(JAVA_INT, 28, Cqe.F_MORE);
        assertEquals(-2L, a.userData(1));
        assertEquals(-22, a.res(1));
        assertEquals(Cqe.F_MORE, a.flags(1));
        Cqe c = a.get(1);
        assertEquals(new Cqe(-2L, -22, Cqe.F_MORE), c);
        assertTrue(c.failed());
        assertEquals(22, c.errno());
        assertFalse(a.get(0).failed());
        assertEquals(0, a.get(0).errno());
        assertThrows(IndexOutOfBoundsException.class, () -> a.res(2));
        assertThrows(IllegalArgumentException.class, () -> CqeArray.allocate(0));
        assertEquals(2, a.capacity());
    }
}
