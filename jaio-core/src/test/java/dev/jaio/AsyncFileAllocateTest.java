package dev.jaio;

import dev.jaio.testing.TestFiles;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AsyncFile#allocateAsync}: a FALLOCATE request, on whichever engine the suite runs (an
 * IORING_OP_FALLOCATE on io_uring, a blocking thread on kernel AIO and the thread pool), with the same
 * results and errors as the blocking {@link AsyncFile#allocate(long, long, FallocateMode...)}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AsyncFileAllocateTest {
    @TempDir
    Path dir;
    AioEngine engine;

    @BeforeEach
    void setUp() throws Exception {
        engine = EngineTestSupport.engine();
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    private static Throwable cause(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void shouldAllocateAndExtendTheFile() throws Exception {
        Path p = Files.createFile(dir.resolve("empty"));
        try (AsyncFile f = AsyncFile.open(p, engine, READ, WRITE)) {
            assertNull(f.allocateAsync(0, 1 << 20).get(30, TimeUnit.SECONDS));
            assertEquals(1 << 20, f.size());
            assertEquals(1, engine.stats().completed(), "one request on the engine, on " + engine.kind());
        }
        assertEquals(1 << 20, Files.size(p));
    }

    @Test
    void shouldKeepTheSizeWithKeepSize() throws Exception {
        Path p = TestFiles.patterned(dir, "small", 4096);
        try (AsyncFile f = AsyncFile.open(p, engine, READ, WRITE)) {
            f.allocateAsync(0, 1 << 20, FallocateMode.KEEP_SIZE).get(30, TimeUnit.SECONDS);
            assertEquals(4096, f.size());
        }
    }

    @Test
    void shouldPunchAHoleThatReadsAsZeros() throws Exception {
        Path p = TestFiles.patterned(dir, "holed", 1 << 16);
        try (AsyncFile f = AsyncFile.open(p, engine, READ, WRITE)) {
            f.allocateAsync(8192, 8192, FallocateMode.PUNCH_HOLE).get(30, TimeUnit.SECONDS);
            assertEquals(1 << 16, f.size(), "PUNCH_HOLE keeps the size");
            ByteBuffer back = ByteBuffer.allocate(1 << 16);
            assertEquals(1 << 16, f.read(back, 0).get(30, TimeUnit.SECONDS));
            for (int i = 0; i < 1 << 16; i++) {
                byte expected = i >= 8192 && i < 16384 ? 0 : TestFiles.patternByte(i);
                assertEquals(expected, back.get(i), "byte " + i);
            }
        }
    }

    @Test
    void shouldZeroARange() throws Exception {
        Path p = TestFiles.patterned(dir, "zeroed", 1 << 16);
        try (AsyncFile f = AsyncFile.open(p, engine, READ, WRITE)) {
            f.allocateAsync(4096, 4096, FallocateMode.ZERO_RANGE).get(30, TimeUnit.SECONDS);
            ByteBuffer back = ByteBuffer.allocate(8192);
            f.read(back, 4096).get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 4096; i++) {
                assertEquals(0, back.get(i), "byte " + (4096 + i));
            }
            assertEquals(TestFiles.patternByte(8192), back.get(4096), "after the range");
        }
    }

    @Test
    void shouldFailWithEbadfOnAFileNotOpenForWriting() throws Exception {
        Path p = TestFiles.patterned(dir, "ro", 4096);
        try (AsyncFile f = AsyncFile.open(p, engine, READ)) {
            AioException e = assertInstanceOf(AioException.class, cause(f.allocateAsync(0, 8192)));
            assertEquals(Errno.EBADF.number(), e.errno());
            assertEquals("fallocate", e.syscall());
            // The blocking form gives the same answer.
            AioException blocking = assertThrows(AioException.class, () -> f.allocate(0, 8192));
            assertEquals(e.errno(), blocking.errno());
            assertEquals(4096, f.size());
        }
    }

    @Test
    void shouldFailWithEinvalForAnEmptyOrNegativeRange() throws Exception {
        Path p = TestFiles.patterned(dir, "inval", 4096);
        try (AsyncFile f = AsyncFile.open(p, engine, READ, WRITE)) {
            for (long[] range : new long[][] {{0, 0}, {0, -1}, {-4096, 4096}}) {
                AioException e = assertInstanceOf(AioException.class, cause(f.allocateAsync(range[0], range[1])));
                assertEquals(Errno.EINVAL.number(), e.errno(), "offset " + range[0] + ", length " + range[1]);
                assertTrue(e.getMessage().contains("fallocate"), e.getMessage());
            }
            // The engine goes on.
            f.allocateAsync(0, 8192).get(30, TimeUnit.SECONDS);
            assertEquals(8192, f.size());
        }
    }

    @Test
    void shouldFailOnAClosedFile() throws Exception {
        Path p = TestFiles.patterned(dir, "closed", 4096);
        AsyncFile f = AsyncFile.open(p, engine, READ, WRITE);
        f.close();
        assertInstanceOf(ClosedChannelException.class, cause(f.allocateAsync(0, 8192)));
    }
}
