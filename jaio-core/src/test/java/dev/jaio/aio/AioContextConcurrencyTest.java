package dev.jaio.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.NativeFile;
import dev.jaio.testing.TestFiles;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several threads on one {@link AioContext}. */
class AioContextConcurrencyTest {
    @RegisterExtension
    final AioFixture fx = new AioFixture();

    @Test
    @Timeout(60)
    void shouldCompleteEverySubmittedRequestExactlyOnceWithManySubmittersAndOneReaper() throws Exception {
        int threads = 4;
        int perThread = 300;
        int total = threads * perThread;
        Path p = fx.patterned(64 * 1024);
        try (AioContext ctx = AioContext.setup(32);
             NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
             Arena arena = Arena.ofShared()) {
            Map<Long, Long> addressByData = new ConcurrentHashMap<>();
            Map<Long, MemorySegment> bufferByData = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
            try {
                Future<List<IoEvent>> reaper = pool.submit(() -> {
                    List<IoEvent> events = new ArrayList<>(total);
                    IoEventArray into = IoEventArray.allocate(64);
                    while (events.size() < total) {
                        int n = ctx.getEvents(1, into, TimeUnit.SECONDS.toNanos(30));
                        if (n == 0) {
                            break;
                        }
                        for (int i = 0; i < n; i++) {
                            events.add(into.get(i));
                        }
                    }
                    return events;
                });
                List<Future<Integer>> submitters = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long thread = t;
                    submitters.add(pool.submit(() -> {
                        int eagain = 0;
                        for (int i = 0; i < perThread; i++) {
                            long data = (thread << 32) | i;
                            MemorySegment buf = arena.allocate(256);
                            long position = ((thread * perThread + i) * 256) % (64 * 1024);
                            Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), buf, position).data(data);
                            addressByData.put(data, iocb.address());
                            bufferByData.put(data, buf);
                            while (true) {
                                try {
                                    assertEquals(1, ctx.submit(iocb));
                                    break;
                                } catch (AioException e) {
                                    assertEquals(Errno.EAGAIN.number(), e.errno(), e.getMessage());
                                    eagain++;
                                    Thread.sleep(0, 100_000);
                                }
                            }
                        }
                        return eagain;
                    }));
                }
                for (Future<Integer> s : submitters) {
                    s.get(50, TimeUnit.SECONDS);
                }
                List<IoEvent> events = reaper.get(50, TimeUnit.SECONDS);
                assertEquals(total, events.size());
                Set<Long> data = new HashSet<>();
                Set<Long> objects = new HashSet<>();
                for (IoEvent e : events) {
                    assertTrue(data.add(e.data()), "completed twice: data=" + e.data());
                    assertTrue(objects.add(e.obj()), "completed twice: obj=" + e.obj());
                    assertEquals(addressByData.get(e.data()), e.obj(), "obj of data=" + e.data());
                    assertEquals(256, e.res());
                    long thread = e.data() >>> 32;
                    long i = e.data() & 0xffffffffL;
                    TestFiles.assertPattern(bufferByData.get(e.data()), 256, ((thread * perThread + i) * 256) % (64 * 1024));
                }
                assertEquals(addressByData.keySet(), data);
                assertTrue(ctx.getEvents(0, 8, Duration.ofMillis(20)).isEmpty(), "extra events");
                assertEquals(total, ctx.counters().submitted());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
