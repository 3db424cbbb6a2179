package dev.jaio.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chains of 4 KiB reads for the submission-batching tests: {@code chains} slots, each read issued by the
 * completion of the one before on the loop thread (with {@code Runnable::run} as the completion
 * executor), over the first 1 MiB of a file, until {@code reads} are done.
 */
public final class ReadChains {
    private ReadChains() {
    }

    /**
     * Runs the chains to the end and checks that every read was whole.
     *
     * @param engine an engine whose completions run on its loop
     * @param fd     a file of at least 1 MiB, cached, so that no read would block
     * @param chains reads in flight at once
     * @param reads  reads in all
     * @param arena  where the buffers come from, open until the engine is closed
     * @throws InterruptedException if interrupted while waiting for the chains
     */
    public static void run(Engine engine, int fd, int chains, int reads, Arena arena) throws InterruptedException {
        AtomicInteger issued = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(chains);
        for (int i = 0; i < chains; i++) {
            new Chain(engine, fd, arena.allocate(4096, 4096), reads, issued, bytes, finished).next();
        }
        assertTrue(finished.await(60, TimeUnit.SECONDS), "the chains finished");
        assertEquals(4096L * reads, bytes.get(), "every read was whole");
    }

    private record Chain(Engine engine, int fd, MemorySegment buf, int reads, AtomicInteger issued,
                         AtomicLong bytes, CountDownLatch finished) {
        void next() {
            int n = issued.getAndIncrement();
            if (n >= reads) {
                finished.countDown();
                return;
            }
            engine.submit(new IoRequest(IoOp.READ, fd, (n % 256) * 4096L, buf, 4096, 0) {
                @Override
                protected void complete(long result) {
                    bytes.addAndGet(result);
                    next();
                }

                @Override
                protected void abort(Throwable cause) {
                    finished.countDown();
                }

                @Override
                protected long runBlocking() {
                    throw new AssertionError("a cached read without RWF_NOWAIT never goes to a blocking thread");
                }
            });
        }
    }
}
