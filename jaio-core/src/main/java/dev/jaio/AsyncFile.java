package dev.jaio;

import dev.jaio.aio.IoVec;
import dev.jaio.aio.Iocb;

import dev.jaio.internal.concurrent.CloseGuard;
import dev.jaio.internal.engine.IoOp;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.buffer.StagingPool;
import dev.jaio.internal.jfr.FileIoEvent;
import dev.jaio.internal.jfr.JaioJfr;
import dev.jaio.internal.linux.LibC;
import dev.jaio.internal.linux.ThreadScratch;
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
    /**
     * The most one request transfers, as the kernel's {@code MAX_RW_COUNT} caps one read(2) or write(2):
     * {@code INT_MAX} rounded down to a page.
     */
    static final long MAX_TRANSFER = 0x7ffff000L;
    /** {@code -Djaio.inline=false} sends every request to the engine, as before the inline path. */
    private static final boolean INLINE = !"false".equalsIgnoreCase(System.getProperty("jaio.inline"));
    /** Marks an inline attempt that stopped short: the low bits are the bytes it transferred. */
    private static final long PARTIAL = 1L << 62;
    /** What {@link #attemptInline} answers when it finished the request itself. */
    private static final long FINISHED = -1L;
    private static final long NEG_EAGAIN = -Errno.EAGAIN.number();
    private static final long NEG_EINTR = -Errno.EINTR.number();
    private static final long NEG_EOPNOTSUPP = -Errno.EOPNOTSUPP.number();

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
    /** Whether reads, and writes, are tried on the caller's thread first; cleared on EOPNOTSUPP. */
    private volatile boolean inlineReads;
    private volatile boolean inlineWrites;
    /** Whether the file system answered a RWF_NOWAIT write with EOPNOTSUPP. */
    private volatile boolean nowaitWritesRefused;

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
        this.inlineReads = INLINE && !direct;
        this.inlineWrites = INLINE && !direct;
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
        return inlineReads;
    }

    /** Whether writes are still tried inline; for tests. */
    boolean triesInlineWrites() {
        return inlineWrites;
    }

    /**
     * Whether the file system refused a {@code RWF_NOWAIT} write on this buffered file ({@code EOPNOTSUPP},
     * as ext4 answers for buffered writes on Linux 6.18), so that its writes can no longer be tried on the
     * caller's thread without the risk of blocking it, and go to the engine. A caller that blocks anyway (a
     * platform thread in {@link java.nio.channels.FileChannel#write}) may then write itself, as
     * {@link dev.jaio.nio.AioFileChannel} does.
     *
     * @return true once a RWF_NOWAIT write of this file was refused with EOPNOTSUPP
     */
    public boolean refusesNowaitWrites() {
        return nowaitWritesRefused;
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
        Request r;
        try {
            r = new Request(metaData ? IoOp.FSYNC : IoOp.FDSYNC, -1, MemorySegment.NULL, 0, 0, future) {
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
        if (!guard.tryAcquire()) {
            future.completeExceptionally(new ClosedChannelException());
            return;
        }
        long prefix = 0;
        boolean wouldBlock = false;
        if (inlineReads && inlineFits(dst)) {
            long r = attemptInline(true, dst, bb, position, future);
            if (r == FINISHED) {
                return;
            }
            prefix = r & ~PARTIAL;
            wouldBlock = prefix > 0 || inlineReads;
            if (prefix > 0) {
                dst = dst.asSlice(prefix);
                position += prefix;
            }
        }
        if (usableAsIs(dst, position)) {
            Request r;
            try {
                r = new Request(IoOp.READ, position, dst, dst.byteSize(), readFlags(), future);
            } catch (Throwable t) {
                guard.release();
                future.completeExceptionally(t);
                return;
            }
            r.byteBuffer = bb;
            r.userBuffer = dst;
            r.prefix = prefix;
            r.blockingOnly = wouldBlock && engine.kind() == AioEngine.Kind.KERNEL_AIO;
            submit(r);
        } else {
            startStaged(new Staged(true, List.of(dst), bb, position, dst.byteSize(), future, false)
                    .resuming(prefix, wouldBlock));
        }
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
        long prefix = 0;
        boolean wouldBlock = false;
        if (inlineWrites && inlineFits(src)) {
            long r = attemptInline(false, src, bb, position, future);
            if (r == FINISHED) {
                return;
            }
            prefix = r & ~PARTIAL;
            wouldBlock = prefix > 0 || inlineWrites;
            if (prefix > 0) {
                src = src.asSlice(prefix);
                position += prefix;
                length -= prefix;
            }
        }
        if (usableAsIs(src, position)) {
            Request r;
            try {
                r = new Request(IoOp.WRITE, position, src, length, writeFlags(), future);
            } catch (Throwable t) {
                guard.release();
                future.completeExceptionally(t);
                return;
            }
            r.byteBuffer = bb;
            r.userBuffer = src;
            r.prefix = prefix;
            r.blockingOnly = wouldBlock && engine.kind() == AioEngine.Kind.KERNEL_AIO;
            submit(r);
        } else {
            startStaged(new Staged(false, List.of(src), bb, position, length, future, false)
                    .resuming(prefix, wouldBlock));
        }
    }

    /**
     * Tries a single-buffer read or write on this thread ({@link #readInline}, {@link #writeInline}). When
     * it finishes the request (all done, end of file, an error), it completes the future, counts the
     * request and releases the file, and answers {@link #FINISHED}; otherwise it answers {@code PARTIAL}
     * with the bytes done, for the engine to go on from.
     */
    private long attemptInline(boolean read, MemorySegment buf, ByteBuffer bb, long position,
                               CompletableFuture<Integer> future) {
        long start = System.nanoTime();
        FileIoEvent jfr = JaioJfr.begin(read ? IoOp.READ : IoOp.WRITE);
        long r;
        try {
            r = read ? readInline(buf, position) : writeInline(buf, position);
        } catch (Throwable e) {
            // The caller's arena closed during the copy, or staging memory could not be had.
            finishInline(start, true);
            future.completeExceptionally(e);
            return FINISHED;
        }
        if (r >= 0 && (r & PARTIAL) != 0) {
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
            future.complete((int) r);
        }
        return FINISHED;
    }

    /**
     * Whether an inline attempt is bounded for this buffer: memory the kernel may use as it is, or memory
     * to copy of at most one staging chunk (a larger heap transfer takes the chunked staged path).
     */
    private static boolean inlineFits(MemorySegment buffer) {
        return usableInline(buffer) || buffer.byteSize() <= StagingPool.CHUNK;
    }

    /**
     * Tries a read on this thread with RWF_NOWAIT, straight into {@code dst} where nothing can free its
     * memory during the call, else through this thread's staging memory.
     *
     * @return the bytes read when the read is finished (all of them, or fewer at end of file, which a
     *         follow-up RWF_NOWAIT read returning 0 confirms); {@code PARTIAL | n} when the kernel could
     *         only do the first {@code n} bytes without blocking (or does not do RWF_NOWAIT on this file);
     *         {@code -errno} for an error before any byte was read
     */
    private long readInline(MemorySegment dst, long position) {
        long length = dst.byteSize();
        boolean asIs = usableInline(dst);
        try (InlineStage stage = asIs ? null : new InlineStage(length)) {
            MemorySegment mem = asIs ? dst : stage.segment;
            int fd = file.fd();
            long done = 0;
            boolean partial = false;
            while (done < length) {
                long r = LibC.preadNowait(fd, mem, done, length - done, position + done);
                if (r > 0) {
                    done += r;
                } else if (r == 0) {
                    break; // end of file
                } else if (r == NEG_EINTR) {
                    continue;
                } else if (r == NEG_EAGAIN || r == NEG_EOPNOTSUPP) {
                    if (r == NEG_EOPNOTSUPP) {
                        inlineReads = false;
                    }
                    partial = true;
                    break;
                } else if (done == 0) {
                    return r;
                } else {
                    break; // what was read is the result; the error shows on the next read, as for pread
                }
            }
            if (!asIs && done > 0) {
                MemorySegment.copy(mem, 0, dst, 0, done);
            }
            return partial ? PARTIAL | done : done;
        }
    }

    /**
     * Tries a write on this thread with RWF_NOWAIT, as {@link #readInline} does a read.
     *
     * @return the bytes written when all were; {@code PARTIAL | n} when the kernel took only the first
     *         {@code n} without blocking (or does not do RWF_NOWAIT writes on this file); {@code -errno}
     *         for an error before any byte was written
     */
    private long writeInline(MemorySegment src, long position) {
        long length = src.byteSize();
        boolean asIs = usableInline(src);
        try (InlineStage stage = asIs ? null : new InlineStage(length)) {
            MemorySegment mem = asIs ? src : stage.segment;
            if (!asIs) {
                MemorySegment.copy(src, 0, mem, 0, length);
            }
            int fd = file.fd();
            long done = 0;
            while (done < length) {
                long r = LibC.pwriteNowait(fd, mem, done, length - done, position + done);
                if (r > 0) {
                    done += r;
                } else if (r == NEG_EINTR) {
                    continue;
                } else if (r == 0 || r == NEG_EAGAIN || r == NEG_EOPNOTSUPP) {
                    if (r == NEG_EOPNOTSUPP) {
                        inlineWrites = false;
                        nowaitWritesRefused = true;
                    }
                    return PARTIAL | done;
                } else if (done == 0) {
                    return r;
                } else {
                    break; // what was written is the result; the error shows on the next write
                }
            }
            return done;
        }
    }

    /**
     * Native memory for one inline transfer of a buffer the kernel may not use as it is, held only during
     * the call: the calling platform thread's staging buffer (up to {@link ThreadScratch#STAGE_MAX}), else
     * jaio's staging memory; given back on close.
     */
    private final class InlineStage implements AutoCloseable {
        final MemorySegment segment;
        private final ThreadScratch scratch;
        private final StagingPool.Buffer big;

        InlineStage(long length) {
            if (length <= ThreadScratch.STAGE_MAX && !Thread.currentThread().isVirtual()) {
                scratch = ThreadScratch.acquire();
                big = null;
                segment = scratch.stage(length);
            } else {
                scratch = null;
                big = staging.acquire(length);
                segment = big.segment();
            }
        }

        @Override
        public void close() {
            if (big != null) {
                big.release();
            }
            if (scratch != null) {
                scratch.close();
            }
        }
    }

    /** Counts a request finished on this thread, and releases its hold on the descriptor. */
    private void finishInline(long startNanos, boolean failed) {
        engine.engine().counters().recordInline(startNanos, failed);
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
        if ((read ? inlineReads : inlineWrites) && buffers.size() <= ThreadScratch.IOVEC_SLOTS
                && buffers.stream().allMatch(AsyncFile::usableInline)) {
            long start = System.nanoTime();
            FileIoEvent jfr = JaioJfr.begin(read ? IoOp.READV : IoOp.WRITEV);
            long r;
            try {
                r = vectoredInline(buffers, position, read);
            } catch (Throwable e) {
                finishInline(start, true);
                future.completeExceptionally(e);
                return;
            }
            if (r < 0 || (r & PARTIAL) == 0) {
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
            prefix = r & ~PARTIAL;
            wouldBlock = prefix > 0 || (read ? inlineReads : inlineWrites);
            if (prefix > 0) {
                buffers = withoutFirst(buffers, prefix);
                position += prefix;
                total -= prefix;
                asIs &= !buffers.isEmpty();
            }
        }
        if (!asIs) {
            startStaged(new Staged(read, buffers, null, position, total, future, true).resuming(prefix, wouldBlock));
            return;
        }
        StagingPool.Buffer iov = null;
        Request r;
        try {
            iov = staging.acquire(IoVec.LAYOUT.byteSize() * buffers.size());
            IoVec.array(SegmentAllocator.slicingAllocator(iov.segment()), buffers);
            r = new Request(read ? IoOp.READV : IoOp.WRITEV, position, iov.segment(), buffers.size(),
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

    /**
     * Tries a vectored transfer on this thread with RWF_NOWAIT, through the thread's iovec array, as
     * {@link #readInline} does a single buffer; every buffer is one {@link #usableInline} accepts.
     *
     * @return as {@link #readInline} and {@link #writeInline}
     */
    private long vectoredInline(List<MemorySegment> buffers, long position, boolean read) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment iov = scratch.iovec;
            long total = 0;
            int count = 0;
            for (MemorySegment b : buffers) {
                if (b.byteSize() > 0) {
                    IoVec.set(iov, count++, b);
                    total += b.byteSize();
                }
            }
            int fd = file.fd();
            long done = 0;
            int first = 0;
            while (done < total) {
                MemorySegment from = first == 0 ? iov : iov.asSlice(first * IoVec.LAYOUT.byteSize());
                long r = read ? LibC.preadvNowait(fd, from, count - first, position + done, total - done)
                        : LibC.pwritevNowait(fd, from, count - first, position + done, total - done);
                if (r > 0) {
                    done += r;
                    first = IoVec.advance(iov, first, count, r);
                } else if (r == NEG_EINTR) {
                    continue;
                } else if (r == 0 && read) {
                    break; // end of file
                } else if (r == 0 || r == NEG_EAGAIN || r == NEG_EOPNOTSUPP) {
                    if (r == NEG_EOPNOTSUPP) {
                        if (read) {
                            inlineReads = false;
                        } else {
                            inlineWrites = false;
                            nowaitWritesRefused = true;
                        }
                    }
                    return PARTIAL | done;
                } else if (done == 0) {
                    return r;
                } else {
                    break; // what was transferred is the result; the error shows on the next request
                }
            }
            return done;
        } finally {
            java.lang.ref.Reference.reachabilityFence(buffers);
        }
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
     * Whether an inline call may give the kernel {@code buffer}'s address: native memory that nothing can
     * free while this thread is in the syscall (only the garbage collector frees it, or only this thread
     * may close its arena).
     */
    private static boolean usableInline(MemorySegment buffer) {
        return buffer.isNative() && (freedOnlyByGc(buffer)
                || isConfined(buffer) && buffer.isAccessibleBy(Thread.currentThread()));
    }

    /**
     * Hands a request to the engine, which completes or aborts it exactly once. Should the engine itself
     * throw (a VM error), the request is failed here, once: its in-use count is released so that
     * {@link #close()} cannot hang; staging memory the engine might still hold is left unreturned.
     */
    private void submit(Base r) {
        try {
            engine.engine().submit(r);
        } catch (Throwable t) {
            r.failSubmission(t);
        }
    }

    /** Starts a staged transfer; a failure before its first chunk reaches the engine undoes everything. */
    private void startStaged(Staged s) {
        try {
            s.next();
        } catch (Throwable t) {
            s.finish(null, t);
        }
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
        return dev.jaio.internal.memory.MemoryLifetime.freedOnlyByGc(segment);
    }

    /** A thread that owns nothing: a segment it cannot access is confined to some thread. */
    private static final Thread NO_OWNER = Thread.ofPlatform().unstarted(() -> { });

    /**
     * Whether only one thread may access {@code segment} (a segment of {@link Arena#ofConfined()}), asked
     * through the public {@link MemorySegment#isAccessibleBy(Thread)}.
     */
    static boolean isConfined(MemorySegment segment) {
        return !segment.isAccessibleBy(NO_OWNER);
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

    /** What the request classes share: the file's descriptor, close and NOWAIT handling, the blocking run. */
    private abstract class Base extends IoRequest {
        Base(IoOp op, long position, MemorySegment buffer, long length, int rwFlags) {
            super(op, file.fd(), position, buffer, length, rwFlags);
        }

        /** The engine threw from submit: fail the request once without returning memory it may hold. */
        abstract void failSubmission(Throwable t);

        @Override
        public boolean cancelledByClose() {
            return guard.isClosed();
        }

        @Override
        public void nowaitUnsupported() {
            if (op.reads()) {
                nowaitReads = false;
            } else {
                nowaitWrites = false;
            }
        }

        @Override
        protected long runBlocking() {
            // By address, as the kernel sees it through an iocb. The memory is jaio's staging memory or
            // memory only the garbage collector frees (see the class documentation), and this request keeps
            // it reachable; a confined segment would be refused by a downcall on this pool thread.
            MemorySegment mem = op.singleBuffer()
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
                };
            } while (r == -Errno.EINTR.number());
            if (done > 0) {
                return r < 0 ? done : done + r; // the error shows on the next request, as after a short pread
            }
            return r;
        }
    }

    /** A request on the caller's own memory (or a force): finishes its future and the file's in-use count. */
    private class Request extends Base {
        @SuppressWarnings("rawtypes")
        final CompletableFuture future;
        private final AtomicBoolean finished = new AtomicBoolean();
        ByteBuffer byteBuffer;
        /** The iovec array of a vectored request, jaio's memory. */
        StagingPool.Buffer iovecs;
        /** Bytes an inline attempt already transferred before this request took over the rest. */
        long prefix;
        /** Keeps the caller's memory reachable until the kernel is done with it. */
        Object userBuffer;
        /** The JFR event begun at issue, or null when no recording asks for it. */
        final FileIoEvent jfr;

        Request(IoOp op, long position, MemorySegment buffer, long length, int rwFlags, CompletableFuture<?> future) {
            super(op, position, buffer, length, rwFlags);
            this.future = future;
            this.jfr = JaioJfr.begin(op);
        }

        Object value(long n) {
            return (int) n;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected void complete(long result) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            try {
                if (result < 0 && prefix > 0) {
                    result = 0; // what the inline attempt did is the result; the error shows on the next request
                }
                if (result < 0) {
                    JaioJfr.end(jfr, file.path(), position, 0, Errno.nameOf((int) -result), engine.kind());
                    future.completeExceptionally(new AioException(opName(), (int) -result, null, file.path(),
                            position));
                    return;
                }
                long n = result + prefix;
                if (byteBuffer != null) {
                    byteBuffer.position(byteBuffer.position() + (int) n);
                }
                JaioJfr.end(jfr, file.path(), position - prefix, n, null, engine.kind());
                future.complete(value(n));
            } catch (Throwable t) {
                future.completeExceptionally(t);
            } finally {
                if (iovecs != null) {
                    iovecs.release();
                }
                userBuffer = null;
                requestDone();
            }
        }

        @Override
        protected void abort(Throwable cause) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            try {
                future.completeExceptionally(cause);
            } finally {
                if (iovecs != null) {
                    iovecs.release();
                }
                userBuffer = null;
                requestDone();
            }
        }

        @Override
        void failSubmission(Throwable t) {
            if (finished.compareAndSet(false, true)) {
                future.completeExceptionally(t);
                requestDone();
            }
        }
    }

    /**
     * A transfer through jaio's staging memory: the caller's buffers (heap memory, memory of an arena the
     * caller can close, misaligned memory) are copied to or from aligned memory of the {@link StagingPool},
     * in chunks of at most {@link StagingPool#CHUNK} bytes, one request after another, so that the memory
     * staged at once is bounded whatever the size of the transfer. Like one read(2) or write(2), a transfer
     * moves at most {@link #MAX_TRANSFER} bytes; it ends early at a short chunk (end of file) and reports
     * what was done before an error as a short count, the error showing on the next request.
     */
    private final class Staged {
        final boolean read;
        final List<MemorySegment> parts;
        final ByteBuffer byteBuffer;
        final long position;
        final long total;
        @SuppressWarnings("rawtypes")
        final CompletableFuture future;
        final boolean longResult;
        private final AtomicBoolean finished = new AtomicBoolean();
        /** Bytes of the caller's buffers transferred so far. */
        long done;
        /** The JFR event begun at issue, or null when no recording asks for it. */
        final FileIoEvent jfr;
        /** Bytes an inline attempt already transferred before this transfer took over the rest. */
        private long prefix;
        /** Whether the kernel just said the transfer would block: its chunks go to a blocking thread. */
        private boolean blockingOnly;

        Staged(boolean read, List<MemorySegment> parts, ByteBuffer byteBuffer, long position, long total,
               CompletableFuture<?> future, boolean longResult) {
            this.read = read;
            this.parts = parts;
            this.byteBuffer = byteBuffer;
            this.position = position;
            this.total = Math.min(total, MAX_TRANSFER);
            this.future = future;
            this.longResult = longResult;
            this.jfr = JaioJfr.begin(read ? IoOp.READ : IoOp.WRITE);
        }

        /** Marks the transfer as the rest of an inline attempt that did {@code prefix} bytes. */
        Staged resuming(long prefix, boolean wouldBlock) {
            this.prefix = prefix;
            this.blockingOnly = wouldBlock && engine.kind() == AioEngine.Kind.KERNEL_AIO;
            return this;
        }

        /** Stages and submits the next chunk, from {@link #done} on. */
        void next() {
            long fileStart = position + done;
            long left = total - done;
            long start = fileStart;
            long end = fileStart + Math.min(left, chunkSize());
            if (read && direct) {
                // An O_DIRECT read at an unaligned position or length reads the aligned range around it.
                long a = alignment.offset();
                start = fileStart & -a;
                end = Math.min((position + total + a - 1) & -a, start + chunkSize());
            }
            long len = Math.min(end - fileStart, left);
            StagingPool.Buffer stage = staging.acquire(end - start);
            Chunk c;
            try {
                if (!read) {
                    copy(false, stage.segment(), 0, done, len);
                }
                c = new Chunk(this, start, stage, end - start, fileStart - start, len);
                c.blockingOnly = blockingOnly;
            } catch (Throwable t) {
                stage.release();
                throw t;
            }
            submit(c);
        }

        private long chunkSize() {
            return Math.max(StagingPool.CHUNK, staging.alignment());
        }

        /** Copies {@code len} bytes between a stage and the caller's buffers at {@code userOffset}. */
        void copy(boolean toUser, MemorySegment stage, long stageOffset, long userOffset, long len) {
            long skip = userOffset;
            for (MemorySegment p : parts) {
                if (len == 0) {
                    return;
                }
                long size = p.byteSize();
                if (skip >= size) {
                    skip -= size;
                    continue;
                }
                long k = Math.min(len, size - skip);
                if (toUser) {
                    MemorySegment.copy(stage, stageOffset, p, skip, k);
                } else {
                    MemorySegment.copy(p, skip, stage, stageOffset, k);
                }
                stageOffset += k;
                len -= k;
                skip = 0;
            }
        }

        /** A chunk ended with {@code result} (bytes of the chunk's request, or -errno). */
        void chunkDone(Chunk c, long result) {
            long n;
            try {
                if (result < 0) {
                    if (done > 0 || prefix > 0) {
                        finish(done, null);
                    } else {
                        finish(null, new AioException(c.opName(), (int) -result, null, file.path(), position));
                    }
                    return;
                }
                n = Math.max(0, Math.min(c.wanted, result - c.skip));
                if (read) {
                    copy(true, c.stage.segment(), c.skip, done, n);
                }
            } catch (Throwable t) {
                finish(null, t);
                return;
            } finally {
                c.stage.release();
            }
            done += n;
            if (n < c.wanted || done == total) {
                finish(done, null);
                return;
            }
            try {
                next();
            } catch (Throwable t) {
                finish(done, null); // what is done is reported; the failure shows on the next request
            }
        }

        /** Completes the future with {@code n} bytes or {@code failure}, and ends the file's use, once. */
        @SuppressWarnings("unchecked")
        void finish(Long n, Throwable failure) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            try {
                if (failure != null) {
                    JaioJfr.end(jfr, file.path(), position, 0, failure instanceof AioException a
                            ? Errno.nameOf(a.errno()) : failure.getClass().getSimpleName(), engine.kind());
                    future.completeExceptionally(failure);
                } else {
                    n += prefix;
                    JaioJfr.end(jfr, file.path(), position - prefix, n, null, engine.kind());
                    if (byteBuffer != null) {
                        byteBuffer.position(byteBuffer.position() + n.intValue());
                    }
                    future.complete(longResult ? (Object) n : (Object) n.intValue());
                }
            } catch (Throwable t) {
                future.completeExceptionally(t);
            } finally {
                requestDone();
            }
        }
    }

    /** One chunk of a {@link Staged} transfer: a request on staging memory. */
    private final class Chunk extends Base {
        final Staged transfer;
        final StagingPool.Buffer stage;
        /** Bytes at the start of the stage before the caller's data (an aligned O_DIRECT read). */
        final long skip;
        /** The caller's bytes this chunk carries. */
        final long wanted;

        Chunk(Staged transfer, long position, StagingPool.Buffer stage, long length, long skip, long wanted) {
            super(transfer.read ? IoOp.READ : IoOp.WRITE, position, stage.segment(), length,
                    transfer.read ? readFlags() : writeFlags());
            this.transfer = transfer;
            this.stage = stage;
            this.skip = skip;
            this.wanted = wanted;
        }

        @Override
        protected void complete(long result) {
            transfer.chunkDone(this, result);
        }

        @Override
        protected void abort(Throwable cause) {
            stage.release();
            transfer.finish(null, cause);
        }

        @Override
        void failSubmission(Throwable t) {
            transfer.finish(null, t);
        }
    }
}
