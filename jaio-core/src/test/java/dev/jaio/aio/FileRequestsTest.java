package dev.jaio.aio;

import static dev.jaio.aio.AioFixture.POLLIN;
import static dev.jaio.aio.AioFixture.awaitAll;
import static dev.jaio.aio.AioFixture.awaitOne;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Successful requests through an {@link AioContext} on real files and pipes: reads, writes, vectors,
 * syncs, polls, an eventfd, O_DIRECT, O_APPEND and end of file.
 */
class FileRequestsTest {
    @RegisterExtension
    final AioFixture fx = new AioFixture();

    @Test
    void shouldReadAFileThroughKernelAio() throws Exception {
        AioContext ctx = fx.context(8);
        NativeFile f = fx.patternedFile(8192, JaioOpenOption.DIRECT);
        Arena arena = fx.arena();
        MemorySegment buf = arena.allocate(4096, 4096);
        Iocb iocb = fx.iocb().prepPread(f.fd(), buf, 4096).data(42);
        assertEquals(1, ctx.submit(iocb));
        IoEvent e = awaitOne(ctx);
        assertEquals(42, e.data());
        assertEquals(iocb.address(), e.obj());
        assertEquals(4096, e.res());
        assertEquals(0, e.res2());
        TestFiles.assertPattern(buf, 4096, 4096);
    }

    @Test
    void shouldWriteThenReadBack() throws Exception {
        Path p = fx.dir().resolve("w");
        byte[] data = TestFiles.random(8192, 1);
        AioContext ctx = fx.context(8);
        NativeFile f = fx.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, JaioOpenOption.DIRECT);
        Arena arena = fx.arena();
        MemorySegment src = arena.allocate(8192, 4096);
        MemorySegment.copy(data, 0, src, JAVA_BYTE, 0, data.length);
        Iocb w = fx.iocb().prepPwrite(f.fd(), src, 0);
        assertEquals(1, ctx.submit(w));
        assertEquals(8192, ctx.getEvents(1, 1, null).get(0).res());
        MemorySegment dst = arena.allocate(8192, 4096);
        Iocb r = fx.iocb().prepPread(f.fd(), dst, 0);
        ctx.submit(r);
        assertEquals(8192, ctx.getEvents(1, 1, null).get(0).res());
        assertArrayEquals(data, dst.toArray(JAVA_BYTE));
        assertArrayEquals(data, Files.readAllBytes(p));
    }

    @Test
    void shouldReadAndWriteVectors() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.openReadWrite("v");
        Arena arena = fx.arena();
        byte[] data = TestFiles.random(100 + 3000 + 1, 11);
        MemorySegment a = arena.allocate(100);
        MemorySegment b = arena.allocate(3000);
        MemorySegment c = arena.allocate(1);
        MemorySegment.copy(data, 0, a, JAVA_BYTE, 0, 100);
        MemorySegment.copy(data, 100, b, JAVA_BYTE, 0, 3000);
        MemorySegment.copy(data, 3100, c, JAVA_BYTE, 0, 1);
        Iocb w = fx.iocb().prepPwritev(f.fd(), IoVec.array(arena, List.of(a, b, c)), 3, 10);
        assertEquals(Iocb.CMD_PWRITEV, w.opcode());
        assertEquals(3, w.nbytes());
        ctx.submit(w);
        assertEquals(data.length, awaitOne(ctx).res());
        byte[] onDisk = Files.readAllBytes(f.path());
        assertEquals(10 + data.length, onDisk.length);
        assertArrayEquals(data, java.util.Arrays.copyOfRange(onDisk, 10, onDisk.length));

        MemorySegment x = arena.allocate(7);
        MemorySegment y = arena.allocate(4000);
        Iocb r = fx.iocb().prepPreadv(f.fd(), IoVec.array(arena, List.of(x, y)), 2, 10);
        ctx.submit(r);
        assertEquals(data.length, awaitOne(ctx).res(), "short read at end of file");
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 7), x.toArray(JAVA_BYTE));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 7, data.length),
                y.asSlice(0, data.length - 7).toArray(JAVA_BYTE));
    }

    @Test
    void shouldSyncFilesWithFsyncAndFdsync() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.openReadWrite("s");
        Arena arena = fx.arena();
        MemorySegment buf = arena.allocate(4096).fill((byte) 5);
        ctx.submit(fx.iocb().prepPwrite(f.fd(), buf, 0));
        assertEquals(4096, awaitOne(ctx).res());
        Iocb fsync = fx.iocb().prepFsync(f.fd()).data(1);
        Iocb fdsync = fx.iocb().prepFdsync(f.fd()).data(2);
        assertEquals(2, ctx.submit(fsync, fdsync));
        List<IoEvent> events = new ArrayList<>(awaitAll(ctx, 2));
        events.sort(Comparator.comparingLong(IoEvent::data));
        assertEquals(List.of(new IoEvent(1, fsync.address(), 0, 0), new IoEvent(2, fdsync.address(), 0, 0)),
                events);
    }

    @Test
    void shouldFirePollInWhenDataArrivesOnAPipe() throws Exception {
        AioContext ctx = fx.context(4);
        Pipe pipe = fx.pipe();
        Iocb in = fx.iocb().prepPoll(pipe.readFd, POLLIN).data(1);
        assertEquals(POLLIN, in.buf());
        ctx.submit(in);
        assertTrue(ctx.getEvents(0, 1, Duration.ofMillis(50)).isEmpty(), "POLLIN with an empty pipe");
        pipe.writeByte('x');
        // res is the mask the pipe's wake-up reported, unfiltered: POLLIN | POLLRDNORM (0x41) here.
        IoEvent fired = awaitOne(ctx);
        assertEquals(1, fired.data());
        assertEquals(in.address(), fired.obj());
        assertEquals(POLLIN, fired.res() & POLLIN, "res=" + fired.res());
        assertEquals(0, fired.res2());
        // With data already there, the poll completes during io_submit.
        ctx.submit(in.data(2));
        IoEvent ready = awaitOne(ctx);
        assertEquals(2, ready.data());
        assertEquals(POLLIN, ready.res() & POLLIN, "res=" + ready.res());
        // POLLOUT (4) on the write end is ready at once.
        Iocb out = fx.iocb().prepPoll(pipe.writeFd, 0x4);
        ctx.submit(out);
        assertEquals(0x4, awaitOne(ctx).res());
    }

    @Test
    void shouldSignalAnEventfdOncePerCompletion() throws Exception {
        AioContext ctx = fx.context(8);
        NativeFile f = fx.patternedFile(4096);
        EventFd efd = fx.eventFd();
        Arena arena = fx.arena();
        assertEquals(0, efd.read());
        Iocb one = fx.iocb().prepPread(f.fd(), arena.allocate(512), 0).eventFd(efd.fd());
        assertEquals(Iocb.FLAG_RESFD, one.flags());
        assertEquals(efd.fd(), one.resFd());
        ctx.submit(one);
        awaitOne(ctx);
        assertEquals(1, efd.read());
        List<Iocb> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            three.add(fx.iocb().prepPread(f.fd(), arena.allocate(512), i * 512L).eventFd(efd.fd()));
        }
        assertEquals(3, ctx.submit(three));
        awaitAll(ctx, 3);
        assertEquals(3, efd.read());
        assertEquals(0, efd.read());
    }

    @Test
    void shouldReadAndWriteWithDirectIo() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.open(fx.dir().resolve("d"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, JaioOpenOption.DIRECT);
        Arena arena = fx.arena();
        assertTrue(f.isDirect());
        byte[] data = TestFiles.random(3 * 4096, 5);
        MemorySegment src = arena.allocate(data.length, 4096);
        MemorySegment.copy(data, 0, src, JAVA_BYTE, 0, data.length);
        ctx.submit(fx.iocb().prepPwrite(f.fd(), src, 8192));
        assertEquals(data.length, awaitOne(ctx).res());
        MemorySegment dst = arena.allocate(data.length, 4096);
        ctx.submit(fx.iocb().prepPread(f.fd(), dst, 8192));
        assertEquals(data.length, awaitOne(ctx).res());
        assertArrayEquals(data, dst.toArray(JAVA_BYTE));
        // A misaligned file offset: io_submit queues it, and the read fails in its completion.
        assertEquals(1, ctx.submit(fx.iocb().prepPread(f.fd(), dst, 1)));
        assertEquals(-Errno.EINVAL.number(), awaitOne(ctx).res());
    }

    @Test
    void shouldReadZeroBytesAtEndOfFileAndAShortCountAcrossIt() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(1000);
        Arena arena = fx.arena();
        MemorySegment buf = arena.allocate(4096);
        ctx.submit(fx.iocb().prepPread(f.fd(), buf, 1000));
        assertEquals(0, awaitOne(ctx).res());
        ctx.submit(fx.iocb().prepPread(f.fd(), buf, 1 << 30));
        assertEquals(0, awaitOne(ctx).res());
        ctx.submit(fx.iocb().prepPread(f.fd(), buf, 500));
        assertEquals(500, awaitOne(ctx).res());
        TestFiles.assertPattern(buf, 500, 500);
    }

    @Test
    void shouldReadZeroBytesAtEndOfFileWithDirectIo() throws Exception {
        AioContext ctx = fx.context(4);
        NativeFile f = fx.patternedFile(4096 + 100, JaioOpenOption.DIRECT);
        Arena arena = fx.arena();
        MemorySegment buf = arena.allocate(8192, 4096);
        ctx.submit(fx.iocb().prepPread(f.fd(), buf, 8192));
        assertEquals(0, awaitOne(ctx).res());
        ctx.submit(fx.iocb().prepPread(f.fd(), buf, 0));
        assertEquals(4096 + 100, awaitOne(ctx).res(), "short O_DIRECT read across end of file");
        TestFiles.assertPattern(buf, 4096 + 100, 0);
    }

    @Test
    void shouldAppendIgnoringTheOffsetWithOAppend() throws Exception {
        Path p = fx.patterned(1000);
        AioContext ctx = fx.context(4);
        NativeFile f = fx.open(p, StandardOpenOption.APPEND);
        Arena arena = fx.arena();
        assertTrue(f.isAppend());
        MemorySegment buf = arena.allocate(100).fill((byte) 0x7f);
        ctx.submit(fx.iocb().prepPwrite(f.fd(), buf, 0));
        assertEquals(100, awaitOne(ctx).res());
        ctx.submit(fx.iocb().prepPwrite(f.fd(), buf.asSlice(0, 10).fill((byte) 0x11), 5));
        assertEquals(10, awaitOne(ctx).res());
        byte[] onDisk = Files.readAllBytes(p);
        assertEquals(1110, onDisk.length);
        for (int i = 0; i < 1000; i++) {
            assertEquals(TestFiles.patternByte(i), onDisk[i], "original byte " + i);
        }
        for (int i = 1000; i < 1100; i++) {
            assertEquals(0x7f, onDisk[i], "appended byte " + i);
        }
        for (int i = 1100; i < 1110; i++) {
            assertEquals(0x11, onDisk[i], "second append " + i);
        }
    }
}
