package dev.jaio.internal.engine.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.NativeFile;
import dev.jaio.internal.engine.IoOp;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.engine.KernelCalls;
import dev.jaio.internal.engine.TestConfigs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The follow-ups that completions issue on the loop go to the kernel gathered by reap. Buffered reads of a
 * cached file complete inside io_submit, so every reap finds the whole batch just submitted: the follow-ups
 * of a reap of 8 go in two io_submit calls of 4 ({@link SubmitPolicy#batch()} at depth 8), not one each.
 */
class EventLoopBatchTest {
    private static final int DEPTH = 8;
    private static final int READS = 4000;

    @TempDir
    Path dir;

    @Test
    void shouldSubmitTheFollowUpsOfOneReapTogether() throws Exception {
        Path p = dir.resolve("cached");
        Files.write(p, new byte[1 << 20]);
        AtomicInteger issued = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(DEPTH);
        try (NativeFile file = NativeFile.open(p, StandardOpenOption.READ);
             Arena arena = Arena.ofShared()) {
            KernelAioEngine engine = new KernelAioEngine(TestConfigs.of("batch-test", DEPTH, 1, 64, false,
                    Runnable::run));
            try {
                for (int i = 0; i < DEPTH; i++) {
                    MemorySegment buf = arena.allocate(4096, 4096);
                    new Chain(engine, file.fd(), buf, issued, bytes, finished).next();
                }
                assertTrue(finished.await(60, TimeUnit.SECONDS), "the chains finished");
                assertEquals(4096L * READS, bytes.get(), "every read was whole");
                KernelCalls k = engine.kernelCalls();
                // One io_submit per follow-up would be 4000; by reap, in batches of 4, about 1000.
                assertTrue(k.submitCalls() < READS / 3, "io_submit calls for " + READS + " reads: " + k);
            } finally {
                engine.close();
            }
        }
    }

    /** One slot's reads, each issued by the completion of the one before, on the loop thread. */
    private static final class Chain {
        private final KernelAioEngine engine;
        private final int fd;
        private final MemorySegment buf;
        private final AtomicInteger issued;
        private final AtomicLong bytes;
        private final CountDownLatch finished;

        Chain(KernelAioEngine engine, int fd, MemorySegment buf, AtomicInteger issued, AtomicLong bytes,
              CountDownLatch finished) {
            this.engine = engine;
            this.fd = fd;
            this.buf = buf;
            this.issued = issued;
            this.bytes = bytes;
            this.finished = finished;
        }

        void next() {
            int n = issued.getAndIncrement();
            if (n >= READS) {
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
