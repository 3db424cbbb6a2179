package dev.jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AlignedBufferPoolTest {
    @ParameterizedTest
    @ValueSource(ints = {512, 4096, 65536})
    void shouldAlignEveryBuffer(int alignment) {
        try (AlignedBufferPool pool = new AlignedBufferPool(alignment, 1 << 20, 8)) {
            assertEquals(alignment, pool.alignment());
            List<AlignedBufferPool.Buffer> held = new ArrayList<>();
            for (long size : new long[] {0, 1, 100, alignment - 1, alignment, alignment + 1, 3L * alignment,
                    1 << 20, (1 << 20) + 1, 3 << 20}) {
                AlignedBufferPool.Buffer b = pool.acquire(size);
                held.add(b);
                assertEquals(size, b.segment().byteSize(), "segment is sliced to the size asked for");
                assertEquals(0, b.segment().address() % alignment, "size=" + size + " address=" + b.segment().address());
                assertTrue(b.segment().isNative());
            }
            assertEquals(held.size(), pool.outstanding());
            held.forEach(AlignedBufferPool.Buffer::close);
            assertEquals(0, pool.outstanding());
        }
    }

    @Test
    void shouldRejectBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new AlignedBufferPool(3000, 1 << 20, 1));
        assertThrows(IllegalArgumentException.class, () -> new AlignedBufferPool(4096, 1024, 1));
        assertThrows(IllegalArgumentException.class, () -> new AlignedBufferPool(4096, 1 << 20, -1));
        try (AlignedBufferPool pool = new AlignedBufferPool()) {
            assertThrows(IllegalArgumentException.class, () -> pool.acquire(-1));
        }
    }

    @Test
    void shouldHandTheSameMemoryBackAfterRelease() {
        try (AlignedBufferPool pool = new AlignedBufferPool(4096, 1 << 20, 8)) {
            AlignedBufferPool.Buffer a = pool.acquire(5000);
            long address = a.segment().address();
            a.close();
            a.close(); // idempotent: released once
            assertEquals(0, pool.outstanding());
            long allocated = pool.allocatedBytes();
            AlignedBufferPool.Buffer b = pool.acquire(8000); // same 8192 size class
            assertEquals(address, b.segment().address());
            assertEquals(8000, b.segment().byteSize());
            assertEquals(allocated, pool.allocatedBytes(), "reuse allocates nothing");
            AlignedBufferPool.Buffer c = pool.acquire(8000);
            assertNotEquals(address, c.segment().address());
            AlignedBufferPool.Buffer d = pool.acquire(100); // another class: new memory
            assertNotEquals(address, d.segment().address());
            b.close();
            c.close();
            d.close();
        }
    }

    @Test
    void shouldKeepAtMostMaxPerClassIdle() {
        try (AlignedBufferPool pool = new AlignedBufferPool(4096, 1 << 16, 1)) {
            AlignedBufferPool.Buffer a = pool.acquire(4096);
            AlignedBufferPool.Buffer b = pool.acquire(4096);
            long addrA = a.segment().address();
            a.close();
            b.close(); // dropped: the class keeps one idle buffer
            long allocated = pool.allocatedBytes();
            AlignedBufferPool.Buffer c = pool.acquire(4096);
            AlignedBufferPool.Buffer d = pool.acquire(4096);
            assertEquals(addrA, c.segment().address());
            assertEquals(allocated + 4096, pool.allocatedBytes());
            c.close();
            d.close();
        }
    }

    @Test
    void shouldGiveADirectByteBufferView() {
        try (AlignedBufferPool pool = new AlignedBufferPool(); AlignedBufferPool.Buffer b = pool.acquire(4096)) {
            ByteBuffer bb = b.asByteBuffer();
            assertTrue(bb.isDirect());
            assertEquals(4096, bb.capacity());
            bb.put(10, (byte) 42);
            assertEquals(42, b.segment().get(ValueLayout.JAVA_BYTE, 10));
        }
    }

    @Test
    void shouldKeepOutstandingBuffersUsableAfterCloseUntilReleased() {
        AlignedBufferPool pool = new AlignedBufferPool(4096, 1 << 20, 8);
        AlignedBufferPool.Buffer b = pool.acquire(4096);
        pool.close();
        pool.close();
        assertThrows(IllegalStateException.class, () -> pool.acquire(1));
        b.segment().set(ValueLayout.JAVA_LONG, 0, 0x1234L); // still allocated
        assertEquals(0x1234L, b.segment().get(ValueLayout.JAVA_LONG, 0));
        assertEquals(1, pool.outstanding());
        b.close();
        assertEquals(0, pool.outstanding());
        // Pool memory is freed by the garbage collector only: a segment still referenced stays valid,
        // which is what lets a request in flight keep using a buffer its owner released too early.
        assertEquals(0x1234L, b.segment().get(ValueLayout.JAVA_LONG, 0));
        assertTrue(b.segment().scope().isAlive());
    }

    @Test
    @Timeout(30)
    void shouldServeManyThreadsWithoutSharingABuffer() throws Exception {
        int threads = 4;
        int rounds = 5000;
        try (AlignedBufferPool pool = new AlignedBufferPool(4096, 1 << 16, 4)) {
            CountDownLatch start = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long tag = t + 1;
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        ThreadLocalRandom rnd = ThreadLocalRandom.current();
                        for (int i = 0; i < rounds; i++) {
                            try (AlignedBufferPool.Buffer b = pool.acquire(rnd.nextInt(8, 1 << 16))) {
                                MemorySegment s = b.segment();
                                if (s.address() % 4096 != 0) {
                                    throw new AssertionError("misaligned: " + s.address());
                                }
                                long stamp = tag << 32 | i;
                                s.set(ValueLayout.JAVA_LONG, 0, stamp);
                                Thread.onSpinWait();
                                if (s.get(ValueLayout.JAVA_LONG, 0) != stamp) {
                                    throw new AssertionError("buffer shared between threads");
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(0, pool.outstanding());
        }
    }

    @Test
    void shouldAllocateAlignedSegmentsFromAnArena() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = AlignedBufferPool.allocateAligned(arena, 1000, 8192);
            assertEquals(0, s.address() % 8192);
            assertEquals(1000, s.byteSize());
            assertThrows(IllegalArgumentException.class, () -> AlignedBufferPool.allocateAligned(arena, 10, 100));
        }
    }
}
