package dev.jaio.nio;

import dev.jaio.AioEngine;
import dev.jaio.AioException;
import dev.jaio.AsyncFile;
import dev.jaio.internal.engine.IoOp;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A blocking {@link FileChannel} whose reads, writes and forces are requests on an {@link AioEngine}: the
 * calling thread waits for the request's future. On a virtual thread that wait parks the virtual thread
 * and frees its carrier, where the JDK's channel would hold the carrier in pread or pwrite.
 *
 * <p>On a buffered file (without O_DIRECT), a platform thread's single-buffer reads and writes are the
 * pread(2) and pwrite(2) the JDK's channel makes, on the calling thread ({@link AsyncFile#readBlocking}):
 * it waits either way, and buffered I/O is done by a blocking call whichever thread makes it. A virtual
 * thread's transfer the kernel can do without waiting for the disk (data in the page cache) is done on
 * the calling thread with one {@code RWF_NOWAIT} call, as {@link AsyncFile} describes under "Cached
 * I/O", and the method returns without parking; only a transfer that would block waits for the engine,
 * parked rather than pinning its carrier. Both are counted in {@link AioEngine.Stats#inline()}.
 *
 * <p>It behaves as the JDK's channel does: a file position for the relative methods, moved by them and
 * kept at end of file for a channel opened with {@code APPEND}; -1 at end of file; the same argument
 * checks and exceptions; interruption of a waiting thread closes the channel and throws
 * {@link ClosedByInterruptException}; closing it from another thread makes a wait for a request not yet in
 * the kernel end with {@link java.nio.channels.AsynchronousCloseException}.
 *
 * <h2>Delegated to the platform</h2>
 * {@link #transferTo}, {@link #transferFrom}, {@link #map} and the locks are not engine I/O: they go to a
 * platform {@link FileChannel} opened on first use on the same open file (through {@code /proc/self/fd},
 * with this channel's access), and closed with this one. Locks are therefore the JDK's POSIX record locks,
 * sharing its per-file lock table with every channel of the JVM; an interrupt during a delegated call
 * closes this channel as well.
 *
 * <h2>O_DIRECT</h2>
 * With {@code ExtendedOpenOption.DIRECT} (or {@link dev.jaio.JaioOpenOption#DIRECT}) the channel keeps the
 * JDK's contract: the channel position, a direct buffer's address and every buffer's remaining bytes must
 * be multiples of the file store's {@linkplain java.nio.file.FileStore#getBlockSize() block size}, checked
 * in the JDK's order and refused with the JDK's {@link IOException} and text (for example
 * {@code Channel position (512) is not a multiple of the block size (4096)}); heap buffers are staged
 * through aligned memory, as the JDK stages them. Scattering and gathering calls check only the remaining
 * bytes, as the JDK's do, and a direct buffer the kernel refuses then fails with
 * {@code IOException: Invalid argument}. Opened with {@link dev.jaio.JaioOpenOption#STAGE_UNALIGNED} as
 * well, the channel instead stages what is misaligned, as {@link AsyncFile} does: reads at any position
 * and length succeed, writes need only the file's {@link dev.jaio.DirectIoAlignment#offset()}.
 *
 * <h2>Differences from the JDK's channel</h2>
 * Where the file system refuses O_DIRECT, jaio opens the file for buffered I/O instead of failing.
 * Directories, FIFOs and character devices cannot be opened. An I/O error the kernel reports is an
 * {@link dev.jaio.AioException} (an {@link IOException} naming the errno, the call and the file), where
 * the JDK gives a plain {@link IOException} with the system's text. A read into a buffer of a confined
 * arena works on its owner thread, as on the JDK's channel: the data goes through a heap buffer that the
 * calling thread copies in. As the JDK's channel, one that becomes unreachable without having been
 * closed has its descriptor closed when it is collected.
 *
 * <p>Thread-safe; relative reads and writes are serialized by the position, positional ones are not.
 */
public final class AioFileChannel extends FileChannel {
    private final AsyncFile file;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    private final PlatformChannel platform;
    /** The JDK's O_DIRECT checks, or null when they do not apply (buffered, or STAGE_UNALIGNED). */
    private final DirectIoContract directIo;
    private final ReentrantLock positionLock = new ReentrantLock();
    private long position;

    /** The most a read into a confined buffer stages at once on the heap. */
    private static final int CONFINED_CHUNK = 1 << 20;
    /** A thread that owns nothing: a segment it cannot access is confined to one thread. */
    private static final Thread NO_OWNER = Thread.ofPlatform().unstarted(() -> { });

    private AioFileChannel(AsyncFile file, DirectIoContract directIo) {
        this.file = file;
        this.directIo = directIo;
        this.readable = file.nativeFile().isReadable();
        this.writable = file.nativeFile().isWritable();
        this.append = file.nativeFile().isAppend();
        this.platform = new PlatformChannel(file.nativeFile());
    }

    /**
     * Opens or creates a file as {@link FileChannel#open(Path, OpenOption...)} does, on the
     * {@linkplain AioEngine#defaultEngine() default engine}.
     *
     * @param path the file to open or create
     * @param options how to open it, as for {@link java.nio.channels.FileChannel#open}
     * @return the open channel
     * @throws IllegalArgumentException      for an invalid combination of options
     * @throws UnsupportedOperationException for an option jaio does not know
     * @throws IOException                   if the file cannot be opened
     */
    public static AioFileChannel open(Path path, OpenOption... options) throws IOException {
        return open(path, new HashSet<>(Arrays.asList(options)));
    }

    /**
     * Opens or creates a file as {@link FileChannel#open(Path, Set, FileAttribute[])} does, on the
     * {@linkplain AioEngine#defaultEngine() default engine}.
     *
     * @param path the file to open or create
     * @param options how to open it, as for {@link java.nio.channels.FileChannel#open}
     * @return the open channel
     * @param attrs {@code posix:permissions} for a file created
     * @throws IllegalArgumentException      for an invalid combination of options
     * @throws UnsupportedOperationException for an option or attribute jaio does not know
     * @throws IOException                   if the file cannot be opened
     */
    public static AioFileChannel open(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return open(path, options, AioEngine.defaultEngine(), attrs);
    }

    /**
     * As {@link #open(Path, Set, FileAttribute[])}, on the given engine (which must outlive the channel).
     *
     * @param path the file to open or create
     * @param options how to open it, as for {@link java.nio.channels.FileChannel#open}
     * @param engine the engine that runs the requests; it must outlive the channel
     * @param attrs file attributes to set when the file is created
     * @return the open channel
     * @throws IOException if the file cannot be opened; a {@link dev.jaio.AioException} names the errno
     */
    public static AioFileChannel open(Path path, Set<? extends OpenOption> options, AioEngine engine,
                                      FileAttribute<?>... attrs) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(engine, "engine");
        AsyncFile file = AsyncFile.open(path, engine, options, attrs);
        try {
            return new AioFileChannel(file, DirectIoContract.of(file, options));
        } catch (IOException | RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    /**
     * The jaio file under this channel, for jaio's own API (futures, MemorySegment and vectored I/O).
     *
     * @return the jaio file under this channel, for jaio's own API (futures, MemorySegment and vectored I/O)
     */
    public AsyncFile asyncFile() {
        return file;
    }

    // ---- relative reads and writes -----------------------------------------------------------------

    /**
     * Reads into {@code dst} from the file position, and moves the position by the bytes read.
     *
     * @return the bytes read, -1 at or past end of file
     * @throws NonReadableChannelException if the channel was not opened for reading
     * @throws IllegalArgumentException    if {@code dst} is read-only
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        return (int) relative(true, dst, null, 0, 0);
    }

    /**
     * Reads into {@code length} buffers of {@code dsts} from {@code offset}, in order, from the file
     * position (one preadv request), and moves the position by the bytes read.
     *
     * @return the bytes read, -1 at or past end of file
     * @throws IndexOutOfBoundsException   if {@code offset} and {@code length} do not fit {@code dsts}
     * @throws NonReadableChannelException if the channel was not opened for reading
     * @throws IllegalArgumentException    if a buffer is read-only
     */
    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return relative(true, null, dsts, offset, length);
    }

    /**
     * Writes {@code src} at the file position (at end of file with {@code APPEND}), and moves the position
     * past what was written.
     *
     * @throws NonWritableChannelException if the channel was not opened for writing
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) relative(false, src, null, 0, 0);
    }

    /**
     * Writes {@code length} buffers of {@code srcs} from {@code offset}, in order, at the file position (one
     * pwritev request), and moves the position past what was written.
     *
     * @throws IndexOutOfBoundsException   if {@code offset} and {@code length} do not fit {@code srcs}
     * @throws NonWritableChannelException if the channel was not opened for writing
     */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return relative(false, null, srcs, offset, length);
    }

    /**
     * A read or write at the file position, of {@code one} buffer or of {@code bufs[offset, offset + length)}
     * (one preadv or pwritev request), under the position lock: a read moves the position by the bytes
     * read, a write past what was written (with {@code APPEND} the kernel writes at end of file whatever
     * the position says, and the position is the size).
     */
    private long relative(boolean read, ByteBuffer one, ByteBuffer[] bufs, int offset, int length)
            throws IOException {
        if (bufs != null) {
            Objects.checkFromIndexSize(offset, length, bufs.length);
        } else {
            Objects.requireNonNull(one, read ? "dst" : "src");
        }
        ensureOpen();
        if (read ? !readable : !writable) {
            throw read ? new NonReadableChannelException() : new NonWritableChannelException();
        }
        positionLock.lock();
        try {
            checkDirectPosition(position);
            long at = read || !append ? position : 0;
            long n;
            if (one != null) {
                n = read ? readAt(one, at) : writeAt(one, at);
            } else {
                Gathered g = gather(bufs, offset, length, read, at);
                if (g.segments.isEmpty()) {
                    return 0;
                }
                n = block(read ? file.read(g.segments, at) : file.write(g.segments, at));
                if (read && n == 0) {
                    return -1;
                }
                g.advance(n);
            }
            if (n > 0 && (read || !append)) {
                position += n;
            }
            return n;
        } finally {
            positionLock.unlock();
        }
    }

    /**
     * The buffers of {@code bufs[offset, offset + length)} with bytes remaining, and the segments the
     * request uses for them, checked as the JDK checks them in order: for a read a read-only buffer is
     * refused, with O_DIRECT each buffer's remaining bytes must be whole blocks, and then the kernel judges
     * the addresses of direct buffers. A read into a confined buffer goes through a heap buffer, copied on
     * this (the owner's) thread.
     */
    private Gathered gather(ByteBuffer[] bufs, int offset, int length, boolean forRead, long position)
            throws IOException {
        Gathered g = new Gathered(length);
        boolean kernelRefuses = false;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = Objects.requireNonNull(bufs[i], forRead ? "dst" : "src");
            if (forRead && b.isReadOnly()) {
                throw new IllegalArgumentException("Read-only buffer");
            }
            if (directIo != null) {
                directIo.checkRemaining(b);
            }
            if (b.hasRemaining()) {
                kernelRefuses |= directIo != null && directIo.kernelRefuses(b, position);
                ByteBuffer via = forRead && isConfined(b) ? ByteBuffer.allocate(b.remaining()) : null;
                g.buffers.add(b);
                g.temporaries.add(via);
                g.segments.add(MemorySegment.ofBuffer(via != null ? via : b));
            }
        }
        if (kernelRefuses) {
            throw DirectIoContract.kernelRefusal();
        }
        return g;
    }

    /** The buffers of a scattering or gathering call, and what the request reads into or writes from. */
    private static final class Gathered {
        final List<ByteBuffer> buffers;
        /** Per buffer, the heap buffer a confined one is read through, else null. */
        final List<ByteBuffer> temporaries;
        final List<MemorySegment> segments;

        Gathered(int length) {
            buffers = new ArrayList<>(length);
            temporaries = new ArrayList<>(length);
            segments = new ArrayList<>(length);
        }

        /** Moves the buffers' positions past {@code n} bytes, copying in what went through a heap buffer. */
        void advance(long n) {
            for (int i = 0; i < buffers.size() && n > 0; i++) {
                ByteBuffer b = buffers.get(i);
                int k = (int) Math.min(n, b.remaining());
                ByteBuffer via = temporaries.get(i);
                if (via != null) {
                    b.put(via.slice(0, k));
                } else {
                    b.position(b.position() + k);
                }
                n -= k;
            }
        }
    }

    /** Whether only one thread may touch {@code b}'s memory (a buffer of a confined arena). */
    private static boolean isConfined(ByteBuffer b) {
        return b.isDirect() && !MemorySegment.ofBuffer(b).isAccessibleBy(NO_OWNER);
    }

    private void checkDirectPosition(long position) throws IOException {
        if (directIo != null) {
            directIo.checkChannelPosition(position);
        }
    }

    // ---- positional reads and writes ---------------------------------------------------------------

    /**
     * Reads into {@code dst} from {@code position}; the file position does not move.
     *
     * @return the bytes read, -1 at or past end of file
     * @throws IllegalArgumentException    if {@code position} is negative or {@code dst} is read-only
     * @throws NonReadableChannelException if the channel was not opened for reading
     */
    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        ensureOpen();
        if (!readable) {
            throw new NonReadableChannelException();
        }
        checkDirectPosition(position);
        return readAt(dst, position);
    }

    /**
     * Writes {@code src} at {@code position}, extending the file if needed; the file position does not
     * move. With {@code APPEND}, Linux writes at end of file whatever the position, as it does for the
     * JDK's channel.
     *
     * @throws IllegalArgumentException    if {@code position} is negative
     * @throws NonWritableChannelException if the channel was not opened for writing
     */
    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        Objects.requireNonNull(src, "src");
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        ensureOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
        checkDirectPosition(position);
        return writeAt(src, position);
    }

    private int readAt(ByteBuffer dst, long position) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        if (directIo != null) {
            directIo.checkBuffer(dst);
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        int n = isConfined(dst) ? readConfined(dst, position)
                : onCallerThread() ? onCaller(true, dst, position) : blockOrNow(true, dst, position);
        return n == 0 ? -1 : n;
    }

    /**
     * A read into a buffer only this thread may fill: the engine reads into a heap buffer (of at most
     * {@value #CONFINED_CHUNK} bytes at a time), and this thread, the owner, copies it in.
     */
    private int readConfined(ByteBuffer dst, long position) throws IOException {
        ByteBuffer via = ByteBuffer.allocate(Math.min(dst.remaining(), CONFINED_CHUNK));
        int total = 0;
        while (dst.hasRemaining()) {
            via.clear().limit(Math.min(via.capacity(), dst.remaining()));
            int want = via.remaining();
            int n = block(file.read(via, position + total));
            if (n <= 0) {
                break;
            }
            dst.put(via.flip());
            total += n;
            if (n < want) {
                break;
            }
        }
        return total;
    }

    private int writeAt(ByteBuffer src, long position) throws IOException {
        if (directIo != null) {
            directIo.checkBuffer(src);
        }
        if (!src.hasRemaining()) {
            return 0;
        }
        if (onCallerThread()) {
            return onCaller(false, src, position);
        }
        return blockOrNow(false, src, position);
    }

    /**
     * A positional read or write of one buffer: done on this thread when the kernel can do it without
     * blocking, with no future and no interruptible section; otherwise waited for as {@link #block} does.
     * An interrupted thread takes the engine path, whose {@link #block} closes the channel as the JDK's
     * channel does.
     */
    private int blockOrNow(boolean read, ByteBuffer buf, long position) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            return block(read ? file.read(buf, position) : file.write(buf, position));
        }
        int before = buf.position();
        CompletableFuture<Integer> rest = read ? file.readOrFuture(buf, position) : file.writeOrFuture(buf, position);
        return rest == null ? buf.position() - before : block(rest);
    }

    /**
     * Whether this thread reads and writes this file itself: a platform thread, which waits for the result
     * either way, on a buffered file. It then makes the pread(2) or pwrite(2) the JDK's channel makes,
     * rather than an {@code RWF_NOWAIT} attempt (a vectored call, dearer in the kernel) and, for what
     * would block, the same call on an engine thread plus two hand-offs. Virtual threads keep the inline
     * attempt and the engine, which park them instead of pinning their carriers.
     */
    private boolean onCallerThread() {
        return !Thread.currentThread().isVirtual() && file.transfersOnCaller();
    }

    /**
     * A read or write by this thread ({@link AsyncFile#readBlocking}, {@link AsyncFile#writeBlocking}) as
     * a blocking channel operation: an interrupt closes the channel, and a close by another thread during
     * the call ends it with {@link java.nio.channels.AsynchronousCloseException}, as for the JDK's channel.
     */
    private int onCaller(boolean read, ByteBuffer buf, long position) throws IOException {
        boolean completed = false;
        try {
            begin();
            int n = read ? file.readBlocking(buf, position) : file.writeBlocking(buf, position);
            completed = true;
            return n;
        } catch (AioException e) {
            if (!isOpen()) {
                throw new ClosedChannelException(); // closed under the call: end() says how
            }
            throw e;
        } finally {
            end(completed);
        }
    }

    /**
     * Waits for a request as a blocking channel operation: an interrupt closes the channel and throws
     * {@link ClosedByInterruptException}, a close by another thread while the request had not reached the
     * kernel throws {@link java.nio.channels.AsynchronousCloseException}.
     */
    private <V> V block(CompletableFuture<V> future) throws IOException {
        if (future.state() == Future.State.SUCCESS && !Thread.currentThread().isInterrupted()) {
            // Done on this thread (a cached buffered transfer): nothing to wait for, so no interruptible
            // section and no park. An interrupted thread takes the path below, which closes the channel.
            return future.resultNow();
        }
        boolean completed = false;
        try {
            begin();
            V v = future.get();
            completed = true;
            return v;
        } catch (InterruptedException e) {
            // The interrupt has closed the channel, which ends the request soon (aborted if queued, done
            // if in the kernel). Wait for that, so that the buffer is not written after this returns;
            // end() then turns this into ClosedByInterruptException.
            Completions.awaitQuietly(future);
            Thread.currentThread().interrupt();
            throw new ClosedByInterruptException();
        } catch (ExecutionException e) {
            throw Completions.rethrow(e);
        } finally {
            end(completed);
        }
    }

    // ---- position, size, force ---------------------------------------------------------------------

    /** The file position; the file's size for a channel opened with {@code APPEND}. */
    @Override
    public long position() throws IOException {
        ensureOpen();
        if (append) {
            return file.size();
        }
        positionLock.lock();
        try {
            return position;
        } finally {
            positionLock.unlock();
        }
    }

    /**
     * Sets the file position; past end of file, a read returns -1 and a write extends the file.
     *
     * @throws IllegalArgumentException if {@code newPosition} is negative
     */
    @Override
    public AioFileChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        ensureOpen();
        positionLock.lock();
        try {
            position = newPosition;
            return this;
        } finally {
            positionLock.unlock();
        }
    }

    /** The file's size. */
    @Override
    public long size() throws IOException {
        ensureOpen();
        return file.size();
    }

    /**
     * Cuts the file to {@code size} if it is longer (never extends it), and moves a file position beyond
     * {@code size} back to it.
     *
     * @throws IllegalArgumentException    if {@code size} is negative
     * @throws NonWritableChannelException if the channel was not opened for writing
     */
    @Override
    public AioFileChannel truncate(long size) throws IOException {
        ensureOpen();
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        if (!writable) {
            throw new NonWritableChannelException();
        }
        positionLock.lock();
        try {
            if (size < file.size()) {
                file.truncate(size);
            }
            if (position > size) {
                position = size;
            }
            return this;
        } finally {
            positionLock.unlock();
        }
    }

    /** Flushes data, and with {@code metaData} metadata, to stable storage: an FDSYNC or FSYNC request. */
    @Override
    public void force(boolean metaData) throws IOException {
        ensureOpen();
        block(file.force(metaData));
    }

    // ---- delegated to the platform channel ---------------------------------------------------------

    /**
     * Transfers bytes from {@code position} to {@code target}, through the platform channel (which may use
     * sendfile or copy_file_range); the file position does not move.
     */
    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        ensureOpen();
        // The JDK's checks for a target of its own kind, made here for a target of ours.
        if (!target.isOpen()) {
            throw new ClosedChannelException();
        }
        if (!readable) {
            throw new NonReadableChannelException();
        }
        if (target instanceof AioFileChannel a && !a.writable) {
            throw new NonWritableChannelException();
        }
        try {
            return platform.get().transferTo(position, count, target);
        } catch (ClosedByInterruptException e) {
            throw closedByInterrupt(e);
        }
    }

    /** Transfers bytes from {@code src} to {@code position}, through the platform channel. */
    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        ensureOpen();
        if (!src.isOpen()) {
            throw new ClosedChannelException();
        }
        if (src instanceof AioFileChannel a && !a.readable) {
            throw new NonReadableChannelException();
        }
        try {
            return platform.get().transferFrom(src, position, count);
        } catch (ClosedByInterruptException e) {
            throw closedByInterrupt(e);
        }
    }

    /** Maps a region of the file into memory, through the platform channel. */
    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        ensureOpen();
        return platform.get().map(mode, position, size);
    }

    /** Maps a region of the file into a segment of {@code arena}, through the platform channel. */
    @Override
    public MemorySegment map(MapMode mode, long offset, long size, Arena arena) throws IOException {
        ensureOpen();
        return platform.get().map(mode, offset, size, arena);
    }

    /**
     * Takes a POSIX record lock on a range through the platform channel, waiting for it; see
     * {@link FileChannel#lock(long, long, boolean)}. The lock's {@link FileLock#channel()} is this channel.
     */
    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        ensureOpen();
        try {
            return new JaioFileLock(this, platform.get().lock(position, size, shared));
        } catch (FileLockInterruptionException e) {
            closeQuietly();
            throw e;
        }
    }

    /**
     * Takes a POSIX record lock on a range through the platform channel if no other process holds an
     * overlapping one; see {@link FileChannel#tryLock(long, long, boolean)}.
     *
     * @return the lock, or null if another process holds an overlapping lock
     */
    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        ensureOpen();
        FileLock lock = platform.get().tryLock(position, size, shared);
        return lock == null ? null : new JaioFileLock(this, lock);
    }

    private ClosedByInterruptException closedByInterrupt(ClosedByInterruptException e) {
        closeQuietly();
        return e;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // the interrupt is what the caller hears about
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    /** Closes the platform channel (releasing locks) and the jaio file. */
    @Override
    protected void implCloseChannel() throws IOException {
        platform.closeWith(file);
    }

    @Override
    public String toString() {
        return PlatformChannel.describe("AioFileChannel", file, isOpen());
    }
}
