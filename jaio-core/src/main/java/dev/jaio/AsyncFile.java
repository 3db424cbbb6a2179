package dev.jaio;

import dev.jaio.internal.concurrent.CloseGuard;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.jfr.FileIoEvent;
import dev.jaio.internal.jfr.JaioJfr;
import dev.jaio.internal.linux.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 * memory from the engine's pool, as the JDK does for heap buffers. An O_DIRECT read at an unaligned
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
 * <h2>Buffered files</h2>
 * Without O_DIRECT, the kernel would block io_submit on a cache miss. Buffered requests are submitted
 * with {@code RWF_NOWAIT}: data in the page cache is served at once, and a request the kernel could only
 * serve by blocking is handed to a small pool of blocking threads, so no caller and no event loop waits
 * on the disk.
 *
 * <h2>Closing</h2>
 * {@link #close()} fails requests not yet handed to the kernel with
 * {@link java.nio.channels.AsynchronousCloseException}, waits for those in the kernel, then closes the
 * descriptor; requests issued after it fail with {@link ClosedChannelException}.
 */
public final class AsyncFile implements AutoCloseable {
    private final NativeFile file;
    private final AioEngine engine;
    private final boolean direct;
    private final DirectIoAlignment alignment;
    private final String directFallback;
    private final CloseGuard guard = new CloseGuard();
    private final AtomicBoolean nativeClosed = new AtomicBoolean();
    /** Staging memory for a device whose alignment exceeds the engine pool's; null for most files. */
    private final AlignedBufferPool ownPool;
    private volatile boolean nowaitReads;
    private volatile boolean nowaitWrites;

    private AsyncFile(NativeFile file, AioEngine engine, String directFallback) throws IOException {
        this.file = file;
        this.engine = engine;
        this.direct = file.isDirect();
        this.alignment = direct ? file.directIoAlignment() : null;
        this.directFallback = directFallback;
        this.ownPool = alignment != null && alignment.strictest() > engine.bufferPool().alignment()
                ? new AlignedBufferPool(alignment.strictest(), 1 << 20, 8) : null;
        boolean kernel = engine.kind() == AioEngine.Kind.KERNEL_AIO;
        this.nowaitReads = kernel && !direct;
        this.nowaitWrites = kernel && !direct;
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
            boolean wantedDirect = options.stream().anyMatch(o -> o == JaioOpenOption.DIRECT
                    || o.toString().equals("DIRECT"));
            if (!wantedDirect || e.errno() != Errno.EINVAL.number()) {
                throw e;
            }
            Set<OpenOption> buffered = new HashSet<>(options);
            buffered.removeIf(o -> o == JaioOpenOption.DIRECT || o.toString().equals("DIRECT"));
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
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (!guard.tryAcquire()) {
            future.completeExceptionally(new ClosedChannelException());
            return future;
        }
        engine.engine().submit(new Request(metaData ? IoRequest.FSYNC : IoRequest.FDSYNC, -1,
                MemorySegment.NULL, 0, 0, future) {
            @Override
            Object value(long n) {
                return null;
            }
        });
        return future;
    }

    private void issueRead(MemorySegment dst, ByteBuffer bb, long position, CompletableFuture<Integer> future) {
        if (!guard.tryAcquire()) {
            future.completeExceptionally(new ClosedChannelException());
            return;
        }
        long length = dst.byteSize();
        Request r;
        if (usableAsIs(dst, position)) {
            r = new Request(IoRequest.READ, position, dst, length, readFlags(), future);
        } else {
            long start = position;
            long end = position + length;
            if (direct) {
                long a = alignment.offset();
                start = position & -a;
                end = (end + a - 1) & -a;
            }
            AlignedBufferPool.Buffer stage;
            try {
                stage = stage(end - start);
            } catch (RuntimeException e) {
                guard.release();
                future.completeExceptionally(stagingFailure(e));
                return;
            }
            r = new Request(IoRequest.READ, start, stage.segment(), end - start, readFlags(), future);
            r.stage = stage;
            r.copyTo = dst;
            r.skip = position - start;
        }
        r.byteBuffer = bb;
        r.userBuffer = dst;
        engine.engine().submit(r);
    }

    private void issueWrite(MemorySegment src, ByteBuffer bb, long position, CompletableFuture<Integer> future) {
        if (!guard.tryAcquire()) {
            future.completeExceptionally(new ClosedChannelException());
            return;
        }
        long length = src.byteSize();
        if (direct && (((position | length) & (alignment.offset() - 1)) != 0)) {
            guard.release();
            future.completeExceptionally(misaligned("pwrite", position, length));
            return;
        }
        Request r;
        if (usableAsIs(src, position)) {
            r = new Request(IoRequest.WRITE, position, src, length, writeFlags(), future);
        } else {
            AlignedBufferPool.Buffer stage;
            try {
                stage = stage(length);
            } catch (RuntimeException e) {
                guard.release();
                future.completeExceptionally(stagingFailure(e));
                return;
            }
            MemorySegment.copy(src, 0, stage.segment(), 0, length);
            r = new Request(IoRequest.WRITE, position, stage.segment(), length, writeFlags(), future);
            r.stage = stage;
        }
        r.byteBuffer = bb;
        r.userBuffer = src;
        engine.engine().submit(r);
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
        Request r;
        if (asIs) {
            MemorySegment iov = IoVec.array(Arena.ofAuto(), buffers);
            r = new Request(read ? IoRequest.READV : IoRequest.WRITEV, position, iov, buffers.size(),
                    read ? readFlags() : writeFlags(), future) {
                @Override
                Object value(long n) {
                    return n;
                }
            };
            r.userBuffer = buffers;
            // A short RWF_NOWAIT preadv could not be resumed simply: buffered vectored I/O blocks on a thread.
            r.blockingOnly = !direct && engine.kind() == AioEngine.Kind.KERNEL_AIO;
        } else {
            long start = position;
            long end = position + total;
            if (read && direct) {
                long a = alignment.offset();
                start = position & -a;
                end = (end + a - 1) & -a;
            }
            AlignedBufferPool.Buffer stage;
            try {
                stage = stage(end - start);
            } catch (RuntimeException e) {
                guard.release();
                future.completeExceptionally(stagingFailure(e));
                return;
            }
            if (!read) {
                long off = 0;
                for (MemorySegment b : buffers) {
                    MemorySegment.copy(b, 0, stage.segment(), off, b.byteSize());
                    off += b.byteSize();
                }
            }
            r = new Request(read ? IoRequest.READ : IoRequest.WRITE, start, stage.segment(), end - start,
                    read ? readFlags() : writeFlags(), future) {
                @Override
                Object value(long n) {
                    return n;
                }
            };
            r.stage = stage;
            r.scatter = read ? buffers : null;
            r.skip = position - start;
            r.wanted = total;
            r.userBuffer = buffers;
        }
        engine.engine().submit(r);
    }

    private boolean usableAsIs(MemorySegment buffer, long position) {
        if (!buffer.isNative() || !freedOnlyByGc(buffer)) {
            return false;
        }
        return !direct || alignment.accepts(buffer, position);
    }

    /**
     * Whether a segment's memory is freed only once the segment is unreachable (automatic and global
     * arenas, direct buffers), so that holding the segment keeps the memory the kernel writes into.
     * Segments of arenas a caller can close are not, and are staged.
     */
    static boolean freedOnlyByGc(MemorySegment segment) {
        String session = segment.scope().getClass().getName();
        return session.equals("jdk.internal.foreign.ImplicitSession")
                || session.startsWith("jdk.internal.foreign.GlobalSession");
    }

    private static boolean isConfined(MemorySegment segment) {
        return segment.scope().getClass().getName().equals("jdk.internal.foreign.ConfinedSession");
    }

    private static void checkFillable(MemorySegment dst) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only destination");
        }
        if (isConfined(dst)) {
            throw new IllegalArgumentException("a segment of a confined arena can be filled only by its owner "
                    + "thread, and reads complete on another; use Arena.ofShared(), Arena.ofAuto() or an "
                    + "AlignedBufferPool buffer");
        }
    }

    private AlignedBufferPool.Buffer stage(long size) {
        return (ownPool != null ? ownPool : engine.bufferPool()).acquire(size);
    }

    /** A closed engine's pool refuses buffers: to the caller that is the engine being closed. */
    private Throwable stagingFailure(RuntimeException e) {
        if (e instanceof IllegalStateException && engine.bufferPool().isClosed()) {
            ClosedChannelException closed = new ClosedChannelException();
            closed.initCause(e);
            return closed;
        }
        return e;
    }

    private int readFlags() {
        return nowaitReads ? Iocb.RWF_NOWAIT : 0;
    }

    private int writeFlags() {
        return nowaitWrites ? Iocb.RWF_NOWAIT : 0;
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
            if (ownPool != null) {
                ownPool.close();
            }
            file.close();
        }
    }

    private void requestDone() {
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

    /** A request of this file: finishes its future, copies staged data back, and returns staging memory. */
    private class Request extends IoRequest {
        @SuppressWarnings("rawtypes")
        final CompletableFuture future;
        AlignedBufferPool.Buffer stage;
        MemorySegment copyTo;
        List<MemorySegment> scatter;
        long skip;
        long wanted = -1;
        ByteBuffer byteBuffer;
        /** Keeps the caller's memory reachable until the kernel is done with it. */
        Object userBuffer;
        /** The JFR event begun at issue, or null when no recording asks for it. */
        final FileIoEvent jfr;

        Request(byte op, long position, MemorySegment buffer, long length, int rwFlags, CompletableFuture<?> future) {
            super(op, file.fd(), position, buffer, length, rwFlags);
            this.future = future;
            this.jfr = JaioJfr.begin(op);
        }

        Object value(long n) {
            return (int) n;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected void complete(long result) {
            try {
                if (result < 0) {
                    JaioJfr.end(jfr, file.path(), position + skip, 0, Errno.nameOf((int) -result), engine.kind());
                    future.completeExceptionally(new AioException(opName(), (int) -result, null, file.path(),
                            position + skip));
                    return;
                }
                long n = result;
                if (stage != null && (copyTo != null || scatter != null)) {
                    long want = copyTo != null ? copyTo.byteSize() : wanted;
                    n = Math.max(0, Math.min(want, result - skip));
                    if (copyTo != null) {
                        MemorySegment.copy(stage.segment(), skip, copyTo, 0, n);
                    } else {
                        long off = skip;
                        long left = n;
                        for (MemorySegment s : scatter) {
                            long k = Math.min(left, s.byteSize());
                            MemorySegment.copy(stage.segment(), off, s, 0, k);
                            off += k;
                            left -= k;
                            if (left == 0) {
                                break;
                            }
                        }
                    }
                } else if (stage != null && wanted >= 0) {
                    n = Math.min(result, wanted);
                }
                if (byteBuffer != null) {
                    byteBuffer.position(byteBuffer.position() + (int) n);
                }
                JaioJfr.end(jfr, file.path(), position + skip, n, null, engine.kind());
                future.complete(value(n));
            } catch (Throwable t) {
                future.completeExceptionally(t);
            } finally {
                finish();
            }
        }

        @Override
        protected void abort(Throwable cause) {
            try {
                future.completeExceptionally(cause);
            } finally {
                finish();
            }
        }

        private void finish() {
            if (stage != null) {
                stage.close();
                stage = null;
            }
            userBuffer = null;
            requestDone();
        }

        @Override
        protected boolean cancelledByClose() {
            return guard.isClosed();
        }

        @Override
        protected void nowaitUnsupported() {
            if (op == READ || op == READV) {
                nowaitReads = false;
            } else {
                nowaitWrites = false;
            }
        }

        @Override
        protected long runBlocking() {
            // By address, as the kernel sees it through an iocb. The memory is the engine's staging memory or
            // memory only the garbage collector frees (see the class documentation), and this request keeps
            // it reachable; a confined segment would be refused by a downcall on this pool thread.
            MemorySegment mem = op == READ || op == WRITE
                    ? MemorySegment.ofAddress(buffer.address() + done).reinterpret(length - done) : buffer;
            long r;
            do {
                r = switch (op) {
                    case READ -> LibC.pread(fd, mem, length - done, position + done);
                    case WRITE -> LibC.pwrite(fd, mem, length - done, position + done);
                    case READV -> LibC.preadv2(fd, buffer, (int) length, position, rwFlags & ~Iocb.RWF_NOWAIT);
                    case WRITEV -> LibC.pwritev2(fd, buffer, (int) length, position, rwFlags & ~Iocb.RWF_NOWAIT);
                    case FSYNC -> LibC.fsync(fd);
                    case FDSYNC -> LibC.fdatasync(fd);
                    default -> -Errno.EINVAL.number();
                };
            } while (r == -Errno.EINTR.number());
            if (done > 0) {
                return r < 0 ? done : done + r; // the error shows on the next request, as after a short pread
            }
            return r;
        }
    }
}
