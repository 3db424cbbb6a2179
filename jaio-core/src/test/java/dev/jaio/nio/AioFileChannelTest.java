package dev.jaio.nio;

import dev.jaio.testing.ChildJvm;
import dev.jaio.testing.TestFiles;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs each scenario against the JDK's FileChannel and jaio's, which must agree. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AioFileChannelTest {
    /** The two implementations under comparison. */
    enum Impl {
        JDK, JAIO;

        FileChannel open(Path p, OpenOption... options) throws IOException {
            return this == JDK ? FileChannel.open(p, options) : AioFileChannel.open(p, options);
        }

        Impl other() {
            return this == JDK ? JAIO : JDK;
        }
    }

    @TempDir
    Path dir;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private FileChannel track(FileChannel ch) {
        toClose.add(ch);
        return ch;
    }

    private Path fileWith(byte[] data) throws IOException {
        return TestFiles.fileWith(dir, data);
    }

    private static String outcome(AioAsynchronousFileChannelTest.ThrowingSupplier<?> call) {
        try {
            return "value:" + call.get();
        } catch (Throwable t) {
            return "threw:" + t.getClass().getSimpleName();
        }
    }

    // ---- relative and positional I/O ---------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldMoveThePositionWithRelativeReadsAndWrites(Impl impl) throws Exception {
        FileChannel ch = track(impl.open(dir.resolve("rel-" + impl), CREATE, READ, WRITE));
        assertEquals(0, ch.position());
        assertEquals(5, ch.write(ByteBuffer.wrap("hello".getBytes())));
        assertEquals(5, ch.position());
        assertEquals(6, ch.write(ByteBuffer.wrap(" world".getBytes())));
        assertSame(ch, ch.position(0));
        ByteBuffer dst = ByteBuffer.allocate(8);
        assertEquals(8, ch.read(dst));
        assertEquals("hello wo", new String(dst.array()));
        assertEquals(8, ch.position());
        assertEquals(3, ch.read(ByteBuffer.allocate(8)));
        assertEquals(-1, ch.read(ByteBuffer.allocate(8)), "at end of file");
        assertEquals(11, ch.position());
        ch.position(100);
        assertEquals(-1, ch.read(ByteBuffer.allocate(8)));
        assertEquals(1, ch.write(ByteBuffer.wrap(new byte[] {9})));
        assertEquals(101, ch.size(), "a write past the end extends the file");
        assertEquals(0, ch.read(ByteBuffer.allocate(0)));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldReadAndWritePositionallyWithoutMovingThePosition(Impl impl) throws Exception {
        byte[] data = TestFiles.random(100_000, 1);
        FileChannel ch = track(impl.open(fileWith(data), READ, WRITE));
        ch.position(7);
        Random rnd = new Random(2);
        for (int i = 0; i < 200; i++) {
            int pos = rnd.nextInt(110_000);
            int len = 1 + rnd.nextInt(9000);
            ByteBuffer dst = rnd.nextBoolean() ? ByteBuffer.allocate(len) : ByteBuffer.allocateDirect(len);
            int n = ch.read(dst, pos);
            assertEquals(pos >= data.length ? -1 : Math.min(len, data.length - pos), n);
        }
        assertEquals(3, ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 50));
        assertEquals(7, ch.position());
        ByteBuffer back = ByteBuffer.allocate(3);
        ch.read(back, 50);
        assertArrayEquals(new byte[] {1, 2, 3}, back.array());
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldScatterAndGather(Impl impl) throws Exception {
        FileChannel ch = track(impl.open(dir.resolve("sg-" + impl), CREATE, READ, WRITE));
        ByteBuffer[] srcs = {ByteBuffer.wrap("ab".getBytes()), ByteBuffer.allocate(0),
                ByteBuffer.allocateDirect(3).put("cde".getBytes()).flip(), ByteBuffer.wrap("fgh".getBytes())};
        assertEquals(5, ch.write(srcs, 0, 3));
        assertEquals(0, srcs[2].remaining());
        assertEquals(3, srcs[3].remaining(), "outside offset and length");
        assertEquals(5, ch.position());
        ch.position(1);
        ByteBuffer[] dsts = {ByteBuffer.allocate(2), ByteBuffer.allocateDirect(10)};
        assertEquals(4, ch.read(dsts));
        assertEquals("bc", new String(dsts[0].array()));
        assertEquals(2, dsts[1].position());
        assertEquals(-1, ch.read(new ByteBuffer[] {ByteBuffer.allocate(4)}));
        assertEquals(0, ch.read(new ByteBuffer[] {ByteBuffer.allocate(0)}));
        assertThrows(IndexOutOfBoundsException.class, () -> ch.read(dsts, 1, 2));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldAppendWithAppend(Impl impl) throws Exception {
        Path p = fileWith("0123456789".getBytes());
        FileChannel ch = track(impl.open(p, WRITE, APPEND));
        assertEquals(10, ch.position(), "an APPEND channel's position is its size");
        ch.write(ByteBuffer.wrap("ab".getBytes()));
        assertEquals(12, ch.position());
        ch.position(0);
        ch.write(ByteBuffer.wrap("cd".getBytes()));
        ch.write(ByteBuffer.wrap("ef".getBytes()), 0); // Linux appends a pwrite on O_APPEND
        assertEquals("0123456789abcdef", Files.readString(p));
    }

    @Test
    void shouldTakeTheSameWritesToTheSameFile() throws Exception {
        byte[][] out = new byte[2][];
        for (Impl impl : Impl.values()) {
            Path p = dir.resolve("same-" + impl);
            try (FileChannel ch = impl.open(p, CREATE, WRITE, READ)) {
                Random rnd = new Random(3);
                for (int i = 0; i < 300; i++) {
                    switch (rnd.nextInt(4)) {
                        case 0 -> ch.write(ByteBuffer.wrap(TestFiles.random(1 + rnd.nextInt(5000), i)));
                        case 1 -> ch.write(ByteBuffer.wrap(TestFiles.random(1 + rnd.nextInt(5000), i)), rnd.nextInt(200_000));
                        case 2 -> ch.position(rnd.nextInt(200_000));
                        default -> ch.truncate(rnd.nextInt(300_000));
                    }
                }
                out[impl.ordinal()] = Files.readAllBytes(p);
                assertEquals(out[impl.ordinal()].length, ch.size());
            }
        }
        assertArrayEquals(out[0], out[1]);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldTruncateAndPullThePositionBack(Impl impl) throws Exception {
        FileChannel ch = track(impl.open(fileWith(TestFiles.random(1000, 4)), READ, WRITE));
        ch.position(800);
        ch.truncate(2000);
        assertEquals(1000, ch.size());
        assertEquals(800, ch.position());
        ch.truncate(500);
        assertEquals(500, ch.size());
        assertEquals(500, ch.position());
        ch.position(300);
        ch.truncate(400);
        assertEquals(300, ch.position());
    }

    @Test
    void shouldCheckArgumentsAsTheJdkDoes() throws Exception {
        Path p = fileWith(TestFiles.random(100, 5));
        int probes = 18;
        for (int probe = 0; probe < probes; probe++) {
            String[] outcomes = new String[2];
            for (Impl impl : Impl.values()) {
                try (FileChannel ro = impl.open(p, READ);
                     FileChannel wo = impl.open(p, WRITE);
                     FileChannel closed = impl.open(p, READ, WRITE)) {
                    closed.close();
                    ByteBuffer b = ByteBuffer.allocate(10);
                    List<AioAsynchronousFileChannelTest.ThrowingSupplier<?>> calls = List.of(
                            () -> ro.read(b, -1),
                            () -> wo.write(b, -1),
                            () -> wo.read(b),
                            () -> ro.write(b),
                            () -> ro.read(ByteBuffer.allocate(10).asReadOnlyBuffer()),
                            () -> closed.read(b),
                            () -> closed.read(b, -1),
                            () -> closed.write(ByteBuffer.allocate(1).asReadOnlyBuffer(), 0),
                            () -> wo.truncate(-1),
                            () -> ro.truncate(1),
                            () -> closed.truncate(-1),
                            () -> ro.position(-1),
                            () -> closed.position(),
                            () -> ro.lock(0, 10, false),
                            () -> wo.tryLock(0, 10, true),
                            () -> {
                                closed.force(true);
                                return null;
                            },
                            () -> ro.transferFrom(wo, 0, 10),
                            () -> wo.map(FileChannel.MapMode.READ_ONLY, 0, 10));
                    assertEquals(probes, calls.size());
                    outcomes[impl.ordinal()] = outcome(calls.get(probe));
                }
            }
            assertEquals(outcomes[Impl.JDK.ordinal()], outcomes[Impl.JAIO.ordinal()], "probe " + probe);
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldCloseOnInterruptAndThrowClosedByInterrupt(Impl impl) throws Exception {
        FileChannel ch = track(impl.open(fileWith(TestFiles.random(1000, 6)), READ));
        Thread.currentThread().interrupt();
        try {
            assertThrows(ClosedByInterruptException.class, () -> ch.read(ByteBuffer.allocate(10), 0));
            assertTrue(Thread.interrupted(), "the interrupt status stays set");
        } finally {
            Thread.interrupted();
        }
        assertFalse(ch.isOpen());
        assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(10), 0));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldEndBlockedReadersWhenAnotherThreadCloses(Impl impl) throws Exception {
        FileChannel ch = impl.open(fileWith(TestFiles.random(4 << 20, 12)), READ);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> ends = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                ends.add(pool.submit(() -> {
                    ByteBuffer dst = ByteBuffer.allocate(65536);
                    for (long i = 0; ; i++) {
                        dst.clear();
                        try {
                            int n = ch.read(dst, ((i * threads + id) % 64) * 65536);
                            if (n != 65536) {
                                return "short read " + n;
                            }
                        } catch (ClosedChannelException e) { // AsynchronousCloseException is one
                            return "closed";
                        }
                    }
                }));
            }
            Thread.sleep(100);
            ch.close();
            for (Future<String> f : ends) {
                assertEquals("closed", f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldStageMisalignedDirectReadsWithStageUnalignedWhereTheJdkThrows() throws Exception {
        byte[] data = TestFiles.random(64 * 1024, 13);
        Path p = fileWith(data);
        OpenOption direct = AioAsynchronousFileChannelTest.JDK_DIRECT;
        try (FileChannel jdk = Impl.JDK.open(p, READ, direct);
             FileChannel jaio = Impl.JAIO.open(p, READ, direct, dev.jaio.JaioOpenOption.STAGE_UNALIGNED)) {
            assertTrue(((AioFileChannel) jaio).asyncFile().isDirect(), "O_DIRECT works on this file system");
            ByteBuffer dst = ByteBuffer.allocate(1000);
            assertEquals(1000, jaio.read(dst, 4097));
            assertArrayEquals(Arrays.copyOfRange(data, 4097, 5097), dst.array());
            assertThrows(IOException.class, () -> jdk.read(ByteBuffer.allocate(1000), 4097),
                    "the JDK requires aligned positions, lengths and buffers");
            jaio.position(4097);
            assertEquals(1000, jaio.read(dst.clear()));
            assertEquals(5097, jaio.position());
        }
    }

    // ---- delegated operations ----------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldTransferToAndFromWithoutMovingThePosition(Impl impl) throws Exception {
        byte[] data = TestFiles.random(50_000, 7);
        FileChannel src = track(impl.open(fileWith(data), READ));
        FileChannel dst = track(impl.other().open(dir.resolve("copy-" + impl), CREATE, READ, WRITE));
        src.position(3);
        assertEquals(40_000, src.transferTo(10_000, 40_000, dst));
        assertEquals(3, src.position());
        assertArrayEquals(Arrays.copyOfRange(data, 10_000, 50_000), Files.readAllBytes(dir.resolve("copy-" + impl)));

        FileChannel back = track(impl.open(dir.resolve("back-" + impl), CREATE, READ, WRITE));
        src.position(0);
        assertEquals(1000, back.transferFrom(src, 500, 1000));
        assertEquals(1000, src.position(), "transferFrom reads the source from its position");
        assertEquals(0, back.position());
        ByteBuffer got = ByteBuffer.allocate(1000);
        back.read(got, 500);
        assertArrayEquals(Arrays.copyOf(data, 1000), got.array());
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldMapTheFile(Impl impl) throws Exception {
        byte[] data = TestFiles.random(10_000, 8);
        FileChannel ch = track(impl.open(fileWith(data), READ, WRITE));
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, 10_000);
        assertEquals(data[1234], m.get(1234));
        m.put(0, (byte) 42);
        m.force();
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, 0);
        assertEquals(42, one.get(0), "the mapping and the channel see the same file");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = ch.map(FileChannel.MapMode.READ_ONLY, 0, 10_000, arena);
            assertEquals(data[9999], s.get(ValueLayout.JAVA_BYTE, 9999));
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldLockRangesWithTheJdksSemantics(Impl impl) throws Exception {
        Path p = fileWith(TestFiles.random(1000, 9));
        FileChannel ch = track(impl.open(p, READ, WRITE));
        FileChannel other = track(impl.other().open(p, READ, WRITE));
        FileLock a = ch.lock(0, 100, false);
        assertSame(ch, a.channel());
        assertThrows(OverlappingFileLockException.class, () -> ch.lock(50, 10, true));
        assertThrows(OverlappingFileLockException.class, () -> other.tryLock(0, 1, false));
        FileLock b = other.tryLock(100, 100, true);
        assertNotNull(b);
        a.close();
        assertFalse(a.isValid());
        assertNotNull(other.tryLock(0, 100, false));
        try (ChildJvm.Running holder = ChildJvm.of(LockHolder.class, p.toString(), "500", "100").sameEngine().start()) {
            assertTrue(holder.readLine().startsWith("locked"));
            assertNull(ch.tryLock(550, 10, false), "another process holds the range");
        }
        ch.close();
        assertFalse(ch.isOpen());
    }

    // ---- virtual threads ---------------------------------------------------------------------------

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldServeTenThousandVirtualThreadsOnTheDefaultCarriers() throws Exception {
        byte[] data = TestFiles.random(4 << 20, 10);
        Path p = fileWith(data);
        int threads = 10_000;
        AtomicInteger good = new AtomicInteger();
        try (FileChannel ch = AioFileChannel.open(p, READ);
             ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                int id = i;
                all.add(vts.submit(() -> {
                    int pos = (id * 7919) % (data.length - 4096);
                    ByteBuffer dst = ByteBuffer.allocate(4096);
                    int n = ch.read(dst, pos);
                    if (n == 4096 && Arrays.equals(dst.array(), 0, 4096, data, pos, pos + 4096)) {
                        good.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        assertEquals(threads, good.get(), "every virtual thread read its own bytes");
    }

    /**
     * With one carrier thread and no compensation, virtual threads reading through jaio's channel overlap
     * (each parks while its request is in flight); through the JDK's channel, a read holds the only
     * carrier, so at most one virtual thread is ever inside a read.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldParkVirtualThreadsInsteadOfHoldingTheCarrier() throws Exception {
        Path p = fileWith(TestFiles.random(8 << 20, 14));
        int[] max = new int[2];
        for (Impl impl : Impl.values()) {
            try (ChildJvm.Running child = ChildJvm.of(CarrierProbe.class, impl == Impl.JAIO ? "jaio-direct" : "jdk",
                    p.toString()).sameEngine().jvmOptions("-Djdk.virtualThreadScheduler.parallelism=1",
                    "-Djdk.virtualThreadScheduler.maxPoolSize=1").start()) {
                String out = child.readAll();
                System.out.println(impl + ", one carrier: " + out.strip());
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("maxInRead=(\\d+) ok=2000 of 2000")
                        .matcher(out);
                assertTrue(m.find(), out);
                max[impl.ordinal()] = Integer.parseInt(m.group(1));
            }
        }
        assertTrue(max[Impl.JAIO.ordinal()] > 1, "jaio's reads park their virtual threads: " + max[1]);
        assertEquals(1, max[Impl.JDK.ordinal()], "the JDK's reads hold the only carrier");
    }

    @Test
    void shouldDeclineToOpenNonRegularFilesAndOpenForReadingByDefault() throws Exception {
        assertThrows(IOException.class, () -> AioFileChannel.open(dir, READ));
        try (FileChannel ch = AioFileChannel.open(fileWith(TestFiles.random(10, 11)), Set.of())) {
            assertEquals(10, ch.read(ByteBuffer.allocate(20)));
        }
    }
}
