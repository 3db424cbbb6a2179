package dev.jaio.aio;

import static dev.jaio.aio.AioFixture.POLLIN;
import static dev.jaio.testing.ErrnoAssertions.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.NativeFile;
import dev.jaio.testing.TestFiles.Pipe;
import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Conformance of {@link AioContext#getEvents} with io_getevents(2) on the running kernel: its errors,
 * timeouts, blocking, signals, and a close from another thread.
 */
class IoGeteventsTest {
    @RegisterExtension
    final AioFixture fx = new AioFixture();

    @Test
    void shouldFailGetEventsWithEinvalForBadCounts() throws Exception {
        AioContext ctx = fx.context(4);
        AioException e = assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(-1, 1, Duration.ZERO));
        assertTrue(e.getMessage().contains("min_nr"), e.getMessage());
        assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(0, -1, Duration.ZERO));
        assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(2, 1, Duration.ZERO));
        assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(-1, -1, null));
        assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(2, IoEventArray.allocate(1), 0));
        assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(-1, IoEventArray.allocate(1), 0));
    }

    @Test
    void shouldFailGetEventsWithEinvalOnAClosedContext() throws Exception {
        AioContext ctx = AioContext.setup(4);
        ctx.close();
        AioException e = assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(0, 1, Duration.ZERO));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(1, 1, null));
        assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(0, IoEventArray.allocate(4), -1));
        assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(2, 1, Duration.ZERO));
        assertEquals(0, ctx.counters().getEventsCalls());
    }

    @Test
    void shouldReturnNothingForMaxNrZero() throws Exception {
        AioContext ctx = fx.context(4);
        assertTrue(ctx.getEvents(0, 0, null).isEmpty());
    }

    @Test
    void shouldReapIntoAReusableArray() throws Exception {
        AioContext ctx = fx.context(8);
        NativeFile f = fx.patternedFile(4096);
        Arena arena = fx.arena();
        List<Iocb> iocbs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            iocbs.add(fx.iocb().prepPread(f.fd(), arena.allocate(1024), i * 1024L).data(10 + i));
        }
        assertEquals(4, ctx.submit(iocbs));
        IoEventArray into = IoEventArray.allocate(arena, 8);
        int got = 0;
        Set<Long> data = new HashSet<>();
        while (got < 4) {
            int n = ctx.getEvents(1, into, TimeUnit.SECONDS.toNanos(10));
            assertTrue(n >= 1 && n <= 8, "n=" + n);
            for (int i = 0; i < n; i++) {
                assertEquals(1024, into.res(i));
                assertTrue(data.add(into.data(i)));
                assertEquals(iocbs.get((int) into.data(i) - 10).address(), into.obj(i));
            }
            got += n;
        }
        assertEquals(Set.of(10L, 11L, 12L, 13L), data);
    }

    @Test
    void shouldNeverBlockWithATimeoutOfZero() throws Exception {
        AioContext ctx = fx.context(4);
        Pipe pipe = fx.pipe();
        ctx.submit(fx.iocb().prepPoll(pipe.readFd, POLLIN));
        long start = System.nanoTime();
        assertTrue(ctx.getEvents(1, 4, Duration.ZERO).isEmpty());
        assertTrue(ctx.getEvents(0, 4, Duration.ofNanos(-5)).isEmpty());
        assertEquals(0, ctx.getEvents(1, IoEventArray.allocate(4), 0));
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed < TimeUnit.SECONDS.toNanos(5), "non-blocking calls took " + elapsed + " ns");
    }

    @Test
    void shouldNotReturnBeforeTheTimeout() throws Exception {
        AioContext ctx = fx.context(4);
        for (Duration timeout : new Duration[] {Duration.ofMillis(200), Duration.ofMillis(1)}) {
            long start = System.nanoTime();
            List<IoEvent> events = ctx.getEvents(1, 4, timeout);
            long elapsed = System.nanoTime() - start;
            assertTrue(events.isEmpty());
            assertTrue(elapsed >= timeout.toNanos(), "returned after " + elapsed + " ns, timeout " + timeout);
            assertTrue(elapsed < timeout.toNanos() + TimeUnit.SECONDS.toNanos(5), "elapsed " + elapsed);
        }
        long start = System.nanoTime();
        assertEquals(0, ctx.getEvents(1, IoEventArray.allocate(2), TimeUnit.MILLISECONDS.toNanos(200)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    @Timeout(20)
    void shouldBlockWithoutATimeoutUntilAnEventArrives() throws Exception {
        AioContext ctx = fx.context(4);
        Pipe pipe = fx.pipe();
        Iocb poll = fx.iocb().prepPoll(pipe.readFd, POLLIN).data(77);
        ctx.submit(poll);
        long start = System.nanoTime();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            pipe.writeByte(1);
        });
        List<IoEvent> events = ctx.getEvents(1, 4, null);
        long elapsed = System.nanoTime() - start;
        writer.join();
        assertEquals(1, events.size());
        assertEquals(77, events.get(0).data());
        assertEquals(poll.address(), events.get(0).obj());
        assertEquals(POLLIN, events.get(0).res() & POLLIN, events.toString());
        assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(300), "returned before the write: " + elapsed);
    }

    @Test
    @Timeout(20)
    void shouldWakeAThreadBlockedInGetEventsWhenAnotherThreadCloses() throws Exception {
        AioContext ctx = AioContext.setup(4);
        CountDownLatch started = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<List<IoEvent>> blocked = pool.submit(() -> {
                started.countDown();
                return ctx.getEvents(1, 1, null);
            });
            started.await();
            Thread.sleep(200); // let it reach io_getevents
            long start = System.nanoTime();
            ctx.close();
            try {
                blocked.get(5, TimeUnit.SECONDS);
                fail("getEvents returned normally on a closed context with nothing completed");
            } catch (java.util.concurrent.ExecutionException e) {
                AioException cause = assertThrows(AioException.class, () -> {
                    throw e.getCause();
                });
                assertEquals(Errno.EINVAL.number(), cause.errno());
                assertEquals("io_getevents", cause.syscall());
            }
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
            assertTrue(ctx.isClosed());
        } finally {
            pool.shutdownNow();
            ctx.close();
        }
    }

    @Test
    @Timeout(20)
    void shouldWakeAWaiterWithPollsInFlightWhenAnotherThreadCloses() throws Exception {
        // io_destroy cancels the polls: the waiter either returns their events (res 0) or, having
        // reaped none, throws EINVAL. Either way promptly, and close() returns.
        try (Pipe pipe = new Pipe(); Arena arena = Arena.ofShared()) {
            AioContext ctx = AioContext.setup(8);
            List<Iocb> polls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                polls.add(Iocb.allocate(arena).prepPoll(pipe.readFd, POLLIN).data(i));
            }
            assertEquals(4, ctx.submit(polls));
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> waiter = pool.submit(() -> ctx.getEvents(4, IoEventArray.allocate(8), -1));
                Thread.sleep(200);
                ctx.close();
                try {
                    int n = waiter.get(5, TimeUnit.SECONDS);
                    assertTrue(n >= 0 && n <= 4, "n=" + n);
                } catch (java.util.concurrent.ExecutionException e) {
                    AioException cause = assertThrows(AioException.class, () -> {
                        throw e.getCause();
                    });
                    assertEquals(Errno.EINVAL.number(), cause.errno(), cause.getMessage());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    @Timeout(20)
    void shouldRetryWithTheRemainingTimeWhenASignalInterruptsTheWait() throws Exception {
        SignalSender signals = SignalSender.install();
        AioContext ctx = fx.context(4);
        AtomicLong tid = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(1);
        long timeout = TimeUnit.MILLISECONDS.toNanos(3000);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<long[]> waiter = pool.submit(() -> {
                tid.set(SignalSender.gettid());
                ready.countDown();
                long start = System.nanoTime();
                int n = ctx.getEvents(1, IoEventArray.allocate(4), timeout);
                return new long[] {n, System.nanoTime() - start};
            });
            ready.await();
            signals.sendUntilReentered(ctx, tid.get(), Duration.ofMillis(2000));
            long[] result = waiter.get(10, TimeUnit.SECONDS);
            assertEquals(0, result[0], "events");
            assertTrue(result[1] >= timeout, "returned early after " + result[1] + " ns");
            // Without a signal a single io_getevents call waits out the timeout; each EINTR adds one.
            assertTrue(ctx.counters().getEventsCalls() >= 2,
                    "io_getevents was not re-entered: " + ctx.counters());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(20)
    void shouldKeepWaitingWithoutATimeoutWhenASignalInterruptsTheWait() throws Exception {
        SignalSender signals = SignalSender.install();
        AioContext ctx = fx.context(4);
        Pipe pipe = fx.pipe();
        Iocb poll = fx.iocb().prepPoll(pipe.readFd, POLLIN).data(5);
        ctx.submit(poll);
        AtomicLong tid = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<List<IoEvent>> waiter = pool.submit(() -> {
                tid.set(SignalSender.gettid());
                ready.countDown();
                return ctx.getEvents(1, 1, null);
            });
            ready.await();
            signals.sendUntilReentered(ctx, tid.get(), Duration.ofMillis(2000));
            assertFalse(waiter.isDone(), "getEvents(1, 1, null) returned after a signal");
            pipe.writeByte(1);
            List<IoEvent> events = waiter.get(10, TimeUnit.SECONDS);
            assertEquals(1, events.size());
            assertEquals(5, events.get(0).data());
            assertTrue(ctx.counters().getEventsCalls() >= 2, ctx.counters().toString());
        } finally {
            pool.shutdownNow();
        }
    }
}
