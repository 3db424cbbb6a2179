package dev.jaio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AioContextTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadAFileThroughKernelAio() throws Exception {
        Path p = TestFiles.patterned(dir, "f", 8192);
        try (AioContext ctx = AioContext.setup(8);
             NativeFile f = NativeFile.open(p, StandardOpenOption.READ, JaioOpenOption.DIRECT);
             Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4096, 4096);
            Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), buf, 4096).data(42);
            assertEquals(1, ctx.submit(iocb));
            List<IoEvent> events = ctx.getEvents(1, 1, Duration.ofSeconds(10));
            assertEquals(1, events.size());
            IoEvent e = events.get(0);
            assertEquals(42, e.data());
            assertEquals(iocb.address(), e.obj());
            assertEquals(4096, e.res());
            for (int i = 0; i < 4096; i++) {
                assertEquals(TestFiles.patternByte(4096 + i), buf.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
            }
        }
    }

    @Test
    void shouldRefuseUseAfterCloseWithEinval() throws Exception {
        AioContext ctx = AioContext.setup(4);
        ctx.close();
        ctx.close();
        AioException e = assertThrows(AioException.class, () -> ctx.getEvents(0, 1, Duration.ZERO));
        assertEquals(Errno.EINVAL.number(), e.errno());
        assertEquals("io_getevents", e.syscall());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void shouldFailSetupWithEinvalForZeroAndMinusOne() {
        assertEquals("EINVAL", assertThrows(AioException.class, () -> AioContext.setup(0)).errnoName());
        assertEquals("EINVAL", assertThrows(AioException.class, () -> AioContext.setup(-1)).errnoName());
    }

    @Test
    void shouldWriteThenReadBack() throws Exception {
        Path p = dir.resolve("w");
        byte[] data = TestFiles.random(8192, 1);
        try (AioContext ctx = AioContext.setup(8);
             NativeFile f = NativeFile.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                     StandardOpenOption.WRITE, JaioOpenOption.DIRECT);
             Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(8192, 4096);
            MemorySegment.copy(data, 0, src, ValueLayout.JAVA_BYTE, 0, data.length);
            Iocb w = Iocb.allocate(arena).prepPwrite(f.fd(), src, 0);
            assertEquals(1, ctx.submit(w));
            assertEquals(8192, ctx.getEvents(1, 1, null).get(0).res());
            MemorySegment dst = arena.allocate(8192, 4096);
            Iocb r = Iocb.allocate(arena).prepPread(f.fd(), dst, 0);
            ctx.submit(r);
            assertEquals(8192, ctx.getEvents(1, 1, null).get(0).res());
            assertArrayEquals(data, dst.toArray(ValueLayout.JAVA_BYTE));
        }
    }
}
