package dev.jaio.nio;

import dev.jaio.testing.ChildJvm;
import dev.jaio.testing.TestFiles;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs each scenario against the JDK's AsynchronousFileChannel and jaio's, which must agree (where a test
 * says they differ, it says how).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AioAsynchronousFileChannelTest {
    /** The two implementations under comparison. */
    enum Impl {
        JDK, JAIO;

        AsynchronousFileChannel openWith(Path p, ExecutorService executor, OpenOption... options) throws IOException {
            Set<OpenOption> set = Set.of(options);
            return this == JDK ? AsynchronousFileChannel.open(p, set, executor)
                    : AioAsynchronousFileChannel.open(p, set, executor);
        }

        AsynchronousFileChannel open(Path p, OpenOption... options) throws IOException {
            return this == JDK ? AsynchronousFileChannel.open(p, options) : AioAsynchronousFileChannel.open(p, options);
        }

        Impl other() {
            return this == JDK ? JAIO : JDK;
        }
    }

    /** The JDK's {@code com.sun.nio.file.ExtendedOpenOption.DIRECT} (jdk.unsupported is not read by dev.jaio). */
    static final OpenOption JDK_DIRECT = jdkDirect();

    static OpenOption jdkDirect() {
        try {
            return (OpenOption) Class.forName("com.sun.nio.file.ExtendedOpenOption").getField("DIRECT").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
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

    private AsynchronousFileChannel track(AsynchronousFileChannel ch) {
        toClose.add(ch);
        return ch;
    }

    private Path fileWith(byte[] data) throws IOException {
        return TestFiles.fileWith(dir, data);
    }

    private static Throwable failure(Future<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    /** What a call did: its result, or the class of what it threw. */
    private static String outcome(ThrowingSupplier<?> call) {
        try {
            Object r = call.get();
            if (r instanceof Future<?> f) {
                try {
                    return "future:" + f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    return "failed:" + e.getCause().getClass().getSimpleName();
                }
            }
            return "value:" + r;
        } catch (Throwable t) {
            return "threw:" + t.getClass().getSimpleName();
        }
    }

    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    // ---- reads and writes --------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldWriteAndReadAtRandomOffsetsLikeAModelFile(Impl impl) throws Exception {
        Path p = dir.resolve("random-" + impl);
        AsynchronousFileChannel ch = track(impl.openWith(p, null, CREATE, READ, WRITE));
        Random rnd = new Random(42);
        byte[] model = new byte[1 << 20];
        int end = 0;
        for (int i = 0; i < 300; i++) {
            int pos = rnd.nextInt(model.length - 70_000);
            int len = 1 + rnd.nextInt(65_536);
            byte[] data = new byte[len];
            rnd.nextBytes(data);
            ByteBuffer src = rnd.nextBoolean() ? ByteBuffer.wrap(data) : ByteBuffer.allocateDirect(len).put(data).flip();
            assertEquals(len, ch.write(src, pos).get());
            assertEquals(len, src.position(), "the buffer's position moves by the bytes written");
            System.arraycopy(data, 0, model, pos, len);
            end = Math.max(end, pos + len);
        }
        assertEquals(end, ch.size());
        for (int i = 0; i < 300; i++) {
            int pos = rnd.nextInt(end + 1000);
            int len = 1 + rnd.nextInt(65_536);
            ByteBuffer dst = rnd.nextBoolean() ? ByteBuffer.allocate(len) : ByteBuffer.allocateDirect(len);
            int n = ch.read(dst, pos).get();
            int expected = pos >= end ? -1 : Math.min(len, end - pos);
            assertEquals(expected, n, "pos=" + pos + " len=" + len);
            if (n > 0) {
                byte[] got = new byte[n];
                dst.flip().get(got);
                assertArrayEquals(Arrays.copyOfRange(model, pos, pos + n), got);
            }
        }
    }

    @Test
    void shouldProduceTheSameFileAsTheJdkForTheSameWrites() throws Exception {
        byte[][] results = new byte[2][];
        for (Impl impl : Impl.values()) {
            Path p = dir.resolve("same-" + impl);
            try (AsynchronousFileChannel ch = impl.openWith(p, null, CREATE, WRITE)) {
                Random rnd = new Random(7);
                List<Future<Integer>> pending = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    // disjoint 4 KiB slots, so the outcome does not depend on completion order
                    int slot = i * 4096 + rnd.nextInt(100);
                    pending.add(ch.write(ByteBuffer.wrap(TestFiles.random(1 + rnd.nextInt(3000), i)), slot));
                }
                for (Future<Integer> f : pending) {
                    f.get();
                }
            }
            results[impl.ordinal()] = Files.readAllBytes(p);
        }
        assertArrayEquals(results[0], results[1]);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldReturnMinusOneAtAndPastEndOfFile(Impl impl) throws Exception {
        AsynchronousFileChannel ch = track(impl.open(fileWith(TestFiles.random(1000, 1)), READ));
        assertEquals(-1, ch.read(ByteBuffer.allocate(10), 1000).get());
        assertEquals(-1, ch.read(ByteBuffer.allocate(10), 5000).get());
        assertEquals(10, ch.read(ByteBuffer.allocate(100), 990).get());
        assertEquals(0, ch.read(ByteBuffer.allocate(0), 5000).get(), "nothing remaining: 0, no I/O");
        assertEquals(-1, ch.read(ByteBuffer.allocateDirect(10), 1000).get());
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldCompleteEveryWriteOfConcurrentWriters(Impl impl) throws Exception {
        Path p = dir.resolve("concurrent-" + impl);
        AsynchronousFileChannel ch = track(impl.openWith(p, null, CREATE, READ, WRITE));
        int threads = 8;
        int perThread = 100;
        int block = 512;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    List<Future<Integer>> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        byte[] b = new byte[block];
                        Arrays.fill(b, (byte) (id * perThread + i));
                        mine.add(ch.write(ByteBuffer.wrap(b), (long) (i * threads + id) * block));
                    }
                    for (Future<Integer> f : mine) {
                        assertEquals(block, f.get());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        byte[] all = Files.readAllBytes(p);
        assertEquals(threads * perThread * block, all.length);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                int off = (i * threads + t) * block;
                for (int k = 0; k < block; k++) {
                    assertEquals((byte) (t * perThread + i), all[off + k], "offset " + (off + k));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldForceAndRejectForceWhenClosed(Impl impl) throws Exception {
        AsynchronousFileChannel ch = impl.openWith(dir.resolve("force-" + impl), null, CREATE, WRITE);
        ch.write(ByteBuffer.wrap(TestFiles.random(8192, 3)), 0).get();
        ch.force(true);
        ch.force(false);
        ch.close();
        assertThrows(ClosedChannelException.class, () -> ch.force(true));
        assertThrows(ClosedChannelException.class, ch::size);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldTruncateOnlyToASmallerSize(Impl impl) throws Exception {
        AsynchronousFileChannel ch = track(impl.open(fileWith(TestFiles.random(10_000, 4)), READ, WRITE));
        assertSame(ch, ch.truncate(20_000));
        assertEquals(10_000, ch.size(), "truncate never extends");
        ch.truncate(4000);
        assertEquals(4000, ch.size());
        assertEquals(-1, ch.read(ByteBuffer.allocate(10), 4000).get());
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldCompleteReadsRacingATruncate(Impl impl) throws Exception {
        byte[] data = TestFiles.random(1 << 20, 5);
        AsynchronousFileChannel ch = track(impl.open(fileWith(data), READ, WRITE));
        List<Future<Integer>> reads = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            reads.add(ch.read(ByteBuffer.allocate(4096), (long) i * 4096));
            if (i == 128) {
                ch.truncate(300_000);
            }
        }
        for (int i = 0; i < reads.size(); i++) {
            int n = reads.get(i).get();
            assertTrue(n == -1 || (n > 0 && n <= 4096), "read " + i + " returned " + n);
            if ((long) i * 4096 >= 300_000 && i > 128) {
                assertEquals(-1, n, "a read issued after the truncate, past the new end");
            }
        }
        assertEquals(300_000, ch.size());
    }

    // ---- argument and state checks -----------------------------------------------------------------

    @Test
    void shouldCheckArgumentsAsTheJdkDoes() throws Exception {
        Path p = fileWith(TestFiles.random(100, 6));
        for (int probe = 0; probe < 20; probe++) {
            String[] outcomes = new String[2];
            for (Impl impl : Impl.values()) {
                try (AsynchronousFileChannel ro = impl.open(p, READ);
                     AsynchronousFileChannel wo = impl.open(p, WRITE);
                     AsynchronousFileChannel closed = impl.open(p, READ, WRITE)) {
                    closed.close();
                    ByteBuffer b = ByteBuffer.allocate(10);
                    outcomes[impl.ordinal()] = outcome(probes(ro, wo, closed, b).get(probe));
                }
            }
            assertEquals(outcomes[Impl.JDK.ordinal()], outcomes[Impl.JAIO.ordinal()], "probe " + probe);
        }
    }

    private static List<ThrowingSupplier<?>> probes(AsynchronousFileChannel ro, AsynchronousFileChannel wo,
                                                     AsynchronousFileChannel closed, ByteBuffer b) {
        return List.of(
                () -> ro.read(b, -1),
                () -> wo.write(b, -1),
                () -> wo.read(b, 0),
                () -> ro.write(b, 0),
                () -> ro.read(ByteBuffer.allocate(10).asReadOnlyBuffer(), 0),
                () -> closed.read(b, 0),
                () -> closed.write(b, 0),
                () -> wo.truncate(-1),
                () -> ro.truncate(1),
                () -> ro.lock(0, 10, false),
                () -> wo.tryLock(0, 10, true),
                () -> wo.tryLock(-1, 10, false),
                () -> closed.tryLock(0, 10, true),
                () -> closed.lock(0, 10, true),
                () -> {
                    ro.read(b, 0, null, null);
                    return null;
                },
                () -> closed.read(ByteBuffer.allocate(0), 0),
                () -> closed.truncate(-1),
                () -> closed.size(),
                () -> wo.lock(0, -1, false),
                () -> wo.lock(Long.MAX_VALUE, 10, false));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldRejectAppendAtOpen(Impl impl) {
        assertThrows(UnsupportedOperationException.class,
                () -> impl.open(dir.resolve("append"), CREATE, StandardOpenOption.APPEND));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldOpenForReadingWithoutOptions(Impl impl) throws Exception {
        AsynchronousFileChannel ch = track(impl.open(fileWith(TestFiles.random(100, 7))));
        assertEquals(100, ch.read(ByteBuffer.allocate(200), 0).get());
        assertThrows(NonWritableChannelException.class, () -> ch.write(ByteBuffer.allocate(1), 0));
    }

    // ---- locks -------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldDetectOverlappingLocksAndReleaseThem(Impl impl) throws Exception {
        Path p = fileWith(TestFiles.random(1000, 8));
        AsynchronousFileChannel ch = track(impl.open(p, READ, WRITE));
        FileLock a = ch.lock(0, 100, false).get();
        assertTrue(a.isValid());
        assertSame(ch, a.acquiredBy());
        assertFalse(a.isShared());
        assertThrows(OverlappingFileLockException.class, () -> ch.tryLock(50, 100, false));
        assertThrows(OverlappingFileLockException.class, () -> ch.lock(99, 1, true));
        FileLock b = ch.tryLock(100, 100, true);
        assertNotNull(b);
        assertTrue(b.isShared());
        a.release();
        assertFalse(a.isValid());
        FileLock c = ch.tryLock(0, 100, false);
        assertNotNull(c, "a released range can be locked again");
        ch.close();
        assertFalse(b.isValid(), "closing the channel releases its locks");
        assertFalse(c.isValid());
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldShareTheLockTableWithTheOtherImplementation(Impl impl) throws Exception {
        Path p = fileWith(TestFiles.random(1000, 9));
        AsynchronousFileChannel mine = track(impl.open(p, READ, WRITE));
        AsynchronousFileChannel theirs = track(impl.other().open(p, READ, WRITE));
        FileLock held = mine.tryLock(0, 500, false);
        assertNotNull(held);
        assertThrows(OverlappingFileLockException.class, () -> theirs.tryLock(400, 10, false));
        assertNotNull(theirs.tryLock(500, 10, false));
        held.release();
        assertNotNull(theirs.tryLock(400, 10, false));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldReturnNullFromTryLockWhileAnotherProcessHoldsTheRange(Impl impl) throws Exception {
        Path p = fileWith(TestFiles.random(1000, 10));
        try (ChildJvm.Running holder = ChildJvm.of(LockHolder.class, p.toString(), "0", "100").sameEngine().start()) {
            String line = holder.readLine();
            assertNotNull(line, "the lock holder exited early");
            assertTrue(line.startsWith("locked"), line);
            AsynchronousFileChannel ch = track(impl.open(p, READ, WRITE));
            assertNull(ch.tryLock(50, 10, false));
            assertNull(ch.tryLock(0, 1, true));
            FileLock free = ch.tryLock(100, 10, false);
            assertNotNull(free, "a range the other process does not hold");

            // A lock that has to wait ends when the channel is closed.
            Future<FileLock> waiting = ch.lock(0, 10, false);
            Thread.sleep(200);
            assertFalse(waiting.isDone(), "the other process still holds the range");
            ch.close();
            assertInstanceOf(AsynchronousCloseException.class, failure(waiting));
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldGrantAWaitingLockWhenTheOtherProcessReleasesIt(Impl impl) throws Exception {
        Path p = fileWith(TestFiles.random(1000, 11));
        AsynchronousFileChannel ch = track(impl.open(p, READ, WRITE));
        Future<FileLock> waiting;
        try (ChildJvm.Running holder = ChildJvm.of(LockHolder.class, p.toString(), "0", "0").sameEngine().start()) {
            assertTrue(holder.readLine().startsWith("locked"));
            waiting = ch.lock(10, 10, false);
            Thread.sleep(200);
            assertFalse(waiting.isDone());
        }
        FileLock lock = waiting.get(30, TimeUnit.SECONDS);
        assertTrue(lock.isValid());
        assertEquals(10, lock.position());
        assertEquals(10, lock.size());
    }

    // ---- closing -----------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldCompleteOrAbortEveryPendingReadOnClose(Impl impl) throws Exception {
        AsynchronousFileChannel ch = impl.open(fileWith(TestFiles.random(1 << 20, 12)), READ);
        List<Future<Integer>> reads = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            reads.add(ch.read(ByteBuffer.allocate(4096), (i % 256) * 4096L));
        }
        ch.close();
        int ok = 0;
        int aborted = 0;
        for (Future<Integer> f : reads) {
            try {
                assertEquals(4096, f.get(30, TimeUnit.SECONDS));
                ok++;
            } catch (ExecutionException e) {
                assertInstanceOf(AsynchronousCloseException.class, e.getCause());
                aborted++;
            }
        }
        assertEquals(reads.size(), ok + aborted);
        assertInstanceOf(ClosedChannelException.class, failure(ch.read(ByteBuffer.allocate(1), 0)));
        assertFalse(ch.isOpen());
        ch.close(); // idempotent
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldCloseTheChannelWhenAFutureIsCancelledWithInterrupt(Impl impl) throws Exception {
        AsynchronousFileChannel ch = track(impl.open(fileWith(TestFiles.random(1 << 20, 13)), READ));
        // Only a future still running can be cancelled; find one among many.
        boolean cancelled = false;
        for (int i = 0; i < 2000 && !cancelled; i++) {
            cancelled = ch.read(ByteBuffer.allocate(65536), 0).cancel(true);
        }
        Assumptions.assumeTrue(cancelled, "every read completed before it could be cancelled");
        assertFalse(ch.isOpen());
    }

    // ---- handlers and executors --------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldRunHandlersOnTheGivenExecutorWithTheirAttachments(Impl impl) throws Exception {
        AtomicInteger made = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(3, r -> {
            Thread t = new Thread(r, "custom-" + made.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            AsynchronousFileChannel ch = track(impl.openWith(fileWith(TestFiles.random(100_000, 14)), executor, READ));
            int n = 200;
            CountDownLatch latch = new CountDownLatch(n);
            ConcurrentHashMap<Integer, String> seen = new ConcurrentHashMap<>();
            AtomicReference<Throwable> trouble = new AtomicReference<>();
            for (int i = 0; i < n; i++) {
                ch.read(ByteBuffer.allocate(100), i * 100L, i, new CompletionHandler<Integer, Integer>() {
                    @Override
                    public void completed(Integer result, Integer attachment) {
                        if (result != 100) {
                            trouble.set(new AssertionError("read " + attachment + " returned " + result));
                        }
                        seen.put(attachment, Thread.currentThread().getName());
                        latch.countDown();
                    }

                    @Override
                    public void failed(Throwable exc, Integer attachment) {
                        trouble.set(exc);
                        latch.countDown();
                    }
                });
            }
            assertTrue(latch.await(30, TimeUnit.SECONDS));
            assertNull(trouble.get());
            assertEquals(n, seen.size(), "each attachment came back once");
            assertTrue(seen.values().stream().allMatch(name -> name.startsWith("custom-")), seen.values().toString());

            // A closed channel: failed() with the attachment, still on the executor.
            ch.close();
            CompletableFuture<String> closed = new CompletableFuture<>();
            ch.read(ByteBuffer.allocate(1), 0, "att", new CompletionHandler<Integer, String>() {
                @Override
                public void completed(Integer result, String attachment) {
                    closed.complete("completed");
                }

                @Override
                public void failed(Throwable exc, String attachment) {
                    closed.complete(exc.getClass().getSimpleName() + "/" + attachment + "/"
                            + Thread.currentThread().getName().startsWith("custom-"));
                }
            });
            assertEquals("ClosedChannelException/att/true", closed.get(30, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldHandFailuresAndLocksToHandlers(Impl impl) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "one"));
        try {
            Path p = fileWith(TestFiles.random(100, 15));
            AsynchronousFileChannel ch = track(impl.openWith(p, executor, READ, WRITE));
            CompletableFuture<String> got = new CompletableFuture<>();
            ch.lock(0, 10, false, "lockAtt", new CompletionHandler<FileLock, String>() {
                @Override
                public void completed(FileLock lock, String att) {
                    got.complete(att + ":" + (lock.acquiredBy() == ch) + ":" + Thread.currentThread().getName());
                }

                @Override
                public void failed(Throwable exc, String att) {
                    got.completeExceptionally(exc);
                }
            });
            assertEquals("lockAtt:true:one", got.get(30, TimeUnit.SECONDS));

            ch.close();
            CompletableFuture<String> failed = new CompletableFuture<>();
            ch.read(ByteBuffer.allocate(10), 0, 42, new CompletionHandler<Integer, Integer>() {
                @Override
                public void completed(Integer n, Integer att) {
                    failed.complete("completed " + n);
                }

                @Override
                public void failed(Throwable exc, Integer att) {
                    failed.complete(exc.getClass().getSimpleName() + ":" + att + ":" + Thread.currentThread().getName());
                }
            });
            assertEquals("ClosedChannelException:42:one", failed.get(30, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldNotRunAHandlerOnTheIssuingThread(Impl impl) throws Exception {
        AsynchronousFileChannel ch = track(impl.open(fileWith(TestFiles.random(100, 16)), READ));
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        ch.read(ByteBuffer.allocate(0), 0, null, new CompletionHandler<Integer, Object>() {
            @Override
            public void completed(Integer n, Object att) {
                ran.complete(Thread.currentThread());
            }

            @Override
            public void failed(Throwable exc, Object att) {
                ran.completeExceptionally(exc);
            }
        });
        assertTrue(ran.get(30, TimeUnit.SECONDS) != Thread.currentThread());
    }

    // ---- O_DIRECT ----------------------------------------------------------------------------------

    @Test
    void shouldStageMisalignedDirectReadsWithStageUnalignedWhereTheJdkFails() throws Exception {
        byte[] data = TestFiles.random(64 * 1024, 17);
        Path p = fileWith(data);
        try (AsynchronousFileChannel jdk = Impl.JDK.open(p, READ, JDK_DIRECT);
             AsynchronousFileChannel jaio = Impl.JAIO.open(p, READ, JDK_DIRECT, dev.jaio.JaioOpenOption.STAGE_UNALIGNED)) {
            assertTrue(((AioAsynchronousFileChannel) jaio).asyncFile().isDirect(), "O_DIRECT works on this file system");
            // Heap buffer, odd position and length.
            ByteBuffer dst = ByteBuffer.allocate(1000);
            assertEquals(1000, jaio.read(dst, 4097).get());
            assertArrayEquals(Arrays.copyOfRange(data, 4097, 5097), dst.array());
            Throwable t = failure(jdk.read(ByteBuffer.allocate(1000), 4097));
            assertInstanceOf(IOException.class, t, "the JDK passes the misaligned request to the kernel");

            // A heap buffer at an aligned position and length: the JDK's temporary native buffer has no
            // particular alignment, so the kernel usually refuses it (reported, not asserted: a malloc'd
            // address can be aligned by chance); jaio stages it.
            System.out.println("JDK, O_DIRECT, heap buffer, aligned position and length: "
                    + outcome(() -> jdk.read(ByteBuffer.allocate(4096), 4096)));
            assertEquals(4096, jaio.read(ByteBuffer.allocate(4096), 4096).get());

            // An aligned native buffer at an aligned position works for both.
            for (AsynchronousFileChannel ch : List.of(jdk, jaio)) {
                ByteBuffer aligned = ByteBuffer.allocateDirect(8192 + 4096).alignedSlice(4096).limit(8192);
                assertEquals(8192, ch.read(aligned, 8192).get());
                byte[] got = new byte[8192];
                aligned.flip().get(got);
                assertArrayEquals(Arrays.copyOfRange(data, 8192, 16384), got);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shouldFailMisalignedDirectWritesWithAnIoException(Impl impl) throws Exception {
        Path p = fileWith(TestFiles.random(8192, 18));
        AsynchronousFileChannel ch = track(impl.open(p, WRITE, JDK_DIRECT));
        assertInstanceOf(IOException.class, failure(ch.write(ByteBuffer.allocate(100), 1)));
    }
}
