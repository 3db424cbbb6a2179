package dev.jaio.aio;

import dev.jaio.Errno;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** {@link IoEvent}: the {@code struct io_event} layout and the result accessors. */
class IoEventTest {
    @Test
    void shouldMatchTheKernelsStructIoEventLayout() {
        assertEquals(32, IoEvent.LAYOUT.byteSize());
        assertEquals(8, IoEvent.LAYOUT.byteAlignment());
        assertEquals(0, IoEvent.LAYOUT.byteOffset(groupElement("data")));
        assertEquals(8, IoEvent.LAYOUT.byteOffset(groupElement("obj")));
        assertEquals(16, IoEvent.LAYOUT.byteOffset(groupElement("res")));
        assertEquals(24, IoEvent.LAYOUT.byteOffset(groupElement("res2")));
        assertEquals(0, IoEvent.DATA);
        assertEquals(8, IoEvent.OBJ);
        assertEquals(16, IoEvent.RES);
        assertEquals(24, IoEvent.RES2);
    }

    @Test
    void shouldReadTheIndexedEventOfAnArray() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(IoEvent.LAYOUT, 3);
            for (int i = 0; i < 3; i++) {
                events.set(JAVA_LONG, i * 32L, 100 + i);
                events.set(JAVA_LONG, i * 32L + 8, 200 + i);
                events.set(JAVA_LONG, i * 32L + 16, -i);
                events.set(JAVA_LONG, i * 32L + 24, 300 + i);
            }
            assertEquals(new IoEvent(100, 200, 0, 300), IoEvent.read(events, 0));
            assertEquals(new IoEvent(102, 202, -2, 302), IoEvent.read(events, 2));
        }
    }

    @Test
    void shouldReportANegatedErrnoAsAFailure() {
        IoEvent eio = new IoEvent(0, 0, -Errno.EIO.number(), 0);
        assertTrue(eio.failed());
        assertEquals(5, eio.errno());
        IoEvent ok = new IoEvent(0, 0, 4096, 0);
        assertFalse(ok.failed());
        assertEquals(0, ok.errno());
        IoEvent eof = new IoEvent(0, 0, 0, 0);
        assertFalse(eof.failed());
        assertEquals(0, eof.errno());
        // The kernel's errno range ends at 4095 (MAX_ERRNO); below that res is not an errno.
        assertEquals(4095, new IoEvent(0, 0, -4095, 0).errno());
        IoEvent odd = new IoEvent(0, 0, -4096, 0);
        assertTrue(odd.failed());
        assertEquals(0, odd.errno());
        assertEquals(0, new IoEvent(0, 0, Long.MIN_VALUE, 0).errno());
    }

    @Test
    void shouldCompareByValue() {
        assertEquals(new IoEvent(1, 2, 3, 4), new IoEvent(1, 2, 3, 4));
        assertEquals(new IoEvent(1, 2, 3, 4).hashCode(), new IoEvent(1, 2, 3, 4).hashCode());
    }
}
