package dev.jaio.aio;

import static dev.jaio.aio.AioFixture.POLLIN;
import static dev.jaio.aio.AioFixture.awaitOne;
import static dev.jaio.testing.ErrnoAssertions.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import dev.jaio.testing.TestFiles;
import dev.jaio.testing.TestFiles.Pipe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Conformance of {@link AioContext#cancel} with io_cancel(2) on the running kernel. */
class IoCancelTest {
    @RegisterExtension
    final AioFixture fx = new AioFixture();

    @Test
    void shouldCancelAPendingPollAndDeliverItsEventThroughGetEvents() throws Exception {
        AioContext ctx = fx.context(4);
        Pipe pipe = fx.pipe();
        Iocb poll = fx.iocb().prepPoll(pipe.readFd, POLLIN).data(9);
        assertEquals(1, ctx.submit(poll));
        assertTrue(ctx.getEvents(0, 1, Duration.ZERO).isEmpty(), "poll fired with no data");
        ctx.cancel(poll); // EINPROGRESS from the kernel: accepted
        // A cancelled poll completes with no events fired: res 0 (aio_poll_complete_work).
        assertEquals(new IoEvent(9, poll.address(), 0, 0), awaitOne(ctx));
    }

    @Test
    void shouldFailCancelWithEinvalForAnIocbNeverSubmitted() throws Exception {
        AioContext ctx = fx.context(4);
        Pipe pipe = fx.pipe();
        Iocb poll = fx.iocb().prepPoll(pipe.readFd, POLLIN);
        AioException e = assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(poll));
        assertTrue(e.getMessage().contains("not in flight"), e.getMessage());
    }

    @Test
    void shouldFailCancelWithEinvalForACompletedRequestAndForASecondCancel() throws Exception {
        AioContext ctx = fx.context(4);
        Pipe pipe = fx.pipe();
        Iocb poll = fx.iocb().prepPoll(pipe.readFd, POLLIN);
        ctx.submit(poll);
        ctx.cancel(poll);
        // The kernel took it off the active list at the first cancel, before the event is reaped.
        assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(poll));
        awaitOne(ctx);
        ctx.submit(poll);
        pipe.writeByte(1);
        assertEquals(POLLIN, awaitOne(ctx).res() & POLLIN);
        assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(poll));
    }

    @Test
    void shouldFailCancelWithEinvalForAFileRead() throws Exception {
        // Reads and writes of files register no cancel function: io_cancel never finds them.
        int size = 4 << 20;
        Path p = fx.dir().resolve("big");
        Files.write(p, TestFiles.random(size, 7));
        AioContext ctx = fx.context(4);
        NativeFile f = fx.open(p, StandardOpenOption.READ, JaioOpenOption.DIRECT);
        Arena arena = fx.arena();
        Iocb read = fx.iocb().prepPread(f.fd(), arena.allocate(size, 4096), 0);
        ctx.submit(read);
        assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(read));
        assertEquals(size, awaitOne(ctx).res(), "the read completed in full");
    }

    @Test
    void shouldFailCancelWithEinvalWhenTheKeyWasChanged() throws Exception {
        AioContext ctx = fx.context(4);
        Pipe pipe = fx.pipe();
        Iocb poll = fx.iocb().prepPoll(pipe.readFd, POLLIN).key(12345);
        ctx.submit(poll);
        assertEquals(0, poll.key(), "io_submit writes KIOCB_KEY (0) into aio_key");
        poll.key(1);
        assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(poll));
        poll.key(0);
        ctx.cancel(poll);
        assertEquals(0, awaitOne(ctx).res());
    }

    @Test
    void shouldFailCancelWithEfaultForAnUnreadableIocb() throws Exception {
        AioContext ctx = fx.context(4);
        Iocb bogus = Iocb.wrap(MemorySegment.ofAddress(8).reinterpret(64));
        assertErrno(Errno.EFAULT, "io_cancel", () -> ctx.cancel(bogus));
    }

    @Test
    void shouldFailCancelWithEinvalOnAClosedContext() throws Exception {
        Pipe pipe = fx.pipe();
        AioContext ctx = AioContext.setup(4);
        Iocb poll = fx.iocb().prepPoll(pipe.readFd, POLLIN);
        ctx.submit(poll);
        ctx.close(); // io_destroy cancels the poll
        AioException e = assertErrno(Errno.EINVAL, "io_cancel", () -> ctx.cancel(poll));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void shouldCancelOnlyOnTheContextThatOwnsTheRequest() throws Exception {
        AioContext a = fx.context(4);
        AioContext b = fx.context(4);
        Pipe pipe = fx.pipe();
        Iocb poll = fx.iocb().prepPoll(pipe.readFd, POLLIN);
        a.submit(poll);
        assertErrno(Errno.EINVAL, "io_cancel", () -> b.cancel(poll));
        a.cancel(poll);
        assertEquals(poll.address(), awaitOne(a).obj());
    }
}
