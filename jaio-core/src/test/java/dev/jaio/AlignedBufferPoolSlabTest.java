package dev.jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The slab hook of {@link AlignedBufferPool} that an io_uring engine registers with its rings. */
class AlignedBufferPoolSlabTest {
    private static boolean inside(MemorySegment slab, MemorySegment s) {
        return s.address() >= slab.address() && s.address() + s.byteSize() <= slab.address() + slab.byteSize();
    }

    @Test
    void buffersShouldBeCutFromTheSlabAlignedUntilItIsUsedUp() {
        AlignedBufferPool pool = new AlignedBufferPool(4096, 1 << 16, 0);
        MemorySegment slab = pool.reserveSlab(5 * 4096 + 1);
        assertEquals(6 * 4096, slab.byteSize(), "rounded up to the alignment");
        assertSame(slab, pool.reserveSlab(1 << 20), "one slab per pool");
        AlignedBufferPool.Buffer a = pool.acquire(100);      // 4 KiB class
        AlignedBufferPool.Buffer b = pool.acquire(8192);     // 8 KiB class
        AlignedBufferPool.Buffer c = pool.acquire(4096);
        for (AlignedBufferPool.Buffer x : new AlignedBufferPool.Buffer[] {a, b, c}) {
            assertTrue(inside(slab, x.segment()), "from the slab: " + x.segment());
            assertEquals(0, x.segment().address() % 4096, "aligned");
        }
        AlignedBufferPool.Buffer d = pool.acquire(8192);     // 16 KiB used: 8 KiB more fits in 24
        assertTrue(inside(slab, d.segment()));
        AlignedBufferPool.Buffer e = pool.acquire(4096);     // the slab is used up now
        assertFalse(inside(slab, e.segment()), "past the slab, memory of its own");
        e.close();
    }

    @Test
    void slabBuffersShouldBeKeptWhateverMaxPerClassSays() {
        AlignedBufferPool pool = new AlignedBufferPool(4096, 1 << 16, 0);
        MemorySegment slab = pool.reserveSlab(4096);
        AlignedBufferPool.Buffer a = pool.acquire(4096);
        long address = a.segment().address();
        a.close();
        AlignedBufferPool.Buffer again = pool.acquire(4096);
        assertEquals(address, again.segment().address(), "the slab's piece came back, though maxPerClass=0");
        assertTrue(inside(slab, again.segment()));
    }

    @Test
    void closeHooksShouldRunOnceAndAtOnceOnAClosedPool() {
        AlignedBufferPool pool = new AlignedBufferPool();
        AtomicInteger runs = new AtomicInteger();
        pool.onClose(runs::incrementAndGet);
        pool.close();
        pool.close();
        assertEquals(1, runs.get());
        pool.onClose(runs::incrementAndGet);
        assertEquals(2, runs.get(), "a hook added after close runs at once");
    }
}
