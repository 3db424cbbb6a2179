package dev.jaio.aio;

import dev.jaio.AioException;
import dev.jaio.AlignedBufferPool;
import dev.jaio.ChildCommands;
import dev.jaio.testing.ChildJvm;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import dev.jaio.testing.TestFiles;

import static dev.jaio.aio.AioFixture.LONG_WAIT;
import static dev.jaio.aio.AioFixture.awaitAll;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Completions reaped from the ring in user space, against io_getevents(2) as the reference. */
@Timeout(60)
class RingReapingTest {
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 64;

    @TempDir
    Path dir;

    @RegisterExtension
    final AioFixture fx = new AioFixture();

    /** An event without its obj (the iocb's address differs between runs). */
    record Seen(long data, long res) {
    }

    /**
     * Writes, reads (some past end of file), an fdatasync and a poll, submitted in batches, all reaped;
     * returns every event sorted by data, and checks what was read.
     */
    private List<Seen> mixedWorkload(AioContext ctx, Path file) throws Exception {
        List<Seen> seen = new ArrayList<>();
        try (NativeFile f = NativeFile.open(file, READ, WRITE, JaioOpenOption.DIRECT);
             AlignedBufferPool pool = new AlignedBufferPool(BLOCK, 1 << 16, 32);
             Arena arena = Arena.ofConfined()) {
            List<AlignedBufferPool.Buffer> held = new ArrayList<>();
            List<Iocb> batch = new ArrayList<>();
            long data = 0;
            for (int i = 0; i < 16; i++) {
                AlignedBufferPool.Buffer b = pool.acquire(BLOCK);
                held.add(b);
                MemorySegment.copy(TestFiles.random(BLOCK, i), 0, b.segment(), ValueLayout.JAVA_BYTE, 0, BLOCK);
                batch.add(Iocb.allocate(arena).prepPwrite(f.fd(), b.segment(), (long) i * BLOCK).data(data++));
            }
            batch.add(Iocb.allocate(arena).prepFdsync(f.fd()).data(data++));
            batch.add(Iocb.allocate(arena).prepPoll(f.fd(), 0x1).data(data++));
            seen.addAll(submitAndReap(ctx, batch));
            batch.clear();
            List<AlignedBufferPool.Buffer> reads = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                AlignedBufferPool.Buffer b = pool.acquire(BLOCK);
                held.add(b);
                reads.add(b);
                // blocks 0..BLOCKS+7: the last 8 lie past the end of the file and read 0 bytes
                long block = (i * 3L) % (BLOCKS + 8);
                batch.add(Iocb.allocate(arena).prepPread(f.fd(), b.segment(), block * BLOCK).data(1000 + block));
            }
            seen.addAll(submitAndReap(ctx, batch));
            for (int i = 0; i < 24; i++) {
                long block = (i * 3L) % (BLOCKS + 8);
                if (block < 16) {
                    assertEquals(TestFiles.random(BLOCK, (int) block)[7], reads.get(i).segment().get(ValueLayout.JAVA_BYTE, 7));
                }
            }
            held.forEach(AlignedBufferPool.Buffer::close);
        }
        seen.sort(Comparator.comparingLong(Seen::data));
        return seen;
    }

    private static List<Seen> submitAndReap(AioContext ctx, List<Iocb> batch) throws Exception {
        assertEquals(batch.size(), ctx.submit(batch));
        List<Seen> seen = new ArrayList<>();
        while (seen.size() < batch.size()) {
            for (IoEvent e : ctx.getEvents(1, batch.size() - seen.size(), Duration.ofSeconds(10))) {
                assertTrue(batch.stream().anyMatch(i -> i.address() == e.obj()), "event for a submitted iocb: " + e);
                seen.add(new Seen(e.data(), e.res()));
            }
        }
        return seen;
    }

    @Test
    void shouldReapTheSameEventsFromTheRingAsFromTheSyscall() throws Exception {
        Path a = TestFiles.patterned(dir, "a", BLOCKS * BLOCK);
        Path b = TestFiles.patterned(dir, "b", BLOCKS * BLOCK);
        List<Seen> fromRing;
        List<Seen> fromSyscall;
        AioContext.Counters ringCounters;
        AioContext.Counters syscallCounters;
        try (AioContext ring = AioContext.setup(64, true)) {
            assertTrue(ring.usesRing(), "this kernel's ring header is the one jaio knows");
            fromRing = mixedWorkload(ring, a);
            ringCounters = ring.counters();
        }
        try (AioContext syscall = AioContext.setup(64, false)) {
            assertFalse(syscall.usesRing());
            fromSyscall = mixedWorkload(syscall, b);
            syscallCounters = syscall.counters();
        }
        assertEquals(16 + 2 + 24, fromRing.size());
        assertEquals(fromSyscall, fromRing);
        assertEquals(0, syscallCounters.ringEvents());
        assertEquals(fromSyscall.size(), syscallCounters.syscallEvents());
        assertEquals(fromRing.size(), ringCounters.ringEvents() + ringCounters.syscallEvents());
        assertTrue(ringCounters.ringEvents() > 0, ringCounters.toString());
        assertTrue(fromRing.contains(new Seen(1000 + BLOCKS + 2, 0)), "a read past the end gives res 0");
    }

    @Test
    void shouldMakeFarFewerGetEventsCallsThanEventsWhenReadingFromTheRing() throws Exception {
        // Buffered reads of cached data complete inside io_submit, so every event is in the ring before
        // getEvents runs: it never needs the kernel. (The same run with the ring off makes one call per
        // batch at least.)
        Path p = TestFiles.patterned(dir, "r", BLOCKS * BLOCK);
        int batches = 50;
        int perBatch = 32;
        AioContext.Counters on;
        AioContext.Counters off;
        try (AioContext ring = AioContext.setup(perBatch, true)) {
            on = readHeavy(ring, p, batches, perBatch);
        }
        try (AioContext syscall = AioContext.setup(perBatch, false)) {
            off = readHeavy(syscall, p, batches, perBatch);
        }
        long events = (long) batches * perBatch;
        assertEquals(events, on.ringEvents() + on.syscallEvents(), on.toString());
        assertTrue(on.getEventsCalls() * 10 <= events, "ring: " + on);
        assertTrue(on.ringEvents() >= events * 9 / 10, "ring: " + on);
        assertEquals(events, off.syscallEvents(), off.toString());
        assertEquals(0, off.ringEvents());
        assertTrue(off.getEventsCalls() >= batches, "syscall: " + off);
    }

    private static AioContext.Counters readHeavy(AioContext ctx, Path p, int batches, int perBatch) throws Exception {
        try (NativeFile f = NativeFile.open(p, READ);
             Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate((long) perBatch * BLOCK, BLOCK);
            List<Iocb> batch = new ArrayList<>();
            for (int i = 0; i < perBatch; i++) {
                batch.add(Iocb.allocate(arena).prepPread(f.fd(), buf.asSlice((long) i * BLOCK, BLOCK), (long) (i % BLOCKS) * BLOCK));
            }
            IoEventArray events = IoEventArray.allocate(perBatch);
            for (int n = 0; n < batches; n++) {
                assertEquals(perBatch, ctx.submit(batch));
                int got = 0;
                while (got < perBatch) {
                    got += ctx.getEvents(perBatch - got, events, -1);
                }
            }
            assertEquals(TestFiles.patternByte(5 * BLOCK + 9), buf.get(ValueLayout.JAVA_BYTE, 5L * BLOCK + 9));
        }
        return ctx.counters();
    }

    @Test
    @Timeout(120)
    void shouldTurnRingReapingOffWithTheSystemProperty() throws Exception {
        ChildJvm.Result on = ChildCommands.run(false, List.of(), "usesring");
        assertEquals("usesRing=true", on.line(), on.stderr());
        ChildJvm.Result off = ChildCommands.run(false, List.of("-Djaio.ring=false"), "usesring");
        assertEquals("usesRing=false", off.line(), off.stderr());
    }

    private List<IoEvent> runWorkload(AioContext ctx, NativeFile f, List<Iocb> iocbs) throws AioException {
        assertEquals(iocbs.size(), ctx.submit(iocbs));
        List<IoEvent> events = new ArrayList<>(awaitAll(ctx, iocbs.size()));
        events.sort(Comparator.comparingLong(IoEvent::data));
        return events;
    }

    @Test
    void shouldReapTheSameEventsFromTheRingAsThroughTheSyscall() throws Exception {
        int n = 48;
        NativeFile f = fx.patternedFile(n * 512 - 100);
        Arena arena = fx.arena();
        List<Iocb> iocbs = new ArrayList<>();
        List<MemorySegment> buffers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MemorySegment buf = arena.allocate(512);
            buffers.add(buf);
            iocbs.add(fx.iocb().prepPread(f.fd(), buf, i * 512L).data(1000 + i));
        }
        List<IoEvent> viaRing;
        List<IoEvent> viaSyscall;
        try (AioContext ring = AioContext.setup(64, true)) {
            assertTrue(ring.usesRing());
            viaRing = runWorkload(ring, f, iocbs);
            assertTrue(ring.counters().ringEvents() > 0, ring.counters().toString());
        }
        for (int i = 0; i < n; i++) {
            buffers.get(i).fill((byte) 0);
            iocbs.get(i).prepPread(f.fd(), buffers.get(i), i * 512L).data(1000 + i);
        }
        try (AioContext syscall = AioContext.setup(64, false)) {
            assertFalse(syscall.usesRing());
            assertTrue(syscall.ringCapacity() >= 64);
            viaSyscall = runWorkload(syscall, f, iocbs);
            assertEquals(0, syscall.counters().ringEvents());
            assertEquals(n, syscall.counters().syscallEvents());
        }
        assertEquals(viaSyscall, viaRing);
        assertEquals(412, viaRing.get(n - 1).res(), "the last read is short");
        for (int i = 0; i < n - 1; i++) {
            TestFiles.assertPattern(buffers.get(i), 512, i * 512L);
        }
    }

    @Test
    void shouldReapMostlyFromTheRingInANonBlockingLoop() throws Exception {
        int n = 100;
        AioContext ctx = fx.context(128);
        NativeFile f = fx.patternedFile(n * 512);
        Arena arena = fx.arena();
        Assumptions.assumeTrue(ctx.usesRing(), "the ring header is not one jaio knows, or jaio.ring=false");
        List<Iocb> iocbs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            iocbs.add(fx.iocb().prepPread(f.fd(), arena.allocate(512), i * 512L).data(i));
        }
        assertEquals(n, ctx.submit(iocbs));
        IoEventArray into = IoEventArray.allocate(arena, 16);
        Set<Long> seen = new HashSet<>();
        long deadline = System.nanoTime() + LONG_WAIT.toNanos();
        while (seen.size() < n && System.nanoTime() - deadline < 0) {
            int got = ctx.getEvents(0, into, 0);
            for (int i = 0; i < got; i++) {
                assertEquals(512, into.res(i));
                assertTrue(seen.add(into.data(i)), "duplicate " + into.data(i));
            }
            if (got == 0) {
                Thread.onSpinWait();
            }
        }
        assertEquals(n, seen.size());
        AioContext.Counters c = ctx.counters();
        assertEquals(n, c.ringEvents() + c.syscallEvents(), c.toString());
        assertTrue(c.ringEvents() > 0, c.toString());
        assertTrue(c.getEventsCalls() < n / 4, "io_getevents calls for " + n + " events: " + c);
    }
}
