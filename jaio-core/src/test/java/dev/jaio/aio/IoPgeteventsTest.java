package dev.jaio.aio;

import static dev.jaio.aio.AioFixture.LONG_WAIT;
import static dev.jaio.testing.ErrnoAssertions.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.testing.TestFiles.Pipe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** io_pgetevents(2): {@link AioContext#getEvents} with a signal mask. */
class IoPgeteventsTest {
    @RegisterExtension
    final AioFixture fx = new AioFixture();

    private static final int SIGURG = 23;

    @Test
    void shouldReapEventsWithAMaskThroughTheKernelEvenWhenTheRingHasThem() throws Exception {
        AioContext ctx = fx.context(4);
        Pipe pipe = fx.pipe();
        Arena arena = fx.arena();
        // POLLOUT on an empty pipe completes at once.
        ctx.submit(fx.iocb().prepPoll(pipe.writeFd, 0x4).data(7));
        ctx.submit(fx.iocb().prepPoll(pipe.writeFd, 0x4).data(8));
        List<IoEvent> first = ctx.getEvents(1, 1, LONG_WAIT, SignalSet.of(SIGURG));
        assertEquals(1, first.size());
        IoEventArray into = IoEventArray.allocate(arena, 4);
        int n = ctx.getEvents(1, into, TimeUnit.SECONDS.toNanos(10), SignalSet.empty());
        assertEquals(1, n);
        assertEquals(Set.of(7L, 8L), Set.of(first.get(0).data(), into.data(0)));
        assertEquals(0x4, into.res(0));
        assertEquals(2, ctx.counters().getEventsCalls(), "each call with a mask entered the kernel");
        assertEquals(0, ctx.counters().ringEvents(), ctx.counters().toString());
        assertTrue(ctx.getEvents(0, 4, Duration.ZERO, SignalSet.empty()).isEmpty());
    }

    @Test
    void shouldFailWithEinvalForBadCounts() throws Exception {
        AioContext ctx = fx.context(4);
        SignalSet mask = SignalSet.empty();
        AioException e = assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(-1, 1, Duration.ZERO, mask));
        assertTrue(e.getMessage().contains("min_nr"), e.getMessage());
        assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(0, -1, Duration.ZERO, mask));
        assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(2, 1, null, mask));
        assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(2, IoEventArray.allocate(1), 0, mask));
        assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(-1, IoEventArray.allocate(1), -1, mask));
    }

    @Test
    void shouldFailWithEinvalOnAClosedContextWithoutCallingTheKernel() throws Exception {
        AioContext ctx = AioContext.setup(4);
        ctx.close();
        SignalSet mask = SignalSet.of(SIGURG);
        AioException e = assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(0, 1, Duration.ZERO, mask));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(1, 1, null, mask));
        assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(2, 1, null, mask));
        assertErrno(Errno.EINVAL, "io_pgetevents", () -> ctx.getEvents(0, IoEventArray.allocate(4), -1, mask));
        assertEquals(0, ctx.counters().getEventsCalls());
    }

    @Test
    void shouldRefuseANullMask() throws Exception {
        AioContext ctx = fx.context(4);
        assertThrows(NullPointerException.class, () -> ctx.getEvents(0, 1, Duration.ZERO, null));
        assertThrows(NullPointerException.class, () -> ctx.getEvents(0, IoEventArray.allocate(1), 0, null));
    }

    /**
     * The point of io_pgetevents: a signal blocked in the thread and already pending is let through by the
     * mask for the wait, at once, and surfaces as EINTR (not retried); without the mask, or with one that
     * keeps it blocked, the wait does not see it and it stays pending.
     */
    @Test
    @Timeout(60)
    void shouldSurfaceEintrWhenTheMaskUnblocksAPendingSignal() throws Exception {
        SignalSender signals = SignalSender.install();
        ExecutorService pool = Executors.newSingleThreadExecutor(); // a thread of its own: its mask changes
        try (AioContext ctx = AioContext.setup(4)) {
            Future<List<String>> run = pool.submit(() -> {
                List<String> seen = new ArrayList<>();
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment old = ThreadSignals.block(arena, SIGURG);
                    try {
                        long tid = SignalSender.gettid();
                        signals.send(tid);
                        seen.add("pending=" + ThreadSignals.isPending(SIGURG));
                        seen.add("plain=" + ctx.getEvents(1, 1, Duration.ZERO).size());
                        seen.add("kept blocked=" + ctx.getEvents(1, 1, Duration.ZERO, SignalSet.of(SIGURG)).size());
                        seen.add("pending=" + ThreadSignals.isPending(SIGURG));
                        AioException e = assertThrows(AioException.class,
                                () -> ctx.getEvents(1, 1, LONG_WAIT, SignalSet.empty()));
                        seen.add("unblocked=" + e.errnoName() + " " + e.syscall());
                        seen.add("pending=" + ThreadSignals.isPending(SIGURG));
                        assertTrue(e.getMessage().contains("signal"), e.getMessage());
                        // Again with the allocation-free variant.
                        signals.send(tid);
                        e = assertThrows(AioException.class, () -> ctx.getEvents(1, IoEventArray.allocate(arena, 2),
                                -1, SignalSet.of(SIGURG - 1)));
                        seen.add("array=" + e.errnoName());
                        seen.add("pending=" + ThreadSignals.isPending(SIGURG));
                    } finally {
                        ThreadSignals.setMask(old);
                    }
                }
                return seen;
            });
            assertEquals(List.of("pending=true", "plain=0", "kept blocked=0", "pending=true",
                    "unblocked=EINTR io_pgetevents", "pending=false", "array=EINTR", "pending=false"),
                    run.get(50, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }
}
