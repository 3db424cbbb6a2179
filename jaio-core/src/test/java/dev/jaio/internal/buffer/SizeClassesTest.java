package dev.jaio.internal.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class SizeClassesTest {
    @Test
    void shouldPickTheSmallestPowerOfTwoClassThatFits() {
        SizeClasses c = new SizeClasses(4096, 9, k -> 2);
        assertEquals(0, c.classOf(0));
        assertEquals(0, c.classOf(4096));
        assertEquals(1, c.classOf(4097));
        assertEquals(8, c.classOf(1 << 20));
        assertEquals(4096L << 8, c.bytes(8));
    }

    @Test
    void shouldKeepAtMostTheIdleLimitAndDropTheRest() {
        SizeClasses c = new SizeClasses(4096, 2, k -> k == 0 ? 1 : 0);
        MemorySegment a = Arena.ofAuto().allocate(4096);
        MemorySegment b = Arena.ofAuto().allocate(4096);
        assertTrue(c.offer(0, a));
        assertFalse(c.offer(0, b), "class 0 keeps one");
        assertFalse(c.offer(1, b), "class 1 keeps none");
        assertSame(a, c.poll(0));
        assertNull(c.poll(0));
        assertTrue(c.offer(0, b), "a polled buffer makes room again");
        c.clear();
        assertNull(c.poll(0));
    }
}
