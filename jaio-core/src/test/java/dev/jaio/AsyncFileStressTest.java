package dev.jaio;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several threads, tens of thousands of mixed O_DIRECT reads and writes of checksummed blocks: every
 * request completes exactly once and every read sees the last version written to its block.
 */
class AsyncFileStressTest {
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 2048;
    private static final int THREADS = 4;
    private static final int OPS_PER_THREAD = 10_000;
    private static final int DEPTH_PER_THREAD = 32;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldCompleteEveryRequestExactlyOnceWithDataIntact() throws Exception {
        Path p = dir.resolve("stress");
        AtomicIntegerArray completions = new AtomicIntegerArray(THREADS * OPS_PER_THREAD);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        try (AioEngine engine = EngineTestSupport.builder().queueDepth(128).build();
             AsyncFile f = AsyncFile.open(p, engine, CREATE, READ, WRITE, JaioOpenOption.DIRECT)) {
            f.truncate((long) BLOCK * BLOCKS);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                threads.add(Thread.ofPlatform().name("stress-" + t).start(() -> run(id, f, completions, problems)));
            }
            for (Thread t : threads) {
                t.join();
            }
            AioEngine.Stats s = engine.stats();
            assertEquals(THREADS * OPS_PER_THREAD, s.completed(), s.toString());
            assertEquals(0, s.inFlight());
        }
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: " + problems.peek());
        for (int i = 0; i < completions.length(); i++) {
            assertEquals(1, completions.get(i), "request " + i + " completed " + completions.get(i) + " times");
        }
    }

    /** Each thread owns the blocks b with b % THREADS == id, with at most one request per block at a time. */
    private static void run(int id, AsyncFile f, AtomicIntegerArray completions, ConcurrentLinkedQueue<String> problems) {
        Random rnd = new Random(id * 7919L);
        int owned = BLOCKS / THREADS;
        int[] version = new int[owned];
        boolean[] busy = new boolean[owned];
        Semaphore depth = new Semaphore(DEPTH_PER_THREAD);
        Object lock = new Object();
        try (Arena arena = Arena.ofShared()) {
            List<CompletableFuture<?>> all = new ArrayList<>(OPS_PER_THREAD);
            for (int op = 0; op < OPS_PER_THREAD; op++) {
                depth.acquireUninterruptibly();
                int slot;
                synchronized (lock) {
                    do {
                        slot = rnd.nextInt(owned);
                    } while (busy[slot]);
                    busy[slot] = true;
                }
                int block = slot * THREADS + id;
                int request = id * OPS_PER_THREAD + op;
                // Half the buffers can be handed to the kernel as they are (automatic arena), half are
                // staged (a shared arena the caller could close).
                MemorySegment buf = (op & 1) == 0 ? arena.allocate(BLOCK, BLOCK)
                        : Arena.ofAuto().allocate(BLOCK, BLOCK);
                boolean write = version[slot] == 0 || rnd.nextInt(100) < 40;
                int s = slot;
                CompletableFuture<Integer> fut;
                if (write) {
                    int v = ++version[s];
                    fill(buf, block, v, rnd.nextLong());
                    fut = f.write(buf, (long) block * BLOCK);
                    fut = fut.whenComplete((n, err) -> {
                        if (err != null || n != BLOCK) {
                            problems.add("write of block " + block + ": n=" + n + " err=" + err);
                        }
                    });
                } else {
                    int expected = version[s];
                    fut = f.read(buf, (long) block * BLOCK).whenComplete((n, err) -> {
                        String bad = err != null ? "error " + err : n != BLOCK ? "n=" + n : check(buf, block, expected);
                        if (bad != null) {
                            problems.add("read of block " + block + ": " + bad);
                        }
                    });
                }
                all.add(fut.whenComplete((n, err) -> {
                    completions.incrementAndGet(request);
                    synchronized (lock) {
                        busy[s] = false;
                    }
                    depth.release();
                }));
            }
            for (CompletableFuture<?> x : all) {
                x.handle((v, e) -> null).join();
            }
        }
    }

    private static void fill(MemorySegment buf, int block, int version, long seed) {
        Random r = new Random(seed);
        buf.set(ValueLayout.JAVA_INT, 0, block);
        buf.set(ValueLayout.JAVA_INT, 4, version);
        for (int i = 12; i < BLOCK; i += 4) {
            buf.set(ValueLayout.JAVA_INT_UNALIGNED, i, r.nextInt());
        }
        buf.set(ValueLayout.JAVA_INT, 8, crc(buf));
    }

    private static String check(MemorySegment buf, int block, int version) {
        int b = buf.get(ValueLayout.JAVA_INT, 0);
        int v = buf.get(ValueLayout.JAVA_INT, 4);
        int c = buf.get(ValueLayout.JAVA_INT, 8);
        if (b != block || v != version) {
            return "header block=" + b + " version=" + v + ", expected block=" + block + " version=" + version;
        }
        return c == crc(buf) ? null : "checksum mismatch";
    }

    private static int crc(MemorySegment buf) {
        CRC32C crc = new CRC32C();
        crc.update(buf.asSlice(0, 8).asByteBuffer());
        crc.update(buf.asSlice(12).asByteBuffer());
        return (int) crc.getValue();
    }
}
