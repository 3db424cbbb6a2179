package dev.jaio.internal.engine.uring;

import dev.jaio.internal.engine.TestConfigs;
import dev.jaio.testing.TestNatives;
import dev.jaio.internal.engine.EngineCounters;
import dev.jaio.internal.engine.IoOp;
import dev.jaio.internal.engine.IoRequest;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.aio.IoVec;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import dev.jaio.uring.IoUring;
import dev.jaio.uring.IoUringParams;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The io_uring engine on the real kernel, driven with requests as {@code AsyncFile} makes them. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UringEngineTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsIoUring() {
        Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring is unusable here: "
                + IoUring.unavailabilityCause().orElse(""));
    }

    /** A request that records how it finished, and fails the test if the engine asks for a blocking run. */
    static class Req extends IoRequest {
        final CompletableFuture<Long> result = new CompletableFuture<>();
        final AtomicInteger finishes = new AtomicInteger();
        final AtomicInteger blockingRuns = new AtomicInteger();

        Req(IoOp op, int fd, long position, MemorySegment buffer, long length) {
            super(op, fd, position, buffer, length, 0);
        }

        @Override
        protected void complete(long res) {
            finishes.incrementAndGet();
            result.complete(res);
        }

        @Override
        protected void abort(Throwable cause) {
            finishes.incrementAndGet();
            result.completeExceptionally(cause);
        }

        @Override
        protected long runBlocking() {
            blockingRuns.incrementAndGet();
            return -Errno.EIO.number();
        }
    }

    private static UringEngine engine(int depth, int maxOutstanding, boolean failFast) throws AioException {
        return new UringEngine(TestConfigs.of("uring-test", depth, 1, maxOutstanding, failFast, null));
    }

    private Path patterned(String name, int size) throws Exception {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = pattern(i);
        }
        return Files.write(dir.resolve(name), data);
    }

    private static byte pattern(long position) {
        return (byte) (position * 31 + (position >>> 12));
    }

    private static void assertPattern(MemorySegment buf, long length, long position) {
        for (long i = 0; i < length; i++) {
            if (buf.get(ValueLayout.JAVA_BYTE, i) != pattern(position + i)) {
                throw new AssertionError("byte " + (position + i) + " differs");
            }
        }
    }

    private static void assertNoOverflow(UringEngine e) throws AioException {
        for (UringLoop l : e.loops()) {
            assertEquals(0, l.ring().cqOverflow(), "the kernel dropped no completion");
            assertTrue(!l.ring().cqOverflowPending(), "no completion waited in the kernel's overflow list");
        }
    }

    @Test
    void shouldSetUpSingleIssuerWithDeferredTaskRunWhereTheKernelHasIt() throws Exception {
        try (UringEngine e = new UringEngine(TestConfigs.of("uring-test", 8, 2, 64, false, Runnable::run))) {
            int flags = e.setupFlags();
            System.out.println("io_uring engine setup flags: 0x" + Integer.toHexString(flags));
            assertTrue((flags & IoUringParams.SETUP_SINGLE_ISSUER) != 0 && (flags & IoUringParams.SETUP_DEFER_TASKRUN) != 0,
                    "Linux 6.1 and later take SINGLE_ISSUER | DEFER_TASKRUN: flags=0x" + Integer.toHexString(flags));
            Path p = patterned("a", 1 << 20);
            try (NativeFile f = NativeFile.open(p, READ)) {
                List<Req> rs = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    Req r = new Req(IoOp.READ, f.fd(), i * (long) BLOCK, Arena.ofAuto().allocate(BLOCK, BLOCK), BLOCK);
                    rs.add(r);
                    e.submit(r); // the requests alternate between the two rings
                }
                for (Req r : rs) {
                    assertEquals(BLOCK, r.result.get());
                    assertPattern(r.buffer, BLOCK, r.position);
                }
            }
        }
    }

    @Test
    void shouldTryTheNextSetupFlagsWhenTheKernelAnswersEinval() throws Exception {
        // SQ_AFF without SQPOLL is EINVAL on every kernel: the engine must go on to the next choice.
        int[] choices = {IoUringParams.SETUP_SQ_AFF, IoUringParams.SETUP_COOP_TASKRUN};
        try (UringEngine e = new UringEngine(TestConfigs.defaults("uring-test"), choices)) {
            assertEquals(IoUringParams.SETUP_COOP_TASKRUN,
                    e.setupFlags() & (IoUringParams.SETUP_COOP_TASKRUN | IoUringParams.SETUP_SQ_AFF));
        }
        AioException last = assertThrows(AioException.class,
                () -> new UringEngine(TestConfigs.defaults("uring-test"), new int[] {IoUringParams.SETUP_SQ_AFF}));
        assertEquals(Errno.EINVAL.number(), last.errno(), last.getMessage());
        assertEquals("io_uring_setup", last.syscall());
    }

    @Test
    void shouldRefuseAnUnknownSetupChoice() {
        String saved = System.getProperty("jaio.uring.setup");
        try {
            System.setProperty("jaio.uring.setup", "sqpoll");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, UringEngine::setupChoices);
            assertTrue(e.getMessage().contains("jaio.uring.setup=sqpoll"), e.getMessage());
            System.setProperty("jaio.uring.setup", "coop");
            assertEquals(IoUringParams.SETUP_COOP_TASKRUN, UringEngine.setupChoices()[0]);
            System.setProperty("jaio.uring.setup", "none");
            assertEquals(0, UringEngine.setupChoices()[0]);
        } finally {
            if (saved == null) {
                System.clearProperty("jaio.uring.setup");
            } else {
                System.setProperty("jaio.uring.setup", saved);
            }
        }
    }

    @Test
    void shouldCompleteThousandsOfConcurrentRequestsEachExactlyOnce() throws Exception {
        Path p = patterned("a", 4 << 20);
        int threads = 8;
        int perThread = 2500;
        try (UringEngine e = engine(32, 256, false);
             NativeFile f = NativeFile.open(p, READ, JaioOpenOption.DIRECT)) {
            List<Req> all = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException ie) {
                        return;
                    }
                    java.util.Random rnd = new java.util.Random(seed);
                    for (int i = 0; i < perThread; i++) {
                        long pos = (long) rnd.nextInt((4 << 20) / BLOCK) * BLOCK;
                        Req r = new Req(IoOp.READ, f.fd(), pos, Arena.ofAuto().allocate(BLOCK, BLOCK), BLOCK);
                        all.add(r);
                        e.submit(r); // waits while 256 are outstanding
                    }
                }));
            }
            start.countDown();
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(threads * perThread, all.size());
            for (Req r : all) {
                assertEquals(BLOCK, r.result.get(60, TimeUnit.SECONDS));
                assertPattern(r.buffer, BLOCK, r.position);
            }
            for (Req r : all) {
                assertEquals(1, r.finishes.get(), "finished exactly once");
                assertEquals(0, r.blockingRuns.get());
            }
            assertNoOverflow(e);
            EngineCounters.Snapshot s = e.stats();
            assertEquals(threads * perThread, s.completed());
            assertEquals(0, s.failed());
            assertEquals(0, e.inFlight());
        }
    }

    @Test
    void shouldQueueFarBeyondTheCompletionQueueWithoutLosingACompletion() throws Exception {
        Path p = patterned("a", 1 << 20);
        int n = 5000;
        // Depth 4: an SQ of 8 and a CQ of 16, with 5000 requests outstanding at once.
        try (UringEngine e = engine(4, n, false); NativeFile f = NativeFile.open(p, READ)) {
            assertTrue(e.loops()[0].ring().cqEntries() < n / 100);
            List<Req> rs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long pos = (i % 256) * (long) BLOCK;
                Req r = new Req(IoOp.READ, f.fd(), pos, Arena.ofAuto().allocate(BLOCK, 8), BLOCK);
                rs.add(r);
                e.submit(r);
            }
            for (Req r : rs) {
                assertEquals(BLOCK, r.result.get(60, TimeUnit.SECONDS));
                assertPattern(r.buffer, BLOCK, r.position);
                assertEquals(1, r.finishes.get());
            }
            assertNoOverflow(e);
        }
    }

    @Test
    void shouldFailFastBeyondMaxOutstandingAndCompleteTheRest() throws Exception {
        Path p = patterned("a", 1 << 20);
        try (UringEngine e = engine(4, 8, true); NativeFile f = NativeFile.open(p, READ, JaioOpenOption.DIRECT)) {
            List<Req> rs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Req r = new Req(IoOp.READ, f.fd(), (i % 256) * (long) BLOCK, Arena.ofAuto().allocate(BLOCK, BLOCK),
                        BLOCK);
                rs.add(r);
                e.submit(r);
            }
            int ok = 0;
            int rejected = 0;
            for (Req r : rs) {
                try {
                    assertEquals(BLOCK, r.result.get(60, TimeUnit.SECONDS));
                    ok++;
                } catch (java.util.concurrent.ExecutionException x) {
                    assertTrue(x.getCause() instanceof RejectedExecutionException, x.toString());
                    rejected++;
                }
                assertEquals(1, r.finishes.get());
            }
            assertTrue(ok >= 8, "at least maxOutstanding went through: ok=" + ok);
            assertEquals(200, ok + rejected);
            System.out.println("fail-fast at maxOutstanding=8: ok=" + ok + " rejected=" + rejected);
        }
    }

    @Test
    void shouldReadUncachedBufferedDataWithoutBlockingThreads() throws Exception {
        int size = 32 << 20;
        Path p = patterned("cold", size);
        try (NativeFile w = NativeFile.open(p, READ, WRITE)) {
            w.sync(); // dirty pages cannot be dropped
            assertEquals(0, TestNatives.posixFadvise(w.fd(), 0, 0, TestNatives.POSIX_FADV_DONTNEED), "posix_fadvise DONTNEED");
        }
        try (UringEngine e = engine(64, 1024, false); NativeFile f = NativeFile.open(p, READ)) {
            List<Req> rs = new ArrayList<>();
            int len = 128 << 10;
            for (long pos = 0; pos < size; pos += len) {
                Req r = new Req(IoOp.READ, f.fd(), pos, Arena.ofAuto().allocate(len, 8), len);
                rs.add(r);
                e.submit(r);
            }
            for (Req r : rs) {
                assertEquals(len, r.result.get(60, TimeUnit.SECONDS), "a buffered read is never short before EOF");
                assertPattern(r.buffer, len, r.position);
                assertEquals(0, r.blockingRuns.get(), "io_uring needs no blocking thread for a cache miss");
            }
            assertEquals(0, e.stats().blockingFallbacks());
        }
    }

    @Test
    void shouldDoVectoredWritesAndReads() throws Exception {
        Path p = dir.resolve("v");
        try (UringEngine e = engine(8, 64, false); NativeFile f = NativeFile.open(p, CREATE, READ, WRITE);
             Arena arena = Arena.ofShared()) {
            List<MemorySegment> out = List.of(arena.allocate(1000), arena.allocate(3000), arena.allocate(96));
            long pos = 0;
            for (MemorySegment s : out) {
                for (long i = 0; i < s.byteSize(); i++) {
                    s.set(ValueLayout.JAVA_BYTE, i, pattern(100 + pos + i));
                }
                pos += s.byteSize();
            }
            Req w = new Req(IoOp.WRITEV, f.fd(), 100, IoVec.array(arena, out), out.size());
            e.submit(w);
            assertEquals(4096, w.result.get());
            List<MemorySegment> in = List.of(arena.allocate(96), arena.allocate(4000));
            Req r = new Req(IoOp.READV, f.fd(), 100, IoVec.array(arena, in), in.size());
            e.submit(r);
            assertEquals(4096, r.result.get());
            assertPattern(in.get(0), 96, 100);
            assertPattern(in.get(1), 4000, 196);
            Req past = new Req(IoOp.READV, f.fd(), 4196, IoVec.array(arena, in), in.size());
            e.submit(past);
            assertEquals(0, past.result.get(), "a read past the end returns 0");
        }
    }

    @Test
    void shouldForceWithFsyncAndFdatasyncSqes() throws Exception {
        Path p = patterned("a", 8192);
        try (UringEngine e = engine(8, 64, false); NativeFile f = NativeFile.open(p, READ, WRITE)) {
            Req full = new Req(IoOp.FSYNC, f.fd(), 0, MemorySegment.NULL, 0);
            Req data = new Req(IoOp.FDSYNC, f.fd(), 0, MemorySegment.NULL, 0);
            e.submit(full);
            e.submit(data);
            assertEquals(0, full.result.get());
            assertEquals(0, data.result.get());
            assertEquals(2, e.stats().completed());
        }
    }

    @Test
    void shouldCompleteWithTheKernelsErrnoAndGoOn() throws Exception {
        Path p = patterned("a", 8192);
        try (UringEngine e = engine(8, 64, false);
             NativeFile ro = NativeFile.open(p, READ);
             NativeFile direct = NativeFile.open(p, READ, JaioOpenOption.DIRECT)) {
            MemorySegment buf = Arena.ofAuto().allocate(BLOCK, BLOCK);
            Req write = new Req(IoOp.WRITE, ro.fd(), 0, buf, BLOCK);
            e.submit(write);
            assertEquals(-Errno.EBADF.number(), write.result.get(), "a write on a read-only descriptor");
            Req misaligned = new Req(IoOp.READ, direct.fd(), 1, buf, BLOCK);
            e.submit(misaligned);
            assertEquals(-Errno.EINVAL.number(), misaligned.result.get(), "an O_DIRECT read at offset 1");
            Req fine = new Req(IoOp.READ, direct.fd(), BLOCK, buf, BLOCK);
            e.submit(fine);
            assertEquals(BLOCK, fine.result.get());
            EngineCounters.Snapshot s = e.stats();
            assertEquals(2, s.failed());
            assertEquals(1, s.completed());
        }
    }

    @Test
    void shouldFinishEveryRequestExactlyOnceWhenClosedWithRequestsInFlight() throws Exception {
        Path p = patterned("a", 4 << 20);
        for (int round = 0; round < 5; round++) {
            UringEngine e = engine(16, 100_000, false);
            try (NativeFile f = NativeFile.open(p, READ, JaioOpenOption.DIRECT)) {
                List<Req> rs = java.util.Collections.synchronizedList(new ArrayList<>());
                AtomicInteger issued = new AtomicInteger();
                List<Thread> ts = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    ts.add(Thread.ofPlatform().start(() -> {
                        for (int i = 0; i < 3000; i++) {
                            long pos = (long) (i % 1024) * BLOCK;
                            Req r = new Req(IoOp.READ, f.fd(), pos, Arena.ofAuto().allocate(BLOCK, BLOCK), BLOCK);
                            rs.add(r);
                            e.submit(r);
                            issued.incrementAndGet();
                        }
                    }));
                }
                while (issued.get() < 2000) {
                    Thread.onSpinWait();
                }
                e.close(); // with submitters still going
                for (Thread t : ts) {
                    t.join();
                }
                // On a loaded machine the submitters may all finish before close takes effect: one request
                // surely issued after close.
                Req late = new Req(IoOp.READ, f.fd(), 0, Arena.ofAuto().allocate(BLOCK, BLOCK), BLOCK);
                rs.add(late);
                e.submit(late);
                int done = 0, asyncClosed = 0, closed = 0;
                for (Req r : rs) {
                    try {
                        assertEquals(BLOCK, r.result.get(60, TimeUnit.SECONDS));
                        assertPattern(r.buffer, BLOCK, r.position);
                        done++;
                    } catch (java.util.concurrent.ExecutionException x) {
                        if (x.getCause() instanceof AsynchronousCloseException) {
                            asyncClosed++;
                        } else if (x.getCause() instanceof ClosedChannelException) {
                            closed++;
                        } else {
                            throw x;
                        }
                    }
                    assertEquals(1, r.finishes.get(), "finished exactly once");
                }
                assertEquals(12001, done + asyncClosed + closed);
                assertTrue(closed > 0, "requests issued after close fail with ClosedChannelException");
                assertEquals(0, e.inFlight());
                System.out.println("closed with requests in flight: completed=" + done + " aborted=" + asyncClosed
                        + " after close=" + closed);
            } finally {
                e.close();
            }
            for (UringLoop l : e.loops()) {
                assertTrue(!l.thread().isAlive(), "the loop thread ended");
                AioException x = assertThrows(AioException.class, () -> l.ring().cqOverflow());
                assertEquals(Errno.EBADF.number(), x.errno(), "the ring is closed");
            }
        }
    }

    @Test
    void shouldCloseFromACompletionOnTheLoopThread() throws Exception {
        Path p = patterned("a", 1 << 20);
        try (NativeFile f = NativeFile.open(p, READ)) {
            UringEngine[] holder = new UringEngine[1];
            CompletableFuture<Long> after = new CompletableFuture<>();
            UringEngine e = new UringEngine(TestConfigs.of("uring-test", 8, 1, 64, false, Runnable::run));
            holder[0] = e;
            Req r = new Req(IoOp.READ, f.fd(), 0, Arena.ofAuto().allocate(BLOCK, 8), BLOCK) {
                @Override
                protected void complete(long res) {
                    super.complete(res);
                    holder[0].close(); // a callback on the loop thread closes its own engine
                    Req late = new Req(IoOp.READ, f.fd(), 0, buffer, BLOCK);
                    holder[0].submit(late);
                    late.result.whenComplete((v, t) -> after.completeExceptionally(t));
                }
            };
            e.submit(r);
            assertEquals(BLOCK, r.result.get(60, TimeUnit.SECONDS));
            java.util.concurrent.ExecutionException x = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> after.get(60, TimeUnit.SECONDS));
            assertTrue(x.getCause() instanceof ClosedChannelException, x.toString());
            e.loops()[0].thread().join(60_000);
            assertTrue(!e.loops()[0].thread().isAlive(), "the loop ended after its own callback closed the engine");
        }
    }

    @Test
    void shouldFinishRequestsThatTheirOwnerCancelledByCloseWithAsynchronousCloseException() throws Exception {
        Path p = patterned("a", 1 << 20);
        try (UringEngine e = engine(8, 64, false); NativeFile f = NativeFile.open(p, READ)) {
            Req r = new Req(IoOp.READ, f.fd(), 0, Arena.ofAuto().allocate(BLOCK, 8), BLOCK) {
                @Override
                public boolean cancelledByClose() {
                    return true;
                }
            };
            e.submit(r);
            java.util.concurrent.ExecutionException x = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> r.result.get(60, TimeUnit.SECONDS));
            assertTrue(x.getCause() instanceof AsynchronousCloseException, x.toString());
        }
    }
}
