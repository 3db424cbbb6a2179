package dev.jaio;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.internal.buffer.StagingPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Staged transfers: bounded chunks of pool memory, and nothing held after a failure while staging. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AsyncFileStagingTest {
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

    @Test
    void shouldReleaseTheFileWhenStagingThrowsSoThatCloseReturns() throws Exception {
        AsyncFile f = AsyncFile.open(dir.resolve("f"), engine, CREATE, READ, WRITE);
        Arena arena = Arena.ofShared();
        MemorySegment gone = arena.allocate(4096);
        arena.close();
        // Copying from a closed arena's segment throws while the write is being staged.
        ExecutionException single = assertThrows(ExecutionException.class, () -> f.write(gone, 0).get());
        assertInstanceOf(IllegalStateException.class, single.getCause());
        ExecutionException vectored = assertThrows(ExecutionException.class,
                () -> f.write(List.of(MemorySegment.ofArray(new byte[10]), gone), 0).get());
        assertInstanceOf(IllegalStateException.class, vectored.getCause());
        f.close(); // would wait forever if the failed writes had kept the file in use
        assertFalse(f.isOpen());
    }

    @Test
    void shouldStageAHeapTransferLargerThanAChunkInChunks() throws Exception {
        int size = 5 * StagingPool.CHUNK + 12345;
        byte[] data = new byte[size];
        new Random(3).nextBytes(data);
        try (AsyncFile f = AsyncFile.open(dir.resolve("big"), engine, CREATE, READ, WRITE)) {
            long before = engine.stats().submitted();
            assertEquals(size, f.write(ByteBuffer.wrap(data), 100).get());
            long chunks = engine.stats().submitted() - before;
            assertEquals(6, chunks, "one request per chunk of at most " + StagingPool.CHUNK + " bytes");
            ByteBuffer back = ByteBuffer.allocate(size + 10);
            assertEquals(size, f.read(back, 100).get(), "a short chunk at end of file ends the read");
            assertEquals(size, back.position());
            assertArrayEquals(data, java.util.Arrays.copyOf(back.array(), size));
            assertArrayEquals(data, java.util.Arrays.copyOfRange(Files.readAllBytes(dir.resolve("big")), 100, 100 + size));
        }
    }

    @Test
    void shouldGiveStagingMemoryBackWhenRequestsComplete() throws Exception {
        StagingPool pool = StagingPool.forAlignment(4096);
        long before = pool.allocatedBytes();
        try (AsyncFile f = AsyncFile.open(dir.resolve("small"), engine, CREATE, READ, WRITE)) {
            f.write(ByteBuffer.wrap(new byte[8192]), 0).get();
            for (int round = 0; round < 20; round++) {
                List<java.util.concurrent.CompletableFuture<Integer>> reads = new java.util.ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    reads.add(f.read(ByteBuffer.allocate(512), i % 16 * 512L));
                }
                for (var r : reads) {
                    assertEquals(512, r.get());
                }
            }
        }
        // 4,000 staged reads of 4 KiB buffers (16 MB if none came back); what stays is at most the 4 KiB
        // class's idle allowance of 4 MiB, whatever the number of reads.
        assertTrue(pool.allocatedBytes() - before <= 4L << 20,
                "before=" + before + " after=" + pool.allocatedBytes());
    }

    @Test
    void shouldRefuseStagingSizesBeyondAChunk() {
        StagingPool pool = StagingPool.forAlignment(4096);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool.acquire(StagingPool.CHUNK + 1L));
        assertTrue(e.getMessage().contains("staging size out of range"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StagingPool.forAlignment(3000));
    }
}
