package dev.jaio.examples.journal;

import dev.jaio.AioEngine;
import dev.jaio.AsyncFile;
import dev.jaio.FallocateMode;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A durable append-only journal: a directory of preallocated segment files holding records framed with
 * a length, a sequence number and a CRC32C (see {@link RecordFormat}).
 *
 * <h2>Writing</h2>
 * {@link #append(ByteBuffer)} copies the record into a shared aligned buffer and returns a future that
 * completes with the record's sequence number once the record is durable, never before. Group commit:
 * while one group is being written and synced, new records gather in the next buffer; the next group
 * goes out as one O_DIRECT write of the dirty aligned blocks followed by one sync (or one O_DSYNC write),
 * however many writers it holds. A group's last, partial block is written again, with the same bytes
 * plus the new records, by the next group.
 *
 * <h2>Failures</h2>
 * <ul>
 * <li>A new segment that cannot be created or preallocated (ENOSPC on a full disk) fails the appends that
 *     needed it, at once, with nothing written; later appends try again, so the journal works again once
 *     space is freed. Since segments are preallocated, writes into them do not run out of space.</li>
 * <li>A failed write or sync (EIO, for instance) fails the appends of its group and of every group after
 *     it, and the journal refuses further appends: after a failed sync the state of the file is unknown,
 *     so the journal must be closed and opened again, which recovers what is on disk. A record whose
 *     append failed this way may or may not be found after recovery; an acknowledged record always is.</li>
 * </ul>
 *
 * <h2>Recovery</h2>
 * {@link #open} reads the segments in order and stops at the first record that is torn or corrupt
 * (bad CRC, impossible length, unexpected sequence number). Everything from there on is discarded:
 * the rest of that segment is zeroed and later segments are deleted. A record written after a torn one
 * is never returned, since no acknowledged record can follow an unacknowledged one.
 *
 * <p>One process at a time: the journal holds an exclusive lock on {@code dir/LOCK}.
 *
 * <h2>Example</h2>
 * {@snippet :
 * try (Journal journal = Journal.open(dir, Journal.Options.defaults())) {
 *     long seq = journal.append("hello".getBytes()).join(); // returns once durable
 *     journal.replay(record -> System.out.println(record.remaining() + " bytes"));
 * }
 * }
 */
public final class Journal implements AutoCloseable {
    private static final Pattern SEGMENT_NAME = Pattern.compile("(\\d{20})\\.seg");

    /** How a group is made durable. */
    public enum Durability {
        /** Write, then fdatasync as an FDSYNC request ({@link AsyncFile#force(boolean) force(false)}). */
        FDATASYNC,
        /** Segments opened with O_DSYNC: each write is durable when it completes, as with RWF_DSYNC. */
        DSYNC_WRITES
    }

    /**
     * How to build a journal.
     *
     * @param segmentSize bytes per segment file, preallocated on creation
     * @param batchBytes  size of each group buffer; the largest record is a little smaller
     * @param durability  how groups are made durable
     * @param engine      the engine to run on, or null for one the journal owns and closes
     */
    public record Options(long segmentSize, int batchBytes, Durability durability, AioEngine engine) {
        /** Checks the values. */
        public Options {
            if (segmentSize < 64 * 1024 || segmentSize % 65536 != 0) {
                throw new IllegalArgumentException("segmentSize must be a multiple of 64 KiB: segmentSize=" + segmentSize);
            }
            if (batchBytes < 65536 || Integer.bitCount(batchBytes) != 1 || batchBytes > segmentSize) {
                throw new IllegalArgumentException(
                        "batchBytes must be a power of two from 64 KiB to segmentSize: batchBytes=" + batchBytes);
            }
            Objects.requireNonNull(durability, "durability");
        }

        /** 64 MiB segments, 1 MiB groups, FDATASYNC, an engine of the journal's own. */
        public static Options defaults() {
            return new Options(64L << 20, 1 << 20, Durability.FDATASYNC, null);
        }

        /** These options with another segment size. */
        public Options withSegmentSize(long bytes) {
            return new Options(bytes, batchBytes, durability, engine);
        }

        /** These options with another group buffer size. */
        public Options withBatchBytes(int bytes) {
            return new Options(segmentSize, bytes, durability, engine);
        }

        /** These options with another durability. */
        public Options withDurability(Durability d) {
            return new Options(segmentSize, batchBytes, d, engine);
        }

        /** These options on a given engine, which the journal will not close. */
        public Options withEngine(AioEngine e) {
            return new Options(segmentSize, batchBytes, durability, e);
        }
    }

    /** Receives a record and its sequence number during {@link #replay(long, RecordHandler)}. */
    @FunctionalInterface
    public interface RecordHandler {
        /** Handles one record; {@code payload} is read-only and valid during the call only. */
        void accept(long sequence, ByteBuffer payload);
    }

    private final Path dir;
    private final Options options;
    private final AioEngine engine;
    private final boolean ownsEngine;
    private final NativeFile lockFile;
    private final Arena arena = Arena.ofShared();
    private final int block;
    private final int memoryAlignment;
    private final int maxRecord;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    // Guarded by lock:
    private Segment current;
    private long nextSequence;
    private long writeOffset;
    private Batch active;
    private final ArrayDeque<Batch> sealed = new ArrayDeque<>();
    private boolean flushing;
    private boolean closed;
    private Throwable failure;
    private final ArrayDeque<MemorySegment> freeBuffers = new ArrayDeque<>();
    private final List<Segment> retired = new ArrayList<>();
    /** The bytes of the current partial block, [alignDown(writeOffset), writeOffset), while no batch is active. */
    private final MemorySegment tailBlock;

    private volatile long durableSequence;
    private volatile long groupsWritten;

    private Journal(Path dir, Options options, AioEngine engine, boolean ownsEngine, NativeFile lockFile) {
        this.dir = dir;
        this.options = options;
        this.engine = engine;
        this.ownsEngine = ownsEngine;
        this.lockFile = lockFile;
        this.block = 4096;
        this.memoryAlignment = 4096;
        this.maxRecord = options.batchBytes() - 2 * block - RecordFormat.HEADER;
        this.tailBlock = arena.allocate(block, memoryAlignment);
    }

    /**
     * Opens the journal in {@code dir}, creating the directory and a first segment if needed, and
     * recovers it as described in the class documentation.
     *
     * @throws IOException if the directory cannot be read or written, another process holds the journal,
     *                     or a segment cannot be created
     */
    public static Journal open(Path dir, Options options) throws IOException {
        Objects.requireNonNull(options, "options");
        Files.createDirectories(dir);
        NativeFile lockFile = NativeFile.open(dir.resolve("LOCK"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        AioEngine engine = options.engine();
        boolean owns = engine == null;
        Journal journal = null;
        try {
            if (!lockFile.tryLock()) {
                throw new IOException("journal is in use by another process: dir=" + dir);
            }
            if (owns) {
                engine = AioEngine.builder().name("journal").queueDepth(64).build();
            }
            journal = new Journal(dir, options, engine, owns, lockFile);
            journal.recover();
            return journal;
        } catch (IOException | RuntimeException e) {
            if (journal != null) {
                journal.closeQuietly();
            } else {
                if (owns && engine != null) {
                    engine.close();
                }
                lockFile.close();
            }
            throw e;
        }
    }

    /** The largest record {@link #append} accepts, in bytes. */
    public int maxRecordSize() {
        return maxRecord;
    }

    /** The sequence number the next appended record will get. */
    public long nextSequence() {
        lock.lock();
        try {
            return nextSequence;
        } finally {
            lock.unlock();
        }
    }

    /** One past the highest sequence number known durable: every record below it survives a crash. */
    public long durableSequence() {
        return durableSequence;
    }

    /** How many groups were made durable since open: with many writers, far fewer than records. */
    public long groupsWritten() {
        return groupsWritten;
    }

    /** As {@link #append(ByteBuffer)}, for an array. */
    public CompletableFuture<Long> append(byte[] record) {
        return append(ByteBuffer.wrap(record));
    }

    /**
     * Appends the remaining bytes of {@code record} (copied before this returns, the buffer's position
     * unchanged) and returns a future of its sequence number that completes once the record is durable.
     * The future fails with the cause when the record did not become durable (see the class
     * documentation), or with {@link ClosedChannelException} when the journal is closed.
     *
     * <p>May block briefly while a new segment is created and preallocated.
     *
     * @throws IllegalArgumentException if the record is larger than {@link #maxRecordSize()}
     */
    public CompletableFuture<Long> append(ByteBuffer record) {
        Objects.requireNonNull(record, "record");
        if (record.remaining() > maxRecord) {
            throw new IllegalArgumentException("record too large: length=" + record.remaining()
                    + " max=" + maxRecord);
        }
        int size = RecordFormat.HEADER + record.remaining();
        CompletableFuture<Long> future = new CompletableFuture<>();
        Batch toFlush = null;
        lock.lock();
        try {
            if (closed) {
                future.completeExceptionally(new ClosedChannelException());
                return future;
            }
            if (failure != null) {
                future.completeExceptionally(new IOException("journal failed earlier; reopen it to recover: dir="
                        + dir, failure));
                return future;
            }
            if (writeOffset + size > options.segmentSize()) {
                try {
                    rollSegment();
                } catch (IOException | RuntimeException e) {
                    future.completeExceptionally(e);
                    return future;
                }
            }
            if (active != null && active.fill + size > active.buffer.byteSize()) {
                retire(active);
                sealed.add(active);
                active = null;
            }
            if (active == null) {
                active = newBatch();
            }
            long sequence = nextSequence++;
            active.fill += RecordFormat.encode(active.buffer, active.fill, sequence, record.duplicate());
            active.waiters.add(new Waiter(sequence, future));
            writeOffset += size;
            if (!flushing) {
                flushing = true;
                toFlush = takeNextBatch();
            }
        } finally {
            lock.unlock();
        }
        if (toFlush != null) {
            flush(toFlush);
        }
        return future;
    }

    /** Calls {@code consumer} with each durable record in order; see {@link #replay(long, RecordHandler)}. */
    public void replay(Consumer<ByteBuffer> consumer) throws IOException {
        Objects.requireNonNull(consumer, "consumer");
        replay(0, (sequence, payload) -> consumer.accept(payload));
    }

    /**
     * Calls {@code handler} with each record from {@code fromSequence} that was durable when the call
     * began, in order. Appends may go on meanwhile.
     */
    public void replay(long fromSequence, RecordHandler handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        long stop = durableSequence;
        List<long[]> bases = new ArrayList<>();
        for (Path p : segmentPaths()) {
            bases.add(new long[] {baseOf(p)});
        }
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i)[0];
            long nextBase = i + 1 < bases.size() ? bases.get(i + 1)[0] : Long.MAX_VALUE;
            if (base >= stop || nextBase <= fromSequence) {
                continue;
            }
            SegmentReader.scan(segmentPath(base), base, Long.MAX_VALUE, stop, (seq, payload) -> {
                if (seq >= fromSequence) {
                    handler.accept(seq, payload);
                }
                return true;
            });
        }
    }

    /**
     * Closes the journal: appends already accepted are written and acknowledged (or failed), then the
     * files and, if the journal owns it, the engine are closed. Later appends fail with
     * {@link ClosedChannelException}. Idempotent. Must not be called from a completion callback of this
     * journal's futures, which it would wait for.
     */
    @Override
    public void close() throws IOException {
        Batch toFlush = null;
        lock.lock();
        try {
            if (closed && current == null) {
                return;
            }
            closed = true;
            if (!flushing && active != null) {
                flushing = true;
                toFlush = takeNextBatch();
            }
        } finally {
            lock.unlock();
        }
        if (toFlush != null) {
            flush(toFlush);
        }
        lock.lock();
        try {
            boolean interrupted = false;
            while (flushing) {
                try {
                    idle.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            lock.unlock();
        }
        closeQuietly();
    }

    // ---- recovery --------------------------------------------------------------------------------

    private void recover() throws IOException {
        List<Path> paths = segmentPaths();
        long expected = paths.isEmpty() ? 0 : baseOf(paths.get(0));
        Path last = null;
        long lastEnd = 0;
        int kept = 0;
        for (Path p : paths) {
            if (baseOf(p) != expected) {
                break;
            }
            SegmentReader.Result r = SegmentReader.scan(p, expected, Long.MAX_VALUE, Long.MAX_VALUE,
                    (seq, payload) -> true);
            last = p;
            lastEnd = r.endOffset();
            expected = r.nextSequence();
            kept++;
        }
        boolean removed = false;
        for (int i = kept; i < paths.size(); i++) {
            Files.delete(paths.get(i)); // written after the first torn record: never acknowledged
            removed = true;
        }
        nextSequence = expected;
        durableSequence = expected;
        if (last == null) {
            current = createSegment(expected);
            writeOffset = 0;
        } else {
            current = openSegment(last, baseOf(last));
            writeOffset = lastEnd;
            prepareTail();
        }
        if (removed) {
            syncDirectory();
        }
    }

    /**
     * Zeroes the current segment from {@link #writeOffset} on, so nothing written before the crash can be
     * mistaken for a record later: the partial block is rewritten with zeros after the last record, the
     * blocks after it are punched out and allocated again.
     */
    private void prepareTail() throws IOException {
        AsyncFile file = current.file;
        if (file.size() < options.segmentSize()) {
            file.allocate(0, options.segmentSize()); // a crash between create and fallocate
        }
        long start = alignDown(writeOffset);
        tailBlock.fill((byte) 0);
        if (writeOffset > start) {
            int n = file.read(tailBlock, start).join();
            if (n < writeOffset - start) {
                throw new IOException("short read recovering the tail: path=" + current.path + " position=" + start);
            }
            tailBlock.asSlice(writeOffset - start).fill((byte) 0);
        }
        file.write(tailBlock, start).join();
        long next = start + block;
        if (next < options.segmentSize()) {
            file.allocate(next, options.segmentSize() - next, FallocateMode.PUNCH_HOLE);
            file.allocate(next, options.segmentSize() - next);
        }
        file.nativeFile().sync();
    }

    // ---- segments ----------------------------------------------------------------------------------

    private List<Path> segmentPaths() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> SEGMENT_NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }

    private static long baseOf(Path p) {
        Matcher m = SEGMENT_NAME.matcher(p.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a segment: path=" + p);
        }
        return Long.parseLong(m.group(1));
    }

    private Path segmentPath(long base) {
        return dir.resolve(String.format("%020d.seg", base));
    }

    private Set<java.nio.file.OpenOption> segmentOptions() {
        Set<java.nio.file.OpenOption> o = new HashSet<>(Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                JaioOpenOption.DIRECT));
        if (options.durability() == Durability.DSYNC_WRITES) {
            o.add(StandardOpenOption.DSYNC);
        }
        return o;
    }

    private Segment openSegment(Path path, long base) throws IOException {
        return new Segment(path, base, AsyncFile.open(path, engine, segmentOptions()));
    }

    /** Creates and preallocates a segment and makes its name and size durable; on failure leaves none. */
    private Segment createSegment(long base) throws IOException {
        Path path = segmentPath(base);
        Set<java.nio.file.OpenOption> o = segmentOptions();
        o.add(StandardOpenOption.CREATE_NEW);
        AsyncFile file = AsyncFile.open(path, engine, o);
        try {
            file.allocate(0, options.segmentSize());
            file.nativeFile().sync();
            syncDirectory();
        } catch (IOException | RuntimeException e) {
            file.close();
            Files.deleteIfExists(path);
            throw e;
        }
        return new Segment(path, base, file);
    }

    private void rollSegment() throws IOException {
        Segment next = createSegment(nextSequence);
        if (active != null) {
            retire(active);
            sealed.add(active);
            active = null;
        }
        retired.add(current);
        current = next;
        writeOffset = 0;
        tailBlock.fill((byte) 0);
        closeRetiredSegments();
    }

    /** Closes old segments no group still writes to. */
    private void closeRetiredSegments() {
        retired.removeIf(s -> {
            for (Batch b : sealed) {
                if (b.segment == s) {
                    return false;
                }
            }
            if (s.inFlight > 0) {
                return false;
            }
            try {
                s.file.close();
            } catch (IOException e) {
                System.getLogger(Journal.class.getName()).log(System.Logger.Level.WARNING, "closing " + s.path, e);
            }
            return true;
        });
    }

    private void syncDirectory() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    // ---- group commit ------------------------------------------------------------------------------

    private Batch newBatch() {
        MemorySegment buffer = freeBuffers.poll();
        if (buffer == null) {
            buffer = arena.allocate(options.batchBytes(), memoryAlignment);
        }
        Batch b = new Batch(buffer, current, alignDown(writeOffset));
        int carried = (int) (writeOffset - b.fileOffset);
        MemorySegment.copy(tailBlock, 0, buffer, 0, carried);
        b.fill = carried;
        return b;
    }

    /** No more records go into {@code b}: pads its last block with zeros and keeps that block for the next. */
    private void retire(Batch b) {
        long end = alignUp(b.fill);
        b.buffer.asSlice(b.fill, end - b.fill).fill((byte) 0);
        long lastBlock = alignDown(b.fill);
        tailBlock.fill((byte) 0);
        MemorySegment.copy(b.buffer, lastBlock, tailBlock, 0, b.fill - lastBlock);
    }

    /** The next group to write, under the lock: a sealed one, else the active one if it holds records. */
    private Batch takeNextBatch() {
        Batch b = sealed.poll();
        if (b == null && active != null && !active.waiters.isEmpty()) {
            b = active;
            retire(b);
            active = null;
        }
        if (b == null) {
            flushing = false;
            idle.signalAll();
        } else {
            b.segment.inFlight++;
        }
        return b;
    }

    private void flush(Batch b) {
        long length = alignUp(b.fill);
        MemorySegment data = b.buffer.asSlice(0, length);
        AsyncFile file = b.segment.file;
        CompletableFuture<Void> done;
        try {
            done = file.write(data, b.fileOffset).thenCompose(n -> {
                if (n != length) {
                    return CompletableFuture.failedFuture(new IOException("short write: path=" + b.segment.path
                            + " position=" + b.fileOffset + " length=" + length + " written=" + n));
                }
                return options.durability() == Durability.FDATASYNC ? file.force(false)
                        : CompletableFuture.completedFuture(null);
            });
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((v, error) -> flushed(b, error));
    }

    private void flushed(Batch b, Throwable error) {
        List<Waiter> fail = new ArrayList<>();
        Batch next = null;
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        lock.lock();
        try {
            b.segment.inFlight--;
            freeBuffers.add(b.buffer);
            if (cause != null) {
                if (failure == null) {
                    failure = cause;
                }
                fail.addAll(b.waiters);
                for (Batch s : sealed) {
                    fail.addAll(s.waiters);
                }
                sealed.clear();
                if (active != null) {
                    fail.addAll(active.waiters);
                    active = null;
                }
                flushing = false;
                idle.signalAll();
            } else {
                durableSequence = b.waiters.get(b.waiters.size() - 1).sequence + 1;
                groupsWritten++;
                next = takeNextBatch();
            }
            closeRetiredSegments();
        } finally {
            lock.unlock();
        }
        if (next != null) {
            flush(next); // the next group goes out before this one's callbacks run
        }
        if (cause == null) {
            for (Waiter w : b.waiters) {
                w.future.complete(w.sequence);
            }
        } else {
            for (Waiter w : fail) {
                w.future.completeExceptionally(cause);
            }
        }
    }

    private long alignDown(long offset) {
        return offset & -block;
    }

    private long alignUp(long offset) {
        return (offset + block - 1) & -block;
    }

    private void closeQuietly() {
        lock.lock();
        try {
            closed = true;
            for (Segment s : retired) {
                closeFile(s.file);
            }
            retired.clear();
            if (current != null) {
                closeFile(current.file);
                current = null;
            }
        } finally {
            lock.unlock();
        }
        if (ownsEngine) {
            engine.close();
        }
        arena.close();
        try {
            lockFile.close();
        } catch (IOException ignored) {
            // the lock goes with the descriptor either way
        }
    }

    private static void closeFile(AsyncFile f) {
        try {
            f.close();
        } catch (IOException e) {
            System.getLogger(Journal.class.getName()).log(System.Logger.Level.WARNING, "closing " + f.path(), e);
        }
    }

    @Override
    public String toString() {
        return "Journal[dir=" + dir + ", durableSequence=" + durableSequence + "]";
    }

    /** A segment file open for writing. */
    private static final class Segment {
        final Path path;
        final long base;
        final AsyncFile file;
        /** Groups of this segment being written; guarded by the journal's lock. */
        int inFlight;

        Segment(Path path, long base, AsyncFile file) {
            this.path = path;
            this.base = base;
            this.file = file;
        }
    }

    /** A group: records gathered in an aligned buffer that starts at an aligned offset of a segment. */
    private static final class Batch {
        final MemorySegment buffer;
        final Segment segment;
        final long fileOffset;
        int fill;
        final List<Waiter> waiters = new ArrayList<>();

        Batch(MemorySegment buffer, Segment segment, long fileOffset) {
            this.buffer = buffer;
            this.segment = segment;
            this.fileOffset = fileOffset;
        }
    }

    private record Waiter(long sequence, CompletableFuture<Long> future) {
    }
}
