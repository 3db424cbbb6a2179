package dev.jaio.nio;

import dev.jaio.testing.ChildJvm;
import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioEngine;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inline path through jaio's channels: a cached read is done on the caller's thread, and the JDK's
 * contracts (where completion handlers run, interruption of a blocking channel) still hold.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AioChannelsInlineTest {
    @TempDir
    Path dir;

    private Path cachedFile(byte[] data) throws Exception {
        return Files.write(dir.resolve("cached"), data);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static AioEngine engine() throws Exception {
        return AioEngine.builder().queueDepth(64).build();
    }

    @Test
    void shouldWriteOnTheCallingPlatformThreadAsTheJdksChannelDoes() throws Exception {
        Path p = Files.write(dir.resolve("written"), new byte[0]);
        byte[] data = random(100 * 4096 + 100);
        try (AioEngine e = engine();
             AioFileChannel ch = AioFileChannel.open(p, Set.of(java.nio.file.StandardOpenOption.WRITE), e)) {
            int writes = 0;
            ByteBuffer heap = ByteBuffer.wrap(data);
            while (heap.hasRemaining()) {
                int n = ch.write(heap.slice(heap.position(), Math.min(4096 + 100, heap.remaining())),
                        heap.position());
                heap.position(heap.position() + n);
                writes++;
            }
            ByteBuffer direct = ByteBuffer.allocateDirect(4096).put(0, data, 0, 4096);
            assertEquals(4096, ch.write(direct, 0));
            assertEquals(4096, direct.position());
            writes++;
            AioEngine.Stats st = e.stats();
            assertEquals(0, st.toEngine(), "a platform thread writes itself, as the JDK's channel: " + st);
            assertEquals(writes, st.inline(), st.toString());
            // A virtual thread keeps the inline attempt and the engine, which parks it rather than pin its
            // carrier in pwrite: where the file system refuses RWF_NOWAIT writes, that write goes to the engine.
            AtomicReference<Object> out = new AtomicReference<>();
            Thread.ofVirtual().start(() -> {
                try {
                    out.set(ch.write(ByteBuffer.wrap(data, 0, 4096), 0));
                } catch (Throwable t) {
                    out.set(t);
                }
            }).join();
            assertEquals(4096, out.get());
            st = e.stats();
            assertEquals(writes + 1, st.submitted(), st.toString());
            assertEquals(ch.asyncFile().refusesNowaitWrites() ? 1 : 0, st.toEngine(), st.toString());
        }
        assertArrayEquals(data, Files.readAllBytes(p));
    }

    @Test
    void shouldReadPagesNotInTheCacheOnTheCallingPlatformThreadAsTheJdksChannelDoes() throws Exception {
        byte[] data = random(1 << 20);
        Path p = cachedFile(data);
        try (AioEngine e = engine(); AioFileChannel ch = AioFileChannel.open(p, Set.of(READ), e)) {
            ch.force(true);
            assertEquals(0, dev.jaio.testing.TestNatives.posixFadvise(ch.asyncFile().nativeFile().fd(), 0, data.length,
                    dev.jaio.testing.TestNatives.POSIX_FADV_DONTNEED), "posix_fadvise(POSIX_FADV_DONTNEED)");
            long forced = e.stats().submitted(); // the force
            ByteBuffer b = ByteBuffer.allocate(data.length);
            int n = ch.read(b, 0);
            assertTrue(n > 0, "read " + n);
            assertArrayEquals(Arrays.copyOf(data, n), Arrays.copyOf(b.array(), n));
            AioEngine.Stats st = e.stats();
            // Whether the pages were still cached or not, the platform thread made the pread itself.
            assertEquals(forced, st.toEngine(), st.toString());
            assertEquals(1, st.inline(), st.toString());
        }
    }

    @Test
    void shouldReadACachedRangeOnAPlatformThreadWithoutTheEngineAndCountEveryRead() throws Exception {
        byte[] data = random(1 << 16);
        Path p = cachedFile(data);
        try (AioEngine e = engine(); AioFileChannel ch = AioFileChannel.open(p, Set.of(READ), e)) {
            ByteBuffer b = ByteBuffer.allocate(1024);
            int reads = 1000; // far more than the one in 64 the latency summary times
            for (int i = 0; i < reads; i++) {
                b.clear();
                assertEquals(1024, ch.read(b, (i % 60) * 1024L));
            }
            assertArrayEquals(Arrays.copyOfRange(data, (999 % 60) * 1024, (999 % 60) * 1024 + 1024), b.array());
            assertEquals(-1, ch.read(ByteBuffer.allocate(16), data.length), "end of file, finished inline");
            ByteBuffer direct = ByteBuffer.allocateDirect(100);
            assertEquals(100, ch.read(direct, 7));
            assertEquals(data[7], direct.get(0));
            AioEngine.Stats st = e.stats();
            assertEquals(reads + 2, st.inline(), "every inline read is counted, timed or not: " + st);
            assertEquals(0, st.toEngine(), st.toString());
            assertEquals(reads + 2, st.completed(), st.toString());
        }
    }

    @Test
    void shouldReadACachedRangeOnAVirtualThreadWithoutTheEngine() throws Exception {
        byte[] data = random(1 << 16);
        Path p = cachedFile(data);
        try (AioEngine e = engine(); AioFileChannel ch = AioFileChannel.open(p, Set.of(READ), e)) {
            AtomicReference<Object> out = new AtomicReference<>();
            Thread.ofVirtual().start(() -> {
                try {
                    ByteBuffer b = ByteBuffer.allocate(1024);
                    int n = 0;
                    for (int i = 0; i < 100; i++) {
                        b.clear();
                        n += ch.read(b, i * 512L);
                    }
                    out.set(n == 100 * 1024 ? b : "read " + n);
                } catch (Throwable t) {
                    out.set(t);
                }
            }).join();
            ByteBuffer last = (ByteBuffer) out.get();
            assertArrayEquals(Arrays.copyOfRange(data, 99 * 512, 99 * 512 + 1024), last.array());
            AioEngine.Stats st = e.stats();
            assertEquals(100, st.inline(), st.toString());
            assertEquals(0, st.toEngine(), st.toString());
        }
    }

    @Test
    void shouldNeverParkAVirtualThreadForACachedRead() throws Exception {
        byte[] data = random(8 << 20);
        Path p = cachedFile(data);
        // One carrier: a read that parked its virtual thread would let another one into a read meanwhile.
        try (ChildJvm.Running child = ChildJvm.of(CarrierProbe.class, "jaio", p.toString()).sameEngine()
                .jvmOptions("-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1")
                .start()) {
            String out = child.readAll();
            assertTrue(out.contains("maxInRead=1 ok=2000 of 2000"), "cached reads are done without parking: " + out);
        }
    }

    @Test
    void shouldStillCloseTheChannelForAnInterruptedReaderOfCachedData() throws Exception {
        Path p = cachedFile(random(4096));
        try (AioEngine e = engine(); AioFileChannel ch = AioFileChannel.open(p, Set.of(READ), e)) {
            Thread.currentThread().interrupt();
            try {
                assertThrows(ClosedByInterruptException.class, () -> ch.read(ByteBuffer.allocate(100), 0));
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt status is kept, as the JDK's channel keeps it");
            }
            assertFalse(ch.isOpen(), "an interrupted blocking read closes the channel, as the JDK's does");
        }
    }

    @Test
    void shouldRunACompletionHandlerOnTheExecutorEvenWhenTheReadWasInline() throws Exception {
        byte[] data = random(8192);
        Path p = cachedFile(data);
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "handler-pool"));
        try (AioEngine e = engine();
             AioAsynchronousFileChannel ch = AioAsynchronousFileChannel.open(p, Set.of(READ), pool, e)) {
            Future<Integer> f = ch.read(ByteBuffer.allocate(1024), 0);
            assertTrue(f.isDone(), "a future may be completed inline");
            assertEquals(1024, f.get());

            CompletableFuture<String> ran = new CompletableFuture<>();
            ByteBuffer b = ByteBuffer.allocate(512);
            ch.read(b, 1024, "att", new CompletionHandler<Integer, String>() {
                @Override
                public void completed(Integer n, String att) {
                    ran.complete(Thread.currentThread().getName() + ":" + n + ":" + att);
                }

                @Override
                public void failed(Throwable t, String att) {
                    ran.completeExceptionally(t);
                }
            });
            assertEquals("handler-pool:512:att", ran.get(30, TimeUnit.SECONDS));
            assertArrayEquals(Arrays.copyOfRange(data, 1024, 1536), b.array());
            assertEquals(2, e.stats().inline(), e.stats().toString());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void shouldStillCloseTheChannelWhenAnEngineReadIsCancelledWithInterrupt() throws Exception {
        // A cached buffered read completes inside read() and cannot be cancelled any more (the JDK
        // comparison test then skips for jaio); O_DIRECT reads go to the engine and can.
        Path p = cachedFile(random(1 << 20));
        try (AioEngine e = engine();
             AioAsynchronousFileChannel ch = AioAsynchronousFileChannel.open(p,
                     Set.of(READ, dev.jaio.JaioOpenOption.DIRECT), null, e)) {
            boolean cancelled = false;
            for (int i = 0; i < 2000 && !cancelled; i++) {
                cancelled = ch.read(ByteBuffer.allocateDirect(65536), (i % 16) * 65536L).cancel(true);
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(cancelled,
                    "every O_DIRECT read completed before it could be cancelled");
            assertFalse(ch.isOpen(), "cancel(true) closes the channel");
        }
    }

    @Test
    void shouldNotRunAHandlerOnTheIssuingThreadWithoutAnExecutor() throws Exception {
        Path p = cachedFile(random(8192));
        try (AioEngine e = engine();
             AioAsynchronousFileChannel ch = AioAsynchronousFileChannel.open(p, Set.of(READ), null, e)) {
            CompletableFuture<Thread> ran = new CompletableFuture<>();
            ch.read(ByteBuffer.allocate(512), 0, null, new CompletionHandler<Integer, Object>() {
                @Override
                public void completed(Integer n, Object att) {
                    ran.complete(Thread.currentThread());
                }

                @Override
                public void failed(Throwable t, Object att) {
                    ran.completeExceptionally(t);
                }
            });
            assertNotSame(Thread.currentThread(), ran.get(30, TimeUnit.SECONDS));
            assertEquals(1, e.stats().inline(), e.stats().toString());
        }
    }
}
