package dev.jaio;

import dev.jaio.aio.IoVec;
import dev.jaio.aio.Iocb;

import dev.jaio.FileRequests.Base;
import dev.jaio.FileRequests.Request;
import dev.jaio.FileRequests.Staged;
import dev.jaio.internal.buffer.InlineIo;
import dev.jaio.internal.buffer.KernelMemory;
import dev.jaio.internal.buffer.StagingPool;
import dev.jaio.internal.concurrent.CloseGuard;
import dev.jaio.internal.engine.IoOp;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.jfr.FileIoEvent;
import dev.jaio.internal.jfr.JaioJfr;
import dev.jaio.internal.memory.MemoryLifetime;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file for asynchronous positional I/O with {@link CompletableFuture} results, on an
 * {@link AioEngine}: kernel AIO where it is usable, a thread pool otherwise.
 *
 * <p>Any thread may issue requests at any time. A request's future completes with the bytes transferred,
 * which for a read is short at end of file (0 at or past it), as {@link java.nio.channels.FileChannel}
 * does; or exceptionally with an {@link AioException} carrying the errno, the call, the file and the
 * position. A failed request never disturbs the others.
 *
 * <h2>Buffers</h2>
 * A native buffer the kernel can use as it is goes to the kernel as it is: for O_DIRECT that means its
 * address aligned to the file's {@link DirectIoAlignment#memory()} and its length and position to
 * {@link DirectIoAlignment#offset()}. Any other buffer, heap memory included, is staged through aligned
 * native memory of jaio's, as the JDK does for heap buffers: in chunks of at most 1 MiB, one request after
 * another, each chunk's memory given back as soon as its request completes, so a transfer of any size
 * stages a bounded amount at once (and, like the JDK's temporary buffers, outside
 * {@code -XX:MaxDirectMemorySize}). Like one read(2) or write(2), a staged transfer moves at most
 * 2,147,479,552 bytes ({@code MAX_RW_COUNT}); the caller goes on from the count. An O_DIRECT read at an unaligned
 * position or length reads the aligned range around it; an O_DIRECT write at an unaligned position or
 * length fails with EINVAL, since it would need a read-modify-write that is not atomic.
 *
 * <p>The kernel writes into a buffer only if nothing can free its memory before the request completes:
 * memory of an automatic or the global arena, a direct {@link ByteBuffer}, or a buffer from an
 * {@link AlignedBufferPool}, which the request keeps reachable until the kernel is done. Memory of an
 * arena the caller can close ({@link Arena#ofShared()}, {@link Arena#ofConfined()}) is staged: the
 * kernel works on jaio's memory, and the data is copied in at issue or out at completion, so closing the
 * arena early costs the request its data (its future fails with {@link IllegalStateException}), never
 * memory safety. A read into a confined segment is refused, since only its owner thread may fill it.
 * Do not change or reuse a buffer before its future completes.
 *
 * <h2>Cached I/O: the inline path</h2>
 * On a file opened without O_DIRECT, on every engine, a read or write is first tried on the calling
 * thread, inside {@code read} or {@code write}, with {@code preadv2}/{@code pwritev2} and
 * {@code RWF_NOWAIT}: when the kernel can do it without waiting for the disk (the data is in the page
 * cache, or the write goes into it), the future returned is already complete, and nothing was queued,
 * woken or parked. A read that comes back short is finished there only if a second {@code RWF_NOWAIT}
 * read at the new position returns 0 (end of file). What would block ({@code EAGAIN}, or the rest of a
 * transfer that stopped short) is handed to a blocking thread of the engine, and only what the inline
 * call did not transfer; the future then completes with the total. A file whose file system does not do
 * {@code RWF_NOWAIT} ({@code EOPNOTSUPP}: tmpfs reads, ext4 buffered writes on Linux 6.18) remembers it
 * and sends its later requests of that kind to the engine. An error completes the future with the
 * {@link AioException} the engine would give. {@code -Djaio.inline=false} turns the path off;
 * {@link AioEngine.Stats#inline()} counts the requests it finished.
 *
 * <p>Memory the inline path touches, only during the call: a native buffer that only the garbage
 * collector frees (automatic or global arena, direct {@link ByteBuffer}, pool buffer) or a confined
 * segment of the calling thread goes to the kernel as it is; the kernel copies into or out of it before
 * {@code read}/{@code write} returns. Any other buffer of at most 1 MiB (heap memory, a shared arena's
 * segment) is copied through native memory within the call: a staging buffer of the calling platform
 * thread (up to 64 KiB), or jaio's staging memory (virtual threads, larger transfers); a larger one takes
 * the staged path above. A vectored read or write is tried inline when it has at most 64 buffers and each
 * is one the kernel may use as it is; otherwise, and for O_DIRECT files and {@link #force}, requests go
 * to the engine.
 *
 * <p>Without O_DIRECT, the kernel would block io_submit on a cache miss. Buffered requests that reach
 * the engine are submitted with {@code RWF_NOWAIT} where the engine is kernel AIO, and a request the
 * kernel could only serve by blocking is handed to a small pool of blocking threads, so no caller and no
 * event loop waits on the disk.
 *
 * <h2>Closing</h2>
 * {@link #close()} fails requests not yet handed to the kernel with
 * {@link java.nio.channels.AsynchronousCloseException}, waits for those in the kernel, then closes the
 * descriptor; requests issued after it fail with {@link ClosedChannelException}.
 */
public final class AsyncFile implements AutoCloseable {
    /** {@code -Djaio.inline=false} sends every request to the engine, as before the inline path. */
    private static final boolean INLINE = !"false".equalsIgnoreCase(System.getProperty("jaio.inline"));
    /** One in this many requests finished inline without a future is timed for the latency summary. */
    static final int LATENCY_SAMPLE = 64;
    /** What {@link #attemptInline} answers when it finished the request itself. */
    private static final long FINISHED = -1L;

    private final NativeFile file;
    private final AioEngine engine;
    private final boolean direct;
    private final DirectIoAlignment alignment;
    private final String directFallback;
    private final CloseGuard guard = new CloseGuard();
    private final AtomicBoolean nativeClosed = new AtomicBoolean();
    /** Where staged transfers get their aligned memory. */
    private final StagingPool staging;
    private volatile boolean nowaitReads;
    private volatile boolean nowaitWrites;
    /** The transfers tried on the caller's thread first, and what the file system refused of them. */
    private final InlineIo inline;

    private AsyncFile(NativeFile file, AioEngine engine, String directFallback) throws IOException {
        this.file = file;
        this.engine = engine;
        this.direct = file.isDirect();
        this.alignment = direct ? file.directIoAlignment() : null;
        this.directFallback = directFallback;
        this.staging = StagingPool.forAlignment(alignment != null ? alignment.strictest() : 4096);
        boolean kernel = engine.kind() == AioEngine.Kind.KERNEL_AIO;
        this.nowaitReads = kernel && !direct;
        this.nowaitWrites = kernel && !direct;
        this.inline = new InlineIo(file.fd(), staging, INLINE && !direct);
    }

    /**
     * Opens a file on the {@linkplain AioEngine#defaultEngine() default engine}; see {@link NativeFile#open}.
     *
     * @param path the file to open
     * @param options how to open it, as {@link java.nio.file.StandardOpenOption} and {@link dev.jaio.JaioOpenOption}
     *     values
     * @return the open file
     * @throws IOException if the file cannot be opened; an {@link AioException} names the errno
     */
    public static AsyncFile open(Path path, OpenOption... options) throws IOException {
        return open(path, AioEngine.defaultEngine(), options);
    }

    /**
     * Opens a file on {@code engine}, with the options {@link NativeFile#open} takes. When O_DIRECT was
     * asked for and the file system refuses it, the file is opened without it and
     * {@link #directFallbackReason()} says so.
     *
     * @param path the file to open
     * @param engine the engine that runs the requests; it must stay open while the file is
     * @param options how to open it, as {@link java.nio.file.StandardOpenOption} and {@link dev.jaio.JaioOpenOption}
     *     values
     * @return the open file
     * @throws IOException if the file cannot be opened; an {@link AioException} names the errno
     */
    public static AsyncFile open(Path path, AioEngine engine, OpenOption... options) throws IOException {
        return open(path, engine, new HashSet<>(Arrays.asList(options)));
    }

    /**
     * As {@link #open(Path, AioEngine, OpenOption...)}, with file attributes for creation.
     *
     * @param path the file to open
     * @param engine the engine that runs the requests; it must stay open while the file is
     * @param options how to open it, as {@link java.nio.file.StandardOpenOption} and {@link dev.jaio.JaioOpenOption}
     *     values
     * @param attrs file attributes to set when the file is created
     * @return the open file
     * @throws IOException if the file cannot be opened; an {@link AioException} names the errno
     */
    public static AsyncFile open(Path path, AioEngine engine, Set<? extends OpenOption> options,
                                 FileAttribute<?>... attrs) throws IOException {
        Objects.requireNonNull(engine, "engine");
        NativeFile f;
        String fallback = null;
        try {
            f = NativeFile.open(path, options, attrs);
        } catch (AioException e) {
            boolean wantedDirect = options.stream().anyMatch(NativeFile::isDirectOption);
            if (!wantedDirect || e.errno() != Errno.EINVAL.number()) {
                throw e;
            }
            Set<OpenOption> buffered = new HashSet<>(options);
            buffered.removeIf(NativeFile::isDirectOption);
            f = NativeFile.open(path, buffered, attrs);
            fallback = "the file system refused O_DIRECT (EINVAL); the file was opened for buffered I/O";
        }
        try {
            return new AsyncFile(f, engine, fallback);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /**
     * The path the file was opened with.
     *
     * @return the path the file was opened with
     */
    public Path path() {
        return file.path();
    }

    /**
     * The engine that runs this file's requests.
     *
     * @return the engine that runs this file's requests
     */
    public AioEngine engine() {
        return engine;
    }

    /**
     * Whether the file is open with O_DIRECT.
     *
     * @return whether the file is open with O_DIRECT
     */
    public boolean isDirect() {
        return direct;
    }

    /**
     * Why O_DIRECT was asked for and not used; empty otherwise.
     *
     * @return why O_DIRECT was asked for and not used; empty otherwise
     */
    public Optional<String> directFallbackReason() {
        return Optional.ofNullable(directFallback);
    }

    /**
     * What O_DIRECT needs of this file's requests (see {@link NativeFile#directIoAlignment()}).
     *
     * @return what O_DIRECT needs of this file's requests (see {@link NativeFile#directIoAlignment()})
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public DirectIoAlignment directIoAlignment() throws IOException {
        return alignment != null ? alignment : file.directIoAlignment();
    }

    /**
     * Whether the file is open.
     *
     * @return whether the file is open
     */
    public boolean isOpen() {
        return !guard.isClosed();
    }

    /** Whether reads are still tried inline (buffered file, and no EOPNOTSUPP seen); for tests. */
    boolean triesInlineReads() {
        return inline.triesReads();
    }

    /** Whether writes are still tried inline; for tests. */
    boolean triesInlineWrites() {
        return inline.triesWrites();
    }

    /**
     * Whether the file system refused a {@code RWF_NOWAIT} write on this buffered file ({@code EOPNOTSUPP},
     * as ext4 answers for buffered writes on Linux 6.18), so that its writes can no longer be tried on the
     * caller's thread without the risk of blocking it, and go to the engine. A caller that blocks anyway (a
     * platform thread in {@link java.nio.channels.FileChannel#write}) can write itself with
     * {@link #writeBlocking}, as {@link dev.jaio.nio.AioFileChannel} does on platform threads.
     *
     * @return true once a RWF_NOWAIT write of this file was refused with EOPNOTSUPP
     */
    public boolean refusesNowaitWrites() {
        return inline.writesRefused();
    }

    /**
     * The underlying file, for synchronous calls such as {@link NativeFile#tryLock()}.
     *
     * @return the underlying file, for synchronous calls such as {@link NativeFile#tryLock()}
     */
    public NativeFile nativeFile() {
        return file;
    }

    // ---- reads and writes ------------------------------------------------------------------------

    /**
     * Reads into {@code dst} from {@code position}.
     *
     * @param dst where the data goes
     * @param position the file position to start at, in bytes
     * @return a future of the bytes read: fewer than {@code dst.byteSize()} at end of file, 0 past it
     * @throws IllegalArgumentException    if {@code position} is negative or {@code dst} is read-only
     * @throws NonReadableChannelException if the file was not opened for reading
     */
    public CompletableFuture<Integer> read(MemorySegment dst, long position) {
        return readInto(Objects.requireNonNull(dst, "dst"), null, position);
    }

    /**
     * Writes {@code src} at {@code position}.
     *
     * @param src the data to write
     * @param position the file position to start at, in bytes
     * @return a future of the bytes written
     * @throws IllegalArgumentException    if {@code position} is negative
     * @throws NonWritableChannelException if the file was not opened for writing
     */
    public CompletableFuture<Integer> write(MemorySegment src, long position) {
        return writeFrom(Objects.requireNonNull(src, "src"), null, position);
    }

    /**
     * Reads into the remaining bytes of {@code dst} from {@code position}; on completion the buffer's
     * position has advanced by the bytes read.
     *
     * @param dst where the data goes
     * @param position the file position to start at, in bytes
     * @return a future of the bytes read: short at end of file, 0 past it
     * @throws IllegalArgumentException if {@code position} is negative or {@code dst} is read-only
     */
    public CompletableFuture<Integer> read(ByteBuffer dst, long position) {
        if (Objects.requireNonNull(dst, "dst").isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        return readInto(MemorySegment.ofBuffer(dst), dst, position);
    }

    /**
     * Writes the remaining bytes of {@code src} at {@code position}; on completion its position has advanced.
     *
     * @param src the data to write
     * @param position the file position to start at, in bytes
     * @return a future of the bytes written
     */
    public CompletableFuture<Integer> write(ByteBuffer src, long position) {
        return writeFrom(MemorySegment.ofBuffer(Objects.requireNonNull(src, "src")), src, position);
    }

    /** A read into {@code dst}, a view of {@code bb} when not null, checked on the caller's thread. */
    private CompletableFuture<Integer> readInto(MemorySegment dst, ByteBuffer bb, long position) {
        checkPosition(position);
        checkFillable(dst);
        checkReadable();
        CompletableFuture<Integer> future = new CompletableFuture<>();
        issueRead(dst, bb, position, future);
        return future;
    }

    /** A write from {@code src}, a view of {@code bb} when not null, checked on the caller's thread. */
    private CompletableFuture<Integer> writeFrom(MemorySegment src, ByteBuffer bb, long position) {
        checkPosition(position);
        checkWritable();
        CompletableFuture<Integer> future = new CompletableFuture<>();
        issueWrite(src, bb, position, future);
        return future;
    }

    /**
     * Reads into several buffers in order from {@code position}, as one request (preadv).
     *
     * @param dsts the buffers to fill, in order
     * @param position the file position to start at, in bytes
     * @return a future of the total bytes read
     */
    public CompletableFuture<Long> read(List<MemorySegment> dsts, long position) {
        Objects.requireNonNull(dsts, "dsts");
        checkPosition(position);
        checkReadable();
        for (MemorySegment d : dsts) {
            checkFillable(Objects.requireNonNull(d, "dst"));
        }
        CompletableFuture<Long> future = new CompletableFuture<>();
        issueVectored(List.copyOf(dsts), position, future, true);
        return future;
    }

    /**
     * Writes several buffers in order at {@code position}, as one request (pwritev).
     *
     * @param srcs the buffers to write, in order
     * @param position the file position to start at, in bytes
     * @return a future of the bytes written
     */
    public CompletableFuture<Long> write(List<MemorySegment> srcs, long position) {
        Objects.requireNonNull(srcs, "srcs");
        checkPosition(position);
        checkWritable();
        srcs.forEach(s -> Objects.requireNonNull(s, "src"));
        CompletableFuture<Long> future = new CompletableFuture<>();
        issueVectored(List.copyOf(srcs), position, future, false);
        return future;
    }

    /**
     * Flushes the file's data (and with {@code metaData} its metadata) to stable storage, as an FDSYNC
     * or FSYNC request.
     *
     * @param metaData whether to force the file's metadata too (FSYNC rather than FDSYNC)
     * @return a future that completes once the data is on stable storage
     */
    public CompletableFuture<Void> force(boolean metaData) {
        return noData(metaData ? IoOp.FSYNC : IoOp.FDSYNC, -1, 0, 0);
    }

    /**
     * Allocates blocks for a range as {@link #allocate(long, long, FallocateMode...)} does, without blocking
     * the caller: a FALLOCATE request on the engine. io_uring runs it as an {@code IORING_OP_FALLOCATE}
     * (which the kernel hands to its workers); kernel AIO has no such command, so its engine runs it on one
     * of its blocking threads, as does the thread pool.
     *
     * @param offset where the range starts, in bytes
     * @param length the range's length in bytes
     * @param modes  the fallocate(2) modes; none allocates and extends the file if the range ends beyond it
     * @return a future that completes once the range is allocated (or freed, or zeroed), or exceptionally
     *         with an {@link AioException} naming {@code fallocate} and the errno (EBADF on a file not
     *         open for writing, EINVAL for a negative offset or a length below 1, EOPNOTSUPP where the file
     *         system lacks the mode, ENOSPC when it is full), or with a {@link ClosedChannelException}
     */
    public CompletableFuture<Void> allocateAsync(long offset, long length, FallocateMode... modes) {
        return noData(IoOp.FALLOCATE, offset, length, FallocateMode.bits(modes));
    }

    /** A request that moves no data (a force, a fallocate): its future completes with null. */
    private CompletableFuture<Void> noData(IoOp op, long position, long length, int flags) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (!guard.tryAcquire()) {
            future.completeExceptionally(new ClosedChannelException());
            return future;
        }
        Request r;
        try {
            r = new Request(this, op, position, MemorySegment.NULL, length, flags, future) {
                @Override
                Object value(long n) {
                    return null;
                }
            };
        } catch (Throwable t) {
            guard.release();
            future.completeExceptionally(t);
            return future;
        }
        submit(r);
        return future;
    }

    private void issueRead(MemorySegment dst, ByteBuffer bb, long position, CompletableFuture<Integer> future) {
        issueSingle(true, dst, bb, position, future);
    }

    private void issueWrite(MemorySegment src, ByteBuffer bb, long position, CompletableFuture<Integer> future) {
        issueSingle(false, src, bb, position, future);
    }

    /**
     * A read into, or write from, one buffer: tried inline first where it may be, then what is left goes
     * to the engine, as it is or staged.
     */
    private void issueSingle(boolean read, MemorySegment buf, ByteBuffer bb, long position,
                             CompletableFuture<Integer> future) {
        if (!guard.tryAcquire()) {
            future.completeExceptionally(new ClosedChannelException());
            return;
        }
        long length = buf.byteSize();
        if (!read && direct && (((position | length) & (alignment.offset() - 1)) != 0)) {
            guard.release();
            future.completeExceptionally(misaligned("pwrite", position, length));
            return;
        }
        long prefix = 0;
        boolean wouldBlock = false;
        if (inline.tries(read, buf)) {
            if (read && inline.skipsRead()) {
                wouldBlock = true; // the file's recent reads found nothing cached
            } else {
                long r = attemptInline(read, buf, bb, position, future);
                if (r == FINISHED) {
                    return;
                }
                prefix = r & ~InlineIo.PARTIAL;
                wouldBlock = prefix > 0 || (read ? inline.triesReads() : inline.triesWrites());
            }
        }
        toEngine(read, buf, bb, position, prefix, wouldBlock, future);
    }

    /**
     * Sends a single-buffer transfer to the engine, as it is or staged, from the {@code prefix} bytes an
     * inline attempt already did; the caller holds the file.
     */
    private void toEngine(boolean read, MemorySegment buf, ByteBuffer bb, long position, long prefix,
                          boolean wouldBlock, CompletableFuture<Integer> future) {
        if (prefix > 0) {
            buf = buf.asSlice(prefix);
            position += prefix;
        }
        long length = buf.byteSize();
        if (usableAsIs(buf, position)) {
            Request r;
            try {
                r = new Request(this, read ? IoOp.READ : IoOp.WRITE, position, buf, length,
                        read ? readFlags() : writeFlags(), future);
            } catch (Throwable t) {
                guard.release();
                future.completeExceptionally(t);
                return;
            }
            r.byteBuffer = bb;
            r.userBuffer = buf;
            r.prefix = prefix;
            r.blockingOnly = wouldBlock && engine.kind() == AioEngine.Kind.KERNEL_AIO;
            submit(r);
        } else {
            new Staged(this, read, List.of(buf), bb, position, length, future, false).resuming(prefix,
                    wouldBlock && engine.kind() == AioEngine.Kind.KERNEL_AIO).start();
        }
    }

    /**
     * Reads as {@link #read(ByteBuffer, long)} does, for a caller that waits for the result anyway (a
     * blocking channel): when the inline path finishes the read on this thread, no future is made and
     * nothing is timed but one request in 64 (for the latency summary;
     * {@link AioEngine.Stats#inline()} counts every one). What the kernel could not do without blocking
     * goes to the engine as {@link #read(ByteBuffer, long)} sends it.
     *
     * @param dst      where the data goes; on return without a future its position has moved by the bytes
     *                 read, none at end of file
     * @param position the file position to start at, in bytes
     * @return null when the read was finished on this thread; otherwise the future of the whole read, as
     *         {@link #read(ByteBuffer, long)} returns it
     * @throws IOException                 the error the read's future would have failed with: an
     *                                     {@link AioException} naming the errno, or
     *                                     {@link ClosedChannelException} if the file is closed
     * @throws IllegalArgumentException    if {@code position} is negative or {@code dst} is read-only or
     *                                     of a confined arena
     * @throws NonReadableChannelException if the file was not opened for reading
     */
    public CompletableFuture<Integer> readOrFuture(ByteBuffer dst, long position) throws IOException {
        if (Objects.requireNonNull(dst, "dst").isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        checkPosition(position);
        if (dst.hasArray() && inline.triesHeap(true, dst.remaining())) {
            checkReadable();
            return transferOrFuture(true, null, dst, position);
        }
        MemorySegment seg = MemorySegment.ofBuffer(dst);
        checkFillable(seg);
        checkReadable();
        return transferOrFuture(true, seg, dst, position);
    }

    /**
     * Writes as {@link #write(ByteBuffer, long)} does, for a caller that waits for the result anyway, with
     * no future when the inline path finishes the write on this thread; see
     * {@link #readOrFuture(ByteBuffer, long)}.
     *
     * @param src      the data to write; on return without a future its position has moved past it
     * @param position the file position to start at, in bytes
     * @return null when the write was finished on this thread; otherwise the future of the whole write
     * @throws IOException                 the error the write's future would have failed with
     * @throws IllegalArgumentException    if {@code position} is negative
     * @throws NonWritableChannelException if the file was not opened for writing
     */
    public CompletableFuture<Integer> writeOrFuture(ByteBuffer src, long position) throws IOException {
        Objects.requireNonNull(src, "src");
        checkPosition(position);
        checkWritable();
        if (src.hasArray() && inline.triesHeap(false, src.remaining())) {
            return transferOrFuture(false, null, src, position);
        }
        return transferOrFuture(false, MemorySegment.ofBuffer(src), src, position);
    }

    /** The inline attempt without a future, falling back to the engine for what would block. */
    /**
     * Whether transfers of this file may be done on the caller's thread: a buffered file, with the inline
     * path on ({@code -Djaio.inline}, default true). A platform thread that waits for its result anyway
     * gains nothing from the engine there, and can {@link #readBlocking} and {@link #writeBlocking}.
     *
     * @return whether {@link #readBlocking} and {@link #writeBlocking} are meant for this file
     */
    public boolean transfersOnCaller() {
        return INLINE && !direct;
    }

    /**
     * Reads as {@link java.nio.channels.FileChannel#read(ByteBuffer, long)} does: pread(2) on the calling
     * thread, which blocks until the kernel has the data, for a caller that would wait for the engine's
     * result anyway and gains nothing from it (a platform thread in a blocking channel; a virtual thread
     * should use {@link #readOrFuture}, which parks it instead of pinning its carrier). Counted with the
     * requests finished inline ({@link AioEngine.Stats#inline()}), and recorded as a {@code FileRead} event.
     *
     * <p>Memory: {@code dst} goes to the kernel as it is when only the garbage collector can free it (a
     * heap or direct buffer, an automatic arena's) or it is this thread's confined memory; any other
     * buffer is read through the calling thread's staging buffer, 64 KiB at a time, and copied in.
     *
     * @param dst      where the data goes; its position moves by the bytes read
     * @param position the file position to start at, in bytes
     * @return the bytes read, 0 at end of file
     * @throws IOException                 an {@link AioException} naming the errno of pread, or
     *                                     {@link ClosedChannelException} if the file is closed
     * @throws IllegalArgumentException    if {@code position} is negative or {@code dst} is read-only
     * @throws NonReadableChannelException if the file was not opened for reading
     */
    public int readBlocking(ByteBuffer dst, long position) throws IOException {
        if (Objects.requireNonNull(dst, "dst").isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        checkPosition(position);
        checkReadable();
        return onCaller(true, dst, position);
    }

    /**
     * Writes as {@link java.nio.channels.FileChannel#write(ByteBuffer, long)} does: pwrite(2) on the
     * calling thread, for a caller that waits anyway, as {@link #readBlocking} reads. Memory: as for
     * {@link #readBlocking}, copied out of a buffer the kernel may not use as it is.
     *
     * @param src      the data to write; its position moves past what was written
     * @param position the file position to start at, in bytes
     * @return the bytes written
     * @throws IOException                 an {@link AioException} naming the errno of pwrite, or
     *                                     {@link ClosedChannelException} if the file is closed
     * @throws IllegalArgumentException    if {@code position} is negative
     * @throws NonWritableChannelException if the file was not opened for writing
     */
    public int writeBlocking(ByteBuffer src, long position) throws IOException {
        Objects.requireNonNull(src, "src");
        checkPosition(position);
        checkWritable();
        return onCaller(false, src, position);
    }

    private int onCaller(boolean read, ByteBuffer bb, long position) throws IOException {
        MemorySegment buf = MemorySegment.ofBuffer(bb);
        if (!guard.tryAcquire()) {
            throw new ClosedChannelException();
        }
        boolean timed = (ThreadLocalRandom.current().nextInt() & (LATENCY_SAMPLE - 1)) == 0;
        long start = timed ? System.nanoTime() : 0;
        FileIoEvent jfr = JaioJfr.begin(read ? IoOp.READ : IoOp.WRITE);
        long r;
        try {
            r = read ? inline.readBlocking(buf, position) : inline.writeBlocking(buf, position);
        } catch (Throwable e) {
            finishInline(timed, start, true); // the caller's arena closed during the copy
            throw e;
        }
        return finishedOnCaller(read, r, timed, start, jfr, bb, position);
    }

    /**
     * Ends a transfer this thread finished (inline or blocking): counts it, records its JFR event, and
     * either throws its error or moves the buffer past what it moved; returns the bytes.
     */
    private int finishedOnCaller(boolean read, long r, boolean timed, long start, FileIoEvent jfr, ByteBuffer bb,
                                 long position) throws AioException {
        finishInline(timed, start, r < 0);
        JaioJfr.end(jfr, file.path(), position, Math.max(0, r), r < 0 ? Errno.nameOf((int) -r) : null,
                engine.kind());
        if (r < 0) {
            throw new AioException(read ? "pread" : "pwrite", (int) -r, null, file.path(), position);
        }
        bb.position(bb.position() + (int) r);
        return (int) r;
    }

    /**
     * The inline attempt of {@link #readOrFuture} and {@link #writeOrFuture}; {@code buf} is null for a heap
     * buffer the attempt copies to or from its array (no segment is made unless the engine gets the rest).
     */
    private CompletableFuture<Integer> transferOrFuture(boolean read, MemorySegment buf, ByteBuffer bb,
                                                        long position) throws IOException {
        if (buf != null && !inline.tries(read, buf)) {
            return read ? readInto(buf, bb, position) : writeFrom(buf, bb, position);
        }
        if (!guard.tryAcquire()) {
            throw new ClosedChannelException();
        }
        if (read && inline.skipsRead()) {
            // The file's recent reads found nothing cached: this one goes to the engine without a try.
            CompletableFuture<Integer> future = new CompletableFuture<>();
            toEngine(true, buf != null ? buf : MemorySegment.ofBuffer(bb), bb, position, 0, true, future);
            return future;
        }
        boolean timed = (ThreadLocalRandom.current().nextInt() & (LATENCY_SAMPLE - 1)) == 0;
        long start = timed ? System.nanoTime() : 0;
        FileIoEvent jfr = JaioJfr.begin(read ? IoOp.READ : IoOp.WRITE);
        long r;
        try {
            if (buf != null) {
                r = read ? inline.read(buf, position) : inline.write(buf, position);
            } else {
                byte[] array = bb.array();
                int offset = bb.arrayOffset() + bb.position();
                r = read ? inline.read(array, offset, bb.remaining(), position)
                        : inline.write(array, offset, bb.remaining(), position);
            }
        } catch (Throwable e) {
            // The caller's arena closed during the copy, or staging memory could not be had.
            finishInline(timed, start, true);
            throw e;
        }
        if (r >= 0 && (r & InlineIo.PARTIAL) != 0) {
            long prefix = r & ~InlineIo.PARTIAL;
            if (buf == null) {
                buf = MemorySegment.ofBuffer(bb);
            }
            CompletableFuture<Integer> future = new CompletableFuture<>();
            toEngine(read, buf, bb, position, prefix,
                    prefix > 0 || (read ? inline.triesReads() : inline.triesWrites()), future);
            return future;
        }
        finishedOnCaller(read, r, timed, start, jfr, bb, position);
        return null;
    }

    /**
     * Tries a single-buffer read or write on this thread ({@link InlineIo}). When it finishes the request
     * (all done, end of file, an error), it completes the future, counts the request and releases the
     * file, and answers {@link #FINISHED}; otherwise it answers {@code PARTIAL} with the bytes done, for
     * the engine to go on from.
     */
    private long attemptInline(boolean read, MemorySegment buf, ByteBuffer bb, long position,
                               CompletableFuture<Integer> future) {
        long start = System.nanoTime();
        FileIoEvent jfr = JaioJfr.begin(read ? IoOp.READ : IoOp.WRITE);
        long r;
        try {
            r = read ? inline.read(buf, position) : inline.write(buf, position);
        } catch (Throwable e) {
            // The caller's arena closed during the copy, or staging memory could not be had.
            finishInline(start, true);
            future.completeExceptionally(e);
            return FINISHED;
        }
        if (r >= 0 && (r & InlineIo.PARTIAL) != 0) {
            return r;
        }
        finishInline(start, r < 0);
        JaioJfr.end(jfr, file.path(), position, Math.max(0, r), r < 0 ? Errno.nameOf((int) -r) : null,
                engine.kind());
        if (r < 0) {
            future.completeExceptionally(new AioException(read ? "pread" : "pwrite", (int) -r, null, file.path(),
                    position));
        } else {
            if (bb != null) {
                bb.position(bb.position() + (int) r);
            }
            future.complete(FileRequests.boxed((int) r));
        }
        return FINISHED;
    }

    /** Counts a request finished on this thread, and releases its hold on the descriptor. */
    private void finishInline(long startNanos, boolean failed) {
        engine.engine().counters().recordInline(startNanos, failed);
        requestDone();
    }

    /** As {@link #finishInline(long, boolean)}, timing the request only when {@code timed}. */
    private void finishInline(boolean timed, long startNanos, boolean failed) {
        if (timed) {
            engine.engine().counters().recordInline(startNanos, failed);
        } else {
            engine.engine().counters().countInline(failed);
        }
        requestDone();
    }

    private void issueVectored(List<MemorySegment> buffers, long position, CompletableFuture<Long> future,
                               boolean read) {
        if (!guard.tryAcquire()) {
            future.completeExceptionally(new ClosedChannelException());
            return;
        }
        long total = 0;
        boolean asIs = !buffers.isEmpty() && buffers.size() <= 1024;
        for (MemorySegment b : buffers) {
            total += b.byteSize();
            asIs &= usableAsIs(b, position);
        }
        if (!read && direct && (((position | total) & (alignment.offset() - 1)) != 0)) {
            guard.release();
            future.completeExceptionally(misaligned("pwritev", position, total));
            return;
        }
        long prefix = 0;
        boolean wouldBlock = false;
        if (inline.tries(read, buffers)) {
            long start = System.nanoTime();
            FileIoEvent jfr = JaioJfr.begin(read ? IoOp.READV : IoOp.WRITEV);
            long r;
            try {
                r = inline.vectored(buffers, position, read);
            } catch (Throwable e) {
                finishInline(start, true);
                future.completeExceptionally(e);
                return;
            }
            if (r < 0 || (r & InlineIo.PARTIAL) == 0) {
                finishInline(start, r < 0);
                JaioJfr.end(jfr, file.path(), position, Math.max(0, r), r < 0 ? Errno.nameOf((int) -r) : null,
                        engine.kind());
                if (r < 0) {
                    future.completeExceptionally(new AioException(read ? "preadv" : "pwritev", (int) -r, null,
                            file.path(), position));
                } else {
                    future.complete(r);
                }
                return;
            }
            prefix = r & ~InlineIo.PARTIAL;
            wouldBlock = prefix > 0 || (read ? inline.triesReads() : inline.triesWrites());
            if (prefix > 0) {
                buffers = withoutFirst(buffers, prefix);
                position += prefix;
                total -= prefix;
                asIs &= !buffers.isEmpty();
            }
        }
        if (!asIs) {
            new Staged(this, read, buffers, null, position, total, future, true).resuming(prefix,
                    wouldBlock && engine.kind() == AioEngine.Kind.KERNEL_AIO).start();
            return;
        }
        StagingPool.Buffer iov = null;
        Request r;
        try {
            iov = staging.acquire(IoVec.LAYOUT.byteSize() * buffers.size());
            IoVec.array(SegmentAllocator.slicingAllocator(iov.segment()), buffers);
            r = new Request(this, read ? IoOp.READV : IoOp.WRITEV, position, iov.segment(), buffers.size(),
                    read ? readFlags() : writeFlags(), future) {
                @Override
                Object value(long n) {
                    return n;
                }
            };
        } catch (Throwable t) {
            if (iov != null) {
                iov.release();
            }
            guard.release();
            future.completeExceptionally(t);
            return;
        }
        r.iovecs = iov;
        r.userBuffer = buffers;
        r.prefix = prefix;
        // A short RWF_NOWAIT preadv could not be resumed simply: buffered vectored I/O blocks on a thread.
        r.blockingOnly = !direct && engine.kind() == AioEngine.Kind.KERNEL_AIO;
        submit(r);
    }

    /** {@code buffers} without their first {@code n} bytes. */
    private static List<MemorySegment> withoutFirst(List<MemorySegment> buffers, long n) {
        List<MemorySegment> rest = new ArrayList<>(buffers.size());
        for (MemorySegment b : buffers) {
            if (n >= b.byteSize()) {
                n -= b.byteSize();
            } else {
                rest.add(n > 0 ? b.asSlice(n) : b);
                n = 0;
            }
        }
        return rest;
    }

    /**
     * Hands a request to the engine, which completes or aborts it exactly once. Should the engine itself
     * throw (a VM error), the request is failed here, once: its in-use count is released so that
     * {@link #close()} cannot hang; staging memory the engine might still hold is left unreturned.
     */
    void submit(Base r) {
        try {
            engine.engine().submit(r);
        } catch (Throwable t) {
            r.failSubmission(t);
        }
    }

    /** Whether {@code buffer} may go to the kernel as it is, at {@code position} on this file. */
    private boolean usableAsIs(MemorySegment buffer, long position) {
        return KernelMemory.usableAsIs(buffer) && (!direct || alignment.accepts(buffer, position));
    }

    /** Whether only the garbage collector frees {@code segment}'s memory; see {@link MemoryLifetime}. */
    static boolean freedOnlyByGc(MemorySegment segment) {
        return MemoryLifetime.freedOnlyByGc(segment);
    }

    private static void checkFillable(MemorySegment dst) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only destination");
        }
        if (KernelMemory.isConfined(dst)) {
            throw new IllegalArgumentException("a segment of a confined arena can be filled only by its owner "
                    + "thread, and reads complete on another; use Arena.ofShared(), Arena.ofAuto() or an "
                    + "AlignedBufferPool buffer");
        }
    }

    private int readFlags() {
        return nowaitReads ? Iocb.RWF_NOWAIT : 0;
    }

    private int writeFlags() {
        return nowaitWrites ? Iocb.RWF_NOWAIT : 0;
    }

    /** The RWF flags of a request of this file: RWF_NOWAIT until the kernel refused it. */
    int rwFlags(boolean read) {
        return read ? readFlags() : writeFlags();
    }

    /** The kernel refused RWF_NOWAIT for reads, or writes, of this file: later requests go without it. */
    void nowaitUnsupported(boolean read) {
        if (read) {
            nowaitReads = false;
        } else {
            nowaitWrites = false;
        }
    }

    /** Whether the file is closing, so that requests not yet started are aborted. */
    boolean closing() {
        return guard.isClosed();
    }

    /** Where this file's staged transfers get their aligned memory. */
    StagingPool staging() {
        return staging;
    }

    /** For an O_DIRECT file the offset alignment a staged read rounds to; 0 for a buffered file. */
    long readRounding() {
        return direct ? alignment.offset() : 0;
    }

    private AioException misaligned(String call, long position, long length) {
        return new AioException(call, Errno.EINVAL.number(), "O_DIRECT writes must start and end on multiples of "
                + alignment.offset() + " bytes on this file: position=" + position + " length=" + length,
                file.path(), position);
    }

    private static void checkPosition(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("negative position: position=" + position);
        }
    }

    private void checkReadable() {
        if (!file.isReadable()) {
            throw new NonReadableChannelException();
        }
    }

    private void checkWritable() {
        if (!file.isWritable()) {
            throw new NonWritableChannelException();
        }
    }

    // ---- synchronous metadata ----------------------------------------------------------------------

    /**
     * The file's size.
     *
     * @return the file's size
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public long size() throws IOException {
        ensureOpen();
        return file.size();
    }

    /**
     * Sets the file's size (ftruncate).
     *
     * @param size the new size in bytes
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public void truncate(long size) throws IOException {
        ensureOpen();
        if (!file.isWritable()) {
            throw new NonWritableChannelException();
        }
        file.truncate(size);
    }

    /**
     * Allocates blocks for a range (fallocate), extending the file if needed.
     *
     * @param offset where the range starts, in bytes
     * @param length the range's length in bytes
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public void allocate(long offset, long length) throws IOException {
        ensureOpen();
        file.allocate(offset, length);
    }

    /**
     * fallocate with modes such as KEEP_SIZE or PUNCH_HOLE.
     *
     * @param offset where the range starts, in bytes
     * @param length the range's length in bytes
     * @param modes the fallocate(2) modes
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public void allocate(long offset, long length, FallocateMode... modes) throws IOException {
        ensureOpen();
        file.allocate(offset, length, modes);
    }

    private void ensureOpen() throws ClosedChannelException {
        if (guard.isClosed()) {
            throw new ClosedChannelException();
        }
    }

    /**
     * Closes the file: requests not yet in the kernel fail with
     * {@link java.nio.channels.AsynchronousCloseException}, those in the kernel complete, then the
     * descriptor is closed. Idempotent. Called from an engine thread (a completion callback), it does not
     * wait: the descriptor is closed when the last request finishes.
     */
    @Override
    public void close() throws IOException {
        guard.markClosed();
        if (guard.inUse() == 0 || !engine.isEngineThread()) {
            guard.closeAndAwait();
            closeNative();
        }
    }

    /** Closes the descriptor once; a second caller returns only when the first has finished. */
    private synchronized void closeNative() throws IOException {
        if (nativeClosed.compareAndSet(false, true)) {
            file.close();
        }
    }

    void requestDone() {
        if (guard.releaseLast()) {
            try {
                closeNative();
            } catch (IOException e) {
                System.getLogger(AsyncFile.class.getName()).log(System.Logger.Level.WARNING,
                        "closing " + file.path() + " after its last request failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "AsyncFile[path=" + file.path() + (direct ? ", O_DIRECT" : "") + ", engine=" + engine.kind()
                + (isOpen() ? "" : ", closed") + "]";
    }
}
