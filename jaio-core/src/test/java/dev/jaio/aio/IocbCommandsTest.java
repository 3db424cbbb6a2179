package dev.jaio.aio;

import static dev.jaio.internal.linux.LibC.POLLIN;

import dev.jaio.AioException;
import dev.jaio.AlignedBufferPool;
import dev.jaio.Errno;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import dev.jaio.testing.TestFiles;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every iocb command on the real kernel, through an O_DIRECT {@link NativeFile} and pooled buffers. */
@Timeout(60)
class IocbCommandsTest {
    private static final int POLLOUT = 0x4;

    @TempDir
    Path dir;

    private AioContext ctx;
    private AlignedBufferPool pool;
    private Arena arena;
    private NativeFile file;
    private Path path;

    @BeforeEach
    void setUp() throws Exception {
        ctx = AioContext.setup(16);
        arena = Arena.ofConfined();
        path = dir.resolve("data");
        file = NativeFile.open(path, READ, WRITE, CREATE, JaioOpenOption.DIRECT);
        pool = new AlignedBufferPool(file.directIoAlignment().strictest(), 1 << 20, 8);
    }

    @AfterEach
    void tearDown() throws Exception {
        ctx.close();
        file.close();
        pool.close();
        arena.close();
    }

    private IoEvent complete(Iocb iocb) throws Exception {
        assertEquals(1, ctx.submit(iocb));
        IoEvent e = ctx.getEvents(1, 1, Duration.ofSeconds(10)).get(0);
        assertEquals(iocb.address(), e.obj());
        assertEquals(iocb.data(), e.data());
        return e;
    }

    private AlignedBufferPool.Buffer filled(int size, long seed) {
        AlignedBufferPool.Buffer b = pool.acquire(size);
        MemorySegment.copy(TestFiles.random(size, seed), 0, b.segment(), ValueLayout.JAVA_BYTE, 0, size);
        return b;
    }

    @Test
    void shouldWriteWithPwriteAndReadBackWithPread() throws Exception {
        try (AlignedBufferPool.Buffer src = filled(16384, 1); AlignedBufferPool.Buffer dst = pool.acquire(16384)) {
            IoEvent w = complete(Iocb.allocate(arena).prepPwrite(file.fd(), src.segment(), 4096).data(11));
            assertEquals(16384, w.res());
            assertEquals(4096 + 16384, file.size());
            IoEvent r = complete(Iocb.allocate(arena).prepPread(file.fd(), dst.segment(), 4096).data(12));
            assertEquals(16384, r.res());
            assertArrayEquals(src.segment().toArray(ValueLayout.JAVA_BYTE), dst.segment().toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(src.segment().toArray(ValueLayout.JAVA_BYTE),
                    Arrays.copyOfRange(Files.readAllBytes(path), 4096, 4096 + 16384));
            IoEvent eof = complete(Iocb.allocate(arena).prepPread(file.fd(), dst.segment(), 4096 + 16384).data(13));
            assertEquals(0, eof.res(), "a read at end of file returns 0");
        }
    }

    @Test
    void shouldGatherWithPwritevAndScatterWithPreadv() throws Exception {
        List<AlignedBufferPool.Buffer> sources = List.of(filled(4096, 2), filled(8192, 3), filled(4096, 4));
        List<AlignedBufferPool.Buffer> targets = List.of(pool.acquire(8192), pool.acquire(4096), pool.acquire(4096));
        try {
            MemorySegment out = IoVec.array(arena, sources.stream().map(AlignedBufferPool.Buffer::segment).toList());
            IoEvent w = complete(Iocb.allocate(arena).prepPwritev(file.fd(), out, 3, 8192).data(21));
            assertEquals(16384, w.res());
            byte[] expected = new byte[16384];
            int at = 0;
            for (AlignedBufferPool.Buffer b : sources) {
                byte[] part = b.segment().toArray(ValueLayout.JAVA_BYTE);
                System.arraycopy(part, 0, expected, at, part.length);
                at += part.length;
            }
            assertArrayEquals(expected, Arrays.copyOfRange(Files.readAllBytes(path), 8192, 8192 + 16384));

            MemorySegment in = IoVec.array(arena, targets.stream().map(AlignedBufferPool.Buffer::segment).toList());
            IoEvent r = complete(Iocb.allocate(arena).prepPreadv(file.fd(), in, 3, 8192).data(22));
            assertEquals(16384, r.res());
            byte[] got = new byte[16384];
            at = 0;
            for (AlignedBufferPool.Buffer b : targets) {
                byte[] part = b.segment().toArray(ValueLayout.JAVA_BYTE);
                System.arraycopy(part, 0, got, at, part.length);
                at += part.length;
            }
            assertArrayEquals(expected, got, "the read is split over the buffers in their own sizes");
        } finally {
            sources.forEach(AlignedBufferPool.Buffer::close);
            targets.forEach(AlignedBufferPool.Buffer::close);
        }
    }

    @Test
    void shouldSyncWithFsyncAndFdsync() throws Exception {
        try (AlignedBufferPool.Buffer src = filled(4096, 5)) {
            assertEquals(4096, complete(Iocb.allocate(arena).prepPwrite(file.fd(), src.segment(), 0).data(31)).res());
            IoEvent fsync = complete(Iocb.allocate(arena).prepFsync(file.fd()).data(32));
            assertEquals(0, fsync.res());
            IoEvent fdsync = complete(Iocb.allocate(arena).prepFdsync(file.fd()).data(33));
            assertEquals(0, fdsync.res());
            assertArrayEquals(src.segment().toArray(ValueLayout.JAVA_BYTE), Files.readAllBytes(path));
        }
    }

    @Test
    void shouldRefuseFsyncWithABufferAtSubmit() throws Exception {
        // aio_fsync: aio_buf, aio_nbytes, aio_offset and aio_rw_flags must be 0, else EINVAL.
        Iocb bad = Iocb.allocate(arena).prepFsync(file.fd()).nbytes(4096);
        AioException e = org.junit.jupiter.api.Assertions.assertThrows(AioException.class, () -> ctx.submit(bad));
        assertEquals(Errno.EINVAL, e.errnoConstant());
    }

    @Test
    void shouldReportARegularFileReadyAtOnceWithPoll() throws Exception {
        // A file without a poll method (ext4's) is always ready: vfs_poll gives DEFAULT_POLLMASK, and the
        // event's res is that mask and'ed with what was asked.
        IoEvent in = complete(Iocb.allocate(arena).prepPoll(file.fd(), POLLIN).data(41));
        assertEquals(POLLIN, in.res());
        IoEvent both = complete(Iocb.allocate(arena).prepPoll(file.fd(), POLLIN | POLLOUT).data(42));
        assertEquals(POLLIN | POLLOUT, both.res());
    }

    @Test
    void shouldWaitForAnEventfdWithPollAndCancelIt() throws Exception {
        try (EventFd efd = EventFd.create()) {
            Iocb poll = Iocb.allocate(arena).prepPoll(efd.fd(), POLLIN).data(51);
            assertEquals(1, ctx.submit(poll));
            assertTrue(ctx.getEvents(0, 1, Duration.ofMillis(50)).isEmpty(), "not readable yet");
            efd.write(1);
            IoEvent e = ctx.getEvents(1, 1, Duration.ofSeconds(10)).get(0);
            assertEquals(51, e.data());
            assertEquals(POLLIN, e.res());

            Iocb waiting = Iocb.allocate(arena).prepPoll(efd.fd(), POLLIN).data(52);
            efd.read();
            assertEquals(1, ctx.submit(waiting));
            ctx.cancel(waiting);
            IoEvent cancelled = ctx.getEvents(1, 1, Duration.ofSeconds(10)).get(0);
            assertEquals(52, cancelled.data());
            // aio_poll_cancel only marks the request cancelled; aio_poll_complete_work then completes it with
            // the events that fired, none: res is 0, not -ECANCELED (measured on Linux 6.18).
            assertEquals(0, cancelled.res());
        }
    }

    @Test
    void shouldRunAMixedBatchInOneSubmit() throws Exception {
        List<AlignedBufferPool.Buffer> held = new ArrayList<>();
        try {
            List<Iocb> batch = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                AlignedBufferPool.Buffer b = filled(4096, 100 + i);
                held.add(b);
                batch.add(Iocb.allocate(arena).prepPwrite(file.fd(), b.segment(), i * 4096L).data(i));
            }
            assertEquals(4, ctx.submit(batch));
            assertEquals(4, ctx.getEvents(4, 4, Duration.ofSeconds(10)).stream().filter(e -> e.res() == 4096).count());
            AlignedBufferPool.Buffer dst = pool.acquire(4096);
            held.add(dst);
            List<Iocb> second = List.of(
                    Iocb.allocate(arena).prepFdsync(file.fd()).data(10),
                    Iocb.allocate(arena).prepPoll(file.fd(), POLLIN).data(11),
                    Iocb.allocate(arena).prepPread(file.fd(), dst.segment(), 4096).data(12));
            assertEquals(3, ctx.submit(second));
            List<IoEvent> events = ctx.getEvents(3, 3, Duration.ofSeconds(10));
            assertEquals(3, events.size());
            for (IoEvent e : events) {
                long want = switch ((int) e.data()) {
                    case 10 -> 0;
                    case 11 -> POLLIN;
                    case 12 -> 4096;
                    default -> throw new AssertionError("unexpected event " + e);
                };
                assertEquals(want, e.res(), e.toString());
            }
            assertArrayEquals(held.get(1).segment().toArray(ValueLayout.JAVA_BYTE), dst.segment().toArray(ValueLayout.JAVA_BYTE));
        } finally {
            held.forEach(AlignedBufferPool.Buffer::close);
        }
    }
}
