package dev.jaio;

import dev.jaio.testing.TestFiles;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AioEngineTest {
    @TempDir
    Path dir;

    @Test
    void shouldRunOnTheEngineThisSuiteRunIsFor() throws Exception {
        try (AioEngine e = EngineTestSupport.engine()) {
            assertEquals(EngineTestSupport.expectedKind(), e.kind());
            if (e.kind() == AioEngine.Kind.KERNEL_AIO) {
                assertTrue(e.fallbackReason().isEmpty());
            }
        }
    }

    @Test
    void shouldRunOnTheThreadPoolWhenAskedWithNoFallbackReason() throws Exception {
        assumeTrue(System.getProperty("jaio.engine") == null, "jaio.engine overrides the mode in this run");
        try (AioEngine e = AioEngine.builder().mode(AioEngine.Mode.THREAD_POOL).build()) {
            assertEquals(AioEngine.Kind.THREAD_POOL, e.kind());
            assertTrue(e.fallbackReason().isEmpty());
        }
    }

    @Test
    void shouldSubmitABurstFromOneThreadInFewIoSubmitCalls() throws Exception {
        assumeTrue(EngineTestSupport.expectedKind() != AioEngine.Kind.THREAD_POOL,
                "batching concerns the kernel engines, not the thread pool");
        Path p = TestFiles.patterned(dir, "a", 1 << 20);
        try (AioEngine e = AioEngine.builder().queueDepth(256).build();
             AsyncFile f = AsyncFile.open(p, e, READ, JaioOpenOption.DIRECT);
             Arena arena = Arena.ofShared()) {
            // The buffers first, so that the 256 reads are issued as one burst.
            List<MemorySegment> bufs = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                bufs.add(arena.allocate(4096, 4096));
            }
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                fs.add(f.read(bufs.get(i), i * 4096L));
            }
            for (CompletableFuture<Integer> x : fs) {
                assertEquals(4096, x.get());
            }
            AioEngine.Stats s = e.stats();
            assertEquals(256, s.completed());
            // One io_submit (io_uring_enter) per request would be 256, plus the wake-ups; a burst goes in batches.
            // How many requests each wake-up finds queued depends on how fast this thread issues them (cold
            // code on a loaded machine: 68 calls in one CI run), so the bar is two requests per call on average.
            assertTrue(s.submitCalls() < 256 / 2, "io_submit calls for 256 requests: " + s);
        }
    }

    @Test
    void shouldFailFastBeyondMaxOutstandingWhenAskedAndCompleteTheRest() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 4 << 20);
        try (AioEngine e = EngineTestSupport.builder().maxOutstanding(4).failFast(true).build();
             AsyncFile f = AsyncFile.open(p, e, READ, JaioOpenOption.DIRECT);
             Arena arena = Arena.ofShared()) {
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                fs.add(f.read(arena.allocate(1 << 16, 4096), (i % 64) * 65536L));
            }
            int ok = 0;
            int rejected = 0;
            for (CompletableFuture<Integer> x : fs) {
                try {
                    assertEquals(65536, x.get());
                    ok++;
                } catch (ExecutionException ex) {
                    RejectedExecutionException r = assertInstanceOf(RejectedExecutionException.class, ex.getCause());
                    assertTrue(r.getMessage().contains("queue is full"), r.getMessage());
                    rejected++;
                }
            }
            assertEquals(200, ok + rejected);
            assertTrue(ok >= 4, "at least the first maxOutstanding requests were admitted: ok=" + ok);
            assertTrue(rejected > 0, "some requests were rejected");
            assertEquals(65536, f.read(arena.allocate(1 << 16, 4096), 0).get(), "the engine keeps working");
        }
    }

    @Test
    void shouldMakeCallersWaitBeyondMaxOutstandingAndCompleteEverything() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 1 << 20);
        try (AioEngine e = EngineTestSupport.builder().queueDepth(4).maxOutstanding(8).build();
             AsyncFile f = AsyncFile.open(p, e, READ)) {
            AtomicInteger good = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    List<CompletableFuture<Integer>> fs = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        fs.add(f.read(ByteBuffer.allocate(512), i * 512L));
                    }
                    fs.forEach(x -> {
                        if (x.join() == 512) {
                            good.incrementAndGet();
                        }
                    });
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(2000, good.get());
            AioEngine.Stats s = e.stats();
            assertEquals(2000, s.completed());
            assertEquals(0, s.inFlight());
        }
    }

    @Test
    void shouldCountRequestsAndSummarizeLatency() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 1 << 16);
        try (AioEngine e = EngineTestSupport.engine(); AsyncFile f = AsyncFile.open(p, e, READ)) {
            for (int i = 0; i < 100; i++) {
                f.read(ByteBuffer.allocate(100), i).get();
            }
            try {
                f.read(ByteBuffer.allocate(1), -5);
            } catch (IllegalArgumentException expected) {
                // checked on the caller's thread, never reaches the engine
            }
            AioEngine.Stats s = e.stats();
            assertEquals(100, s.submitted());
            assertEquals(100, s.completed());
            assertEquals(0, s.failed());
            assertEquals(0, s.inFlight());
            assertTrue(s.latencyP50Nanos() > 0 && s.latencyP99Nanos() >= s.latencyP50Nanos(), s.toString());
        }
    }

    @Test
    void shouldCompleteOrAbortEverythingWhenTheEngineCloses() throws Exception {
        Path p = TestFiles.patterned(dir, "a", 8 << 20);
        AioEngine e = EngineTestSupport.engine();
        AsyncFile f = AsyncFile.open(p, e, READ, JaioOpenOption.DIRECT);
        try (Arena arena = Arena.ofShared()) {
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                fs.add(f.read(arena.allocate(1 << 16, 4096), (i % 128) * 65536L));
            }
            e.close();
            e.close();
            for (CompletableFuture<Integer> x : fs) {
                try {
                    assertEquals(65536, x.get(30, TimeUnit.SECONDS));
                } catch (ExecutionException ex) {
                    assertInstanceOf(AsynchronousCloseException.class, ex.getCause());
                }
            }
            ExecutionException after = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> f.read(arena.allocate(4096, 4096), 0).get());
            assertInstanceOf(ClosedChannelException.class, after.getCause());
        } finally {
            f.close();
        }
    }

    @Test
    void shouldHandBufferedRequestsThatWouldBlockToBlockingThreads() throws Exception {
        assumeTrue(EngineTestSupport.expectedKind() == AioEngine.Kind.KERNEL_AIO, "a kernel AIO matter");
        Path p = dir.resolve("buffered");
        byte[] data = TestFiles.random(1 << 20, 5);
        try (AioEngine e = EngineTestSupport.engine(); AsyncFile f = AsyncFile.open(p, e, CREATE, READ, WRITE)) {
            for (int i = 0; i < 16; i++) {
                assertEquals(65536, f.write(ByteBuffer.wrap(data, i * 65536, 65536), i * 65536L).get());
            }
            ByteBuffer back = ByteBuffer.allocate(1 << 20);
            assertEquals(1 << 20, f.read(back, 0).get());
            assertTrue(java.util.Arrays.equals(data, back.array()));
            AioEngine.Stats s = e.stats();
            assertEquals(17, s.completed());
            // ext4 answers RWF_NOWAIT buffered writes with EAGAIN or EOPNOTSUPP: those went to blocking threads.
            System.out.println("buffered requests on this file system: " + s);
        }
    }

    @Test
    void shouldDestroyTheContextsOfAnEngineThatWasNeverClosed() throws Exception {
        assumeTrue(EngineTestSupport.expectedKind() == AioEngine.Kind.KERNEL_AIO, "aio-nr concerns kernel AIO");
        long before = TestFiles.aioNr();
        for (int i = 0; i < 5; i++) {
            dropAnEngine();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (TestFiles.aioNr() > before && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertTrue(TestFiles.aioNr() <= before, "aio-nr back to " + before + ": now " + TestFiles.aioNr());
    }

    private static void dropAnEngine() throws Exception {
        AioEngine e = AioEngine.builder().queueDepth(32).build();
        assertTrue(e.kind() == AioEngine.Kind.KERNEL_AIO);
    }

    @ParameterizedTest(name = "submitEagerly={0}")
    @ValueSource(booleans = {false, true})
    void shouldCompleteCallbackChainsWithAdaptiveAndEagerSubmission(boolean eager) throws Exception {
        Path p = TestFiles.patterned(dir, "a", 1 << 20);
        try (AioEngine e = EngineTestSupport.builder().queueDepth(8).submitEagerly(eager)
                .completionExecutor(Runnable::run).build();
             AsyncFile f = AsyncFile.open(p, e, READ, JaioOpenOption.DIRECT)) {
            int chains = 8;
            int perChain = 250;
            AtomicInteger good = new AtomicInteger();
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(chains);
            for (int c = 0; c < chains; c++) {
                MemorySegment buf = Arena.ofAuto().allocate(4096, 4096);
                new Object() {
                    int left = perChain;

                    void next() {
                        long block = (left * 31L + buf.address() / 4096) % 256;
                        f.read(buf, block * 4096).whenComplete((n, t) -> {
                            if (t == null && n == 4096
                                    && buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 7) == TestFiles.patternByte(block * 4096 + 7)) {
                                good.incrementAndGet();
                            }
                            if (--left > 0) {
                                next();
                            } else {
                                done.countDown();
                            }
                        });
                    }
                }.next();
            }
            assertTrue(done.await(60, TimeUnit.SECONDS));
            assertEquals(chains * perChain, good.get());
            assertEquals(chains * perChain, e.stats().completed());
        }
    }
}
