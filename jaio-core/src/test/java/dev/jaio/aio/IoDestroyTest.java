package dev.jaio.aio;

import static dev.jaio.aio.AioFixture.POLLIN;
import static dev.jaio.testing.ErrnoAssertions.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.Errno;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import dev.jaio.testing.TestFiles;
import dev.jaio.testing.TestFiles.Pipe;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link AioContext#close} and io_destroy(2): a closed context refuses every later call without reaching
 * the kernel, and closing waits for, or cancels, what is in flight.
 */
class IoDestroyTest {
    @RegisterExtension
    final AioFixture fx = new AioFixture();

    @Test
    void shouldCloseTwiceAndRefuseEveryLaterCallWithEinval() throws Exception {
        Pipe pipe = fx.pipe();
        AioContext ctx = AioContext.setup(4);
        Iocb poll = fx.iocb().prepPoll(pipe.readFd, POLLIN);
        ctx.close();
        ctx.close();
        assertTrue(ctx.isClosed());
        assertTrue(ctx.toString().contains("closed"), ctx.toString());
        assertErrno(Errno.EINVAL, "io_submit", () -> ctx.submit(poll));
        assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(0, 1, Duration.ZERO));
        assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(poll));
        AioContext.Counters c = ctx.counters();
        assertEquals(0, c.submitCalls() + c.getEventsCalls(), "kernel calls after close: " + c);
    }

    @Test
    void shouldNotActOnANewContextThatReusesTheClosedOnesId() throws Exception {
        Pipe pipe = fx.pipe();
        AioContext old = AioContext.setup(4);
        long oldId = old.id();
        old.close();
        try (AioContext fresh = AioContext.setup(4)) {
            Iocb poll = fx.iocb().prepPoll(pipe.readFd, POLLIN);
            assertErrno(Errno.EINVAL, "io_submit", () -> old.submit(poll));
            // Whether or not the kernel gave the same address again, the new context saw nothing.
            assertTrue(fresh.getEvents(0, 4, Duration.ZERO).isEmpty());
            assertEquals(0, fresh.counters().submitted());
            assertTrue(fresh.id() != 0 && oldId != 0);
        }
    }

    @Test
    @Timeout(30)
    void shouldCloseWithDirectReadsInFlight() throws Exception {
        int mib = 1 << 20;
        int count = 32;
        Path p = fx.dir().resolve("big");
        Files.write(p, TestFiles.random(16 * mib, 3));
        long mappings = TestFiles.aioRingMappings();
        Arena arena = Arena.ofShared();
        AioContext ctx = AioContext.setup(count);
        try (NativeFile f = NativeFile.open(p, StandardOpenOption.READ, JaioOpenOption.DIRECT)) {
            List<Iocb> reads = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                reads.add(Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(mib, 4096), (i % 16) * (long) mib));
            }
            assertEquals(count, ctx.submit(reads));
            ctx.close(); // waits for the reads: the buffers may be freed once it returns
            assertTrue(ctx.isClosed());
            assertErrno(Errno.EINVAL, "io_getevents", () -> ctx.getEvents(0, 1, Duration.ZERO));
        } finally {
            ctx.close();
            arena.close();
        }
        assertEquals(mappings, TestFiles.aioRingMappings(), "the ring is unmapped");
    }

    @Test
    @Timeout(20)
    void shouldCloseWithPollsInFlightByCancellingThem() throws Exception {
        Pipe pipe = fx.pipe();
        AioContext ctx = AioContext.setup(8);
        for (int i = 0; i < 8; i++) {
            ctx.submit(fx.iocb().prepPoll(pipe.readFd, POLLIN));
        }
        ctx.close();
        assertTrue(ctx.isClosed());
    }
}
