package dev.jaio.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The per-call scratch: a platform thread's own, and the virtual threads' slot pool, which reuses blocks
 * across threads, never lends one block to two holders, and keeps at most {@link ThreadScratch#poolSlots()}
 * idle blocks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadScratchTest {

    @Test
    void aPlatformThreadGetsItsOwnScratchEveryTime() {
        ThreadScratch first;
        try (ThreadScratch s = ThreadScratch.acquire()) {
            first = s;
        }
        try (ThreadScratch s = ThreadScratch.acquire()) {
            assertSame(first, s);
        }
    }

    @Test
    void virtualThreadsOneAfterAnotherReuseAFewBlocks() throws Exception {
        int before = ThreadScratch.pooledCreated();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 10_000; i++) {
                ex.submit(() -> {
                    try (ThreadScratch s = ThreadScratch.acquire()) {
                        s.word.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 42);
                    }
                }).get();
            }
        }
        int made = ThreadScratch.pooledCreated() - before;
        // Other tests may run virtual threads at the same time; alone, one block serves all 10,000 threads.
        assertTrue(made <= ThreadScratch.poolSlots(), "10,000 threads one after another made " + made + " blocks");
    }

    @Test
    void holdersAtOnceEachHaveTheirOwnBlockAndTheIdleOnesAreBounded() throws Exception {
        int holders = ThreadScratch.poolSlots() * 3;
        Set<ThreadScratch> held = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch allHolding = new CountDownLatch(holders);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < holders; i++) {
                ex.submit(() -> {
                    try (ThreadScratch s = ThreadScratch.acquire()) {
                        if (!held.add(s)) {
                            errors.add(new AssertionError("a block lent to two holders at once: " + s));
                        }
                        allHolding.countDown();
                        release.await();
                    } catch (InterruptedException e) {
                        errors.add(e);
                    }
                    return null;
                });
            }
            assertTrue(allHolding.await(30, TimeUnit.SECONDS));
            release.countDown();
        }
        assertEquals(List.of(), errors);
        assertEquals(holders, held.size());
        // After the burst the pool keeps at most poolSlots() of those blocks: borrowing poolSlots() + 1 at once
        // on fresh threads takes them all and needs at least one new block.
        int before = ThreadScratch.pooledCreated();
        int more = ThreadScratch.poolSlots() + 1;
        Set<ThreadScratch> again = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        CountDownLatch holding = new CountDownLatch(more);
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < more; i++) {
                ex.submit(() -> {
                    try (ThreadScratch s = ThreadScratch.acquire()) {
                        again.add(s);
                        holding.countDown();
                        go.await();
                    }
                    return null;
                });
            }
            assertTrue(holding.await(30, TimeUnit.SECONDS));
            go.countDown();
        }
        assertEquals(more, again.size());
        assertTrue(ThreadScratch.pooledCreated() - before >= 1, "more holders than slots, and no block was made");
        long reused = again.stream().filter(held::contains).count();
        assertTrue(reused <= ThreadScratch.poolSlots(),
                reused + " blocks kept idle, slots " + ThreadScratch.poolSlots());
    }

    @Test
    void aVirtualThreadsBlockIsNotThePlatformThreadsOwn() throws Exception {
        ThreadScratch mine;
        try (ThreadScratch s = ThreadScratch.acquire()) {
            mine = s;
        }
        ThreadScratch[] theirs = new ThreadScratch[1];
        Thread t = Thread.ofVirtual().start(() -> {
            try (ThreadScratch s = ThreadScratch.acquire()) {
                theirs[0] = s;
            }
        });
        t.join();
        assertNotSame(mine, theirs[0]);
    }
}
