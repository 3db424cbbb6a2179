package dev.jaio.aio;

import dev.jaio.AioException;
import dev.jaio.AlignedBufferPool;
import dev.jaio.Errno;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import dev.jaio.testing.TestFiles;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class EventFdTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadAndResetTheCounter() throws Exception {
        try (EventFd efd = EventFd.create()) {
            assertTrue(efd.fd() >= 0);
            assertEquals(0, efd.read(), "a non-blocking read of a zero counter gives 0");
            efd.write(3);
            efd.write(4);
            assertEquals(7, efd.read());
            assertEquals(0, efd.read());
        }
    }

    @Test
    void shouldTakeOneAtATimeAsSemaphore() throws Exception {
        try (EventFd efd = EventFd.create(2, EventFd.EFD_SEMAPHORE | EventFd.EFD_NONBLOCK)) {
            assertEquals(1, efd.read());
            assertEquals(1, efd.read());
            assertEquals(0, efd.read());
        }
    }

    @Test
    void shouldFailWithEinvalForUnknownFlags() {
        AioException e = assertThrows(AioException.class, () -> EventFd.create(0, 0x10));
        assertEquals(Errno.EINVAL, e.errnoConstant());
        assertEquals("eventfd2", e.syscall());
    }

    @Test
    void shouldCloseIdempotentlyAndRefuseUseAfterClose() throws Exception {
        EventFd efd = EventFd.create();
        efd.close();
        efd.close();
        assertThrows(IllegalStateException.class, efd::fd);
        assertThrows(ClosedChannelException.class, efd::read);
        assertThrows(ClosedChannelException.class, () -> efd.write(1));
    }

    @Test
    @Timeout(30)
    void shouldCountCompletionsOfRequestsWithResfd() throws Exception {
        Path p = TestFiles.patterned(dir, "f", 16 * 4096);
        try (EventFd efd = EventFd.create();
             NativeFile f = NativeFile.open(p, READ, WRITE, JaioOpenOption.DIRECT);
             AioContext ctx = AioContext.setup(16);
             AlignedBufferPool pool = new AlignedBufferPool();
             Arena arena = Arena.ofConfined()) {
            List<Iocb> iocbs = new ArrayList<>();
            List<AlignedBufferPool.Buffer> buffers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                AlignedBufferPool.Buffer b = pool.acquire(4096);
                buffers.add(b);
                iocbs.add(Iocb.allocate(arena).prepPread(f.fd(), b.segment(), i * 4096L).eventFd(efd.fd()).data(i));
            }
            assertEquals(Iocb.FLAG_RESFD, iocbs.get(0).flags() & Iocb.FLAG_RESFD);
            assertEquals(8, ctx.submit(iocbs));
            long signalled = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (signalled < 8 && System.nanoTime() < deadline) {
                signalled += efd.read();
                Thread.onSpinWait();
            }
            assertEquals(8, signalled, "one eventfd increment per completion");
            // The eventfd is signalled after the event is in the ring: all 8 can be reaped without waiting.
            assertEquals(8, ctx.getEvents(8, 8, Duration.ZERO).size());
            for (int i = 0; i < 8; i++) {
                assertEquals(TestFiles.patternByte(i * 4096L + 1), buffers.get(i).segment().get(
                        java.lang.foreign.ValueLayout.JAVA_BYTE, 1));
            }
            buffers.forEach(AlignedBufferPool.Buffer::close);
        }
    }

    @Test
    void shouldFailSubmitWithEbadfForAResfdThatIsNotAnEventfd() throws Exception {
        Path p = TestFiles.patterned(dir, "g", 4096);
        try (NativeFile f = NativeFile.open(p, READ);
             AioContext ctx = AioContext.setup(4);
             Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4096, 4096);
            // fs/aio.c: eventfd_ctx_fdget() of a regular file fails with EINVAL; of a closed number, EBADF.
            Iocb notEventfd = Iocb.allocate(arena).prepPread(f.fd(), buf, 0).eventFd(f.fd());
            assertEquals(Errno.EINVAL, assertThrows(AioException.class, () -> ctx.submit(notEventfd)).errnoConstant());
            Iocb badFd = Iocb.allocate(arena).prepPread(f.fd(), buf, 0).eventFd(Integer.MAX_VALUE);
            assertEquals(Errno.EBADF, assertThrows(AioException.class, () -> ctx.submit(badFd)).errnoConstant());
        }
    }
}
