package dev.jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jaio.AioEngine;
import dev.jaio.AsyncFile;
import dev.jaio.JaioOpenOption;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads issuing while files and engines close under them: every request completes exactly once,
 * successfully or with AsynchronousCloseException / ClosedChannelException, and nothing hangs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrencyTest {
    private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("jaio.race.millis", 3000));
    private static final int THREADS = 6;

    @TempDir
    Path dir;

    /** Counts each future's outcome once; a second completion would be a second callback. */
    private static final class Tally {
        final AtomicLong issued = new AtomicLong();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong closed = new AtomicLong();
        final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<CompletableFuture<?>> all = new ConcurrentLinkedQueue<>();

        void track(CompletableFuture<?> f) {
            issued.incrementAndGet();
            all.add(f);
            AtomicInteger calls = new AtomicInteger();
            f.whenComplete((v, e) -> {
                if (calls.incrementAndGet() != 1) {
                    unexpected.add(new AssertionError("completed twice"));
                }
                Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                if (c == null) {
                    ok.incrementAndGet();
                } else if (c instanceof AsynchronousCloseException || c instanceof ClosedChannelException) {
                    closed.incrementAndGet();
                } else {
                    unexpected.add(c);
                }
            });
        }

        void assertAllDone() throws Exception {
            for (CompletableFuture<?> f : all) {
                try {
                    f.get(20, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException expected) {
                    // counted by the callback
                } catch (java.util.concurrent.TimeoutException e) {
                    fail("a request never completed: issued=" + issued + " ok=" + ok + " closed=" + closed);
                }
            }
            if (!unexpected.isEmpty()) {
                AssertionError a = new AssertionError("unexpected outcomes: " + unexpected.size());
                unexpected.stream().limit(3).forEach(a::addSuppressed);
                throw a;
            }
            assertEquals(issued.get(), ok.get() + closed.get(), "every request completed exactly once");
            assertTrue(ok.get() > 0 && closed.get() > 0, "the race happened both ways: ok=" + ok + " closed=" + closed);
        }
    }

    @Test
    void shouldCompleteEveryRequestWhenFilesCloseUnderConcurrentSubmitters() throws Exception {
        Path p = dir.resolve("f");
        Files.write(p, new byte[1 << 20]);
        Tally tally = new Tally();
        long end = System.nanoTime() + RUN_NANOS;
        try (AioEngine engine = ReliabilitySupport.engine(); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(THREADS * 4096L, 4096);
            int round = 0;
            while (System.nanoTime() < end) {
                AsyncFile f = AsyncFile.open(p, engine, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        round++ % 2 == 0 ? JaioOpenOption.DIRECT : StandardOpenOption.READ);
                race(() -> {
                    int t = (int) (Thread.currentThread().threadId() % THREADS);
                    MemorySegment mine = buf.asSlice(t * 4096L, 4096);
                    long pos = ThreadLocalRandom.current().nextInt(256) * 4096L;
                    tally.track(ThreadLocalRandom.current().nextBoolean() ? f.read(mine, pos) : f.write(mine, pos));
                    if (ThreadLocalRandom.current().nextInt(16) == 0) {
                        tally.track(f.force(false));
                    }
                }, f::close);
                assertTrue(!f.isOpen());
            }
            tally.assertAllDone();
        }
    }

    @Test
    void shouldCompleteEveryRequestWhenEnginesCloseUnderConcurrentSubmitters() throws Exception {
        Path p = dir.resolve("f");
        Files.write(p, new byte[1 << 20]);
        Tally tally = new Tally();
        long end = System.nanoTime() + RUN_NANOS;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(THREADS * 4096L, 4096);
            while (System.nanoTime() < end) {
                AioEngine engine = ReliabilitySupport.engine();
                AsyncFile f = AsyncFile.open(p, engine, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        JaioOpenOption.DIRECT);
                race(() -> {
                    int t = (int) (Thread.currentThread().threadId() % THREADS);
                    MemorySegment mine = buf.asSlice(t * 4096L, 4096);
                    long pos = ThreadLocalRandom.current().nextInt(256) * 4096L;
                    tally.track(ThreadLocalRandom.current().nextBoolean() ? f.read(mine, pos) : f.write(mine, pos));
                }, engine::close);
                f.close();
            }
            tally.assertAllDone();
        }
    }

    private interface Closer {
        void close() throws Exception;
    }

    /** Runs {@code issue} in a loop on THREADS threads while another thread calls {@code closer} at a random moment. */
    private static void race(Runnable issue, Closer closer) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger stopAfter = new AtomicInteger(-1);
        Thread[] ts = new Thread[THREADS];
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < THREADS; i++) {
            ts[i] = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int n = 0; n < 400 && stopAfter.get() != 0; n++) {
                        issue.run();
                        if (stopAfter.get() > 0 && stopAfter.decrementAndGet() == 0) {
                            break;
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
        }
        start.countDown();
        Thread.sleep(java.time.Duration.ofNanos(ThreadLocalRandom.current().nextInt(2_000_000)));
        closer.close();
        stopAfter.set(50); // keep issuing for a little while after close
        for (Thread t : ts) {
            t.join(20_000);
            assertTrue(!t.isAlive(), "a submitting thread hung");
        }
        if (!errors.isEmpty()) {
            AssertionError a = new AssertionError("a submitter threw: " + List.copyOf(errors).get(0));
            errors.forEach(a::addSuppressed);
            throw a;
        }
    }
}
