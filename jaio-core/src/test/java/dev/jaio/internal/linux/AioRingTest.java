package dev.jaio.internal.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.aio.AioContext;
import dev.jaio.aio.IoEvent;
import dev.jaio.aio.Iocb;
import dev.jaio.NativeFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AioRing}: the kernel's completion ring, its header, and reaping it in user space. */
class AioRingTest {
    @TempDir
    Path dir;

    @Test
    void shouldMatchTheKernelsStructAioRingHeader() {
        assertEquals(32, AioRing.LAYOUT.byteSize());
        String[] fields = {"id", "nr", "head", "tail", "magic", "compat_features", "incompat_features",
            "header_length"};
        for (int i = 0; i < fields.length; i++) {
            assertEquals(4L * i, AioRing.LAYOUT.byteOffset(groupElement(fields[i])), fields[i]);
        }
        assertEquals(4, AioRing.NR);
        assertEquals(8, AioRing.HEAD);
        assertEquals(12, AioRing.TAIL);
        assertEquals(16, AioRing.MAGIC_OFFSET);
        assertEquals(24, AioRing.INCOMPAT);
        assertEquals(28, AioRing.HEADER_LENGTH);
        assertEquals(0xa10a10a1, AioRing.MAGIC);
        assertEquals(0, AioRing.INCOMPAT_FEATURES);
    }

    @Test
    void shouldAttachToALiveContextsRing() throws Exception {
        for (int nrEvents : new int[] {1, 100, 1000}) {
            try (AioContext ctx = AioContext.setup(nrEvents, false)) {
                AioRing ring = AioRing.attach(ctx.id());
                assertNotNull(ring, "ring of a live context");
                MemorySegment header = ring.segment();
                assertEquals(AioRing.MAGIC, header.get(JAVA_INT, AioRing.MAGIC_OFFSET));
                assertEquals(32, header.get(JAVA_INT, AioRing.HEADER_LENGTH));
                assertEquals(0, header.get(JAVA_INT, AioRing.INCOMPAT));
                assertEquals(ring.nr(), header.get(JAVA_INT, AioRing.NR));
                assertTrue(ring.nr() >= nrEvents + 1, "nr=" + ring.nr() + " nrEvents=" + nrEvents);
                assertEquals(32 + 32L * ring.nr(), header.byteSize());
                // The ring fills whole pages: header plus slots is a multiple of the page size.
                assertEquals(0, header.byteSize() % 4096, "nr=" + ring.nr());
                assertEquals(0, ring.ready());
                assertEquals(header.get(JAVA_INT, AioRing.HEAD), header.get(JAVA_INT, AioRing.TAIL));
            }
        }
    }

    @Test
    void shouldRefuseToAttachWithoutAContextOrToAnUnknownHeader() {
        assertNull(AioRing.attach(0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fake = arena.allocate(32 + 4 * 32, 4096);
            writeHeader(fake, 4, 0, 0);
            assertNotNull(AioRing.attach(fake.address()), "a well-formed header");
            fake.set(JAVA_INT, AioRing.MAGIC_OFFSET, 0x12345678);
            assertNull(AioRing.attach(fake.address()), "wrong magic");
            writeHeader(fake, 4, 0, 0);
            fake.set(JAVA_INT, AioRing.INCOMPAT, 1);
            assertNull(AioRing.attach(fake.address()), "incompatible features");
            writeHeader(fake, 4, 0, 0);
            fake.set(JAVA_INT, AioRing.HEADER_LENGTH, 64);
            assertNull(AioRing.attach(fake.address()), "another header length");
            writeHeader(fake, 1, 0, 0);
            assertNull(AioRing.attach(fake.address()), "a ring of one slot holds nothing");
        }
    }

    private static void writeHeader(MemorySegment ring, int nr, int head, int tail) {
        ring.set(JAVA_INT, 0, 0);
        ring.set(JAVA_INT, AioRing.NR, nr);
        ring.set(JAVA_INT, AioRing.HEAD, head);
        ring.set(JAVA_INT, AioRing.TAIL, tail);
        ring.set(JAVA_INT, AioRing.MAGIC_OFFSET, AioRing.MAGIC);
        ring.set(JAVA_INT, 20, 1);
        ring.set(JAVA_INT, AioRing.INCOMPAT, 0);
        ring.set(JAVA_INT, AioRing.HEADER_LENGTH, 32);
    }

    private static void writeEvent(MemorySegment ring, int slot, long data) {
        long base = 32 + 32L * slot;
        ring.set(JAVA_LONG, base, data);
        ring.set(JAVA_LONG, base + 8, data * 10);
        ring.set(JAVA_LONG, base + 16, data * 100);
        ring.set(JAVA_LONG, base + 24, 0);
    }

    @Test
    void shouldReapAcrossTheEndOfTheRingAndAdvanceTheHead() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fake = arena.allocate(32 + 4 * 32, 4096);
            writeHeader(fake, 4, 3, 1); // ready: slot 3, then slot 0
            writeEvent(fake, 3, 7);
            writeEvent(fake, 0, 8);
            AioRing ring = AioRing.attach(fake.address());
            assertEquals(2, ring.ready());
            MemorySegment dst = arena.allocate(IoEvent.LAYOUT, 4);
            assertEquals(2, ring.reap(dst, 1, 4));
            assertEquals(new IoEvent(7, 70, 700, 0), IoEvent.read(dst, 1));
            assertEquals(new IoEvent(8, 80, 800, 0), IoEvent.read(dst, 2));
            assertEquals(1, fake.get(JAVA_INT, AioRing.HEAD));
            assertEquals(0, ring.ready());
            assertEquals(0, ring.reap(dst, 0, 4));
        }
    }

    @Test
    void shouldReapNoMoreThanAskedFor() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fake = arena.allocate(32 + 8 * 32, 4096);
            writeHeader(fake, 8, 2, 6);
            for (int slot = 2; slot < 6; slot++) {
                writeEvent(fake, slot, slot);
            }
            AioRing ring = AioRing.attach(fake.address());
            MemorySegment dst = arena.allocate(IoEvent.LAYOUT, 8);
            assertEquals(3, ring.reap(dst, 0, 3));
            assertEquals(5, fake.get(JAVA_INT, AioRing.HEAD));
            assertEquals(1, ring.reap(dst, 3, 3));
            for (int i = 0; i < 4; i++) {
                assertEquals(2 + i, IoEvent.read(dst, i).data());
            }
            assertEquals(0, ring.reap(dst, 0, 0));
        }
    }

    @Test
    void shouldDistrustAHeadOrTailOutsideTheRing() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fake = arena.allocate(32 + 4 * 32, 4096);
            writeHeader(fake, 4, 0, 0);
            AioRing ring = AioRing.attach(fake.address());
            MemorySegment dst = arena.allocate(IoEvent.LAYOUT, 4);
            fake.set(JAVA_INT, AioRing.TAIL, 4);
            assertEquals(-1, ring.reap(dst, 0, 4));
            assertEquals(0, ring.ready());
            fake.set(JAVA_INT, AioRing.TAIL, 0);
            fake.set(JAVA_INT, AioRing.HEAD, -1);
            assertEquals(-1, ring.reap(dst, 0, 4));
            assertEquals(-1, fake.get(JAVA_INT, AioRing.HEAD), "the head is left alone");
        }
    }

    @Test
    void shouldReapTheKernelsCompletionsRoundAfterRoundAsTheRingWraps() throws Exception {
        int size = 64 * 512;
        byte[] content = new byte[size];
        for (int i = 0; i < size; i++) {
            content[i] = (byte) (i / 512);
        }
        Path p = Files.write(dir.resolve("f"), content);
        // jaio itself does not read this context's ring (reapFromRing=false): the test is its only reader,
        // and it calls no io_getevents while it reads.
        try (AioContext ctx = AioContext.setup(1, false);
             NativeFile f = NativeFile.open(p, StandardOpenOption.READ);
             Arena arena = Arena.ofConfined()) {
            AioRing ring = AioRing.attach(ctx.id());
            assertNotNull(ring);
            int batch = Math.min(50, ring.nr() - 1);
            int rounds = 3 * ring.nr() / batch + 1; // the head passes the end of the ring at least twice
            MemorySegment dst = arena.allocate(IoEvent.LAYOUT, batch);
            long next = 0;
            for (int round = 0; round < rounds; round++) {
                List<Iocb> iocbs = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    long n = next + i;
                    iocbs.add(Iocb.allocate(arena).prepPread(f.fd(), arena.allocate(8), (n % 64) * 512).data(n));
                }
                assertEquals(batch, ctx.submit(iocbs));
                Set<Long> seen = new HashSet<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (seen.size() < batch) {
                    assertTrue(System.nanoTime() - deadline < 0, "round " + round + ": " + seen.size() + " reaped");
                    int got = ring.reap(dst, 0, 7); // small bites, so that some cross the end
                    assertTrue(got >= 0, "ring out of range");
                    for (int i = 0; i < got; i++) {
                        IoEvent e = IoEvent.read(dst, i);
                        assertEquals(8, e.res());
                        assertTrue(e.data() >= next && e.data() < next + batch, "data=" + e.data());
                        assertTrue(seen.add(e.data()), "reaped twice: " + e.data());
                        Iocb iocb = iocbs.get((int) (e.data() - next));
                        assertEquals(iocb.address(), e.obj());
                        MemorySegment buf = MemorySegment.ofAddress(iocb.buf()).reinterpret(8);
                        assertEquals((byte) (e.data() % 64), buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
                    }
                    if (got == 0) {
                        Thread.onSpinWait();
                    }
                }
                next += batch;
                // The kernel sees the head that user space stored: io_getevents finds nothing left.
                assertTrue(ctx.getEvents(0, batch, Duration.ZERO).isEmpty(), "round " + round);
            }
            assertTrue(next > 2L * ring.nr(), "submitted " + next + " through a ring of " + ring.nr());
        }
    }
}
