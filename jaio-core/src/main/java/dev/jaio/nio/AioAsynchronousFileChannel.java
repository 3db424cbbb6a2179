package dev.jaio.nio;

import dev.jaio.AioEngine;
import dev.jaio.AsyncFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * An {@link AsynchronousFileChannel} whose reads, writes and forces run on an {@link AioEngine}: kernel
 * AIO where it is usable, the engine's thread pool otherwise. It behaves as the JDK's channel does, with
 * the differences listed below.
 *
 * <h2>As the JDK's channel</h2>
 * <ul>
 *   <li>Argument errors are thrown on the caller's thread: {@link IllegalArgumentException} for a
 *       negative position or a read-only destination, {@link NonReadableChannelException} and
 *       {@link NonWritableChannelException} for the wrong access, {@link UnsupportedOperationException}
 *       for {@code APPEND} at open.</li>
 *   <li>A read at or past end of file completes with -1; a buffer with nothing remaining completes with
 *       0 without any I/O; a request on a closed channel completes with
 *       {@link ClosedChannelException}.</li>
 *   <li>A {@link CompletionHandler} runs on the executor given at open, or, without one, on a default
 *       group made as the JDK's is: a cached thread pool whose threads come from the
 *       {@code java.nio.channels.DefaultThreadPool.threadFactory} system property's factory (daemon
 *       threads by default), with {@code java.nio.channels.DefaultThreadPool.initialSize} checked as the
 *       JDK checks it; both are read at the first open without an executor, and a bad value fails that
 *       open with the JDK's {@link Error} (and later ones with {@link NoClassDefFoundError}). A handler
 *       never runs inside the call that issued it. An exception a handler throws goes to its thread's uncaught-exception
 *       handler.</li>
 *   <li>Cancelling a returned future with {@code mayInterruptIfRunning} closes the channel, as
 *       {@link java.nio.channels.AsynchronousChannel} allows; the I/O itself is not undone.</li>
 *   <li>{@link #close()} fails the requests not yet handed to the kernel with
 *       {@link java.nio.channels.AsynchronousCloseException}; those in the kernel complete with their
 *       result; later requests fail with {@link ClosedChannelException}. It does not shut the executor
 *       down.</li>
 *   <li>{@link #truncate(long)} never extends the file.</li>
 * </ul>
 *
 * <h2>Back-pressure</h2>
 * The engine accepts a bounded number of requests at once ({@link AioEngine.Builder#maxOutstanding(int)},
 * by default four times its queue depth). A thread that issues a read or write beyond it waits in the call
 * until a request completes, where the JDK's channel would queue it on its executor without bound.

 *
 * <h2>Locks</h2>
 * Byte-range locks are taken through a platform {@link FileChannel} opened on the same open file through
 * {@code /proc/self/fd} on first use, with this channel's access. They are POSIX record locks
 * (fcntl F_SETLK and F_SETLKW), as the JDK's, and share the JDK's per-file lock table: an overlapping
 * lock already held through any channel of this JVM on the same file throws
 * {@link java.nio.channels.OverlappingFileLockException} on the caller's thread. A lock another process
 * holds makes {@link #tryLock} return null and {@link #lock} wait; the wait runs on a daemon platform
 * thread of jaio's (the completion handler then runs as above), and closing the channel ends it with
 * {@link java.nio.channels.AsynchronousCloseException}. As POSIX locks are per process, closing any
 * descriptor of the file in this process releases them, a caveat the JDK documents too.
 *
 * <h2>Differences from the JDK's channel</h2>
 * <ul>
 *   <li>None where O_DIRECT is concerned: with {@code ExtendedOpenOption.DIRECT} (or
 *       {@link dev.jaio.JaioOpenOption#DIRECT}) the JDK's asynchronous channel checks no alignment itself
 *       and hands a direct buffer to the kernel as it is, and a heap buffer through a temporary native
 *       buffer that is not aligned; the kernel refuses what is misaligned (by the file's
 *       {@link dev.jaio.DirectIoAlignment}, 512 bytes on most disks, not the file store's block size) with
 *       EINVAL, which completes the future with {@code IOException: Invalid argument}. jaio's channel gives
 *       the same results. A heap buffer is the one difference: the JDK's temporary native buffer is aligned
 *       only by chance (where malloc put it), so the kernel refuses it in some runs and not in others;
 *       jaio's channel always refuses it, with the same exception. Opened with
 *       {@link dev.jaio.JaioOpenOption#STAGE_UNALIGNED} as well, it stages heap and misaligned buffers
 *       through aligned memory instead, as {@link AsyncFile} does: reads at any position and length
 *       succeed, writes need the file's {@link dev.jaio.DirectIoAlignment#offset()}.</li>
 *   <li>Where the file system refuses O_DIRECT, the JDK's open fails; jaio opens the file for buffered
 *       I/O instead (see {@link AsyncFile#directFallbackReason()}).</li>
 *   <li>Opening a directory, FIFO or character device fails; the JDK opens what open(2) opens.</li>
 *   <li>The futures returned are {@link CompletableFuture}s.</li>
 *   <li>A channel that becomes unreachable without having been closed has its descriptor closed when it
 *       is collected (as the JDK's {@link FileChannel} does); the JDK's asynchronous channel keeps it open
 *       until the process ends.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class AioAsynchronousFileChannel extends AsynchronousFileChannel {
    private final AsyncFile file;
    private final ExecutorService executor;
    private final boolean reading;
    private final boolean writing;
    private final PlatformChannel platform;
    /** The JDK's O_DIRECT behaviour, or null when it does not apply (buffered, or STAGE_UNALIGNED). */
    private final DirectIoContract directIo;

    private AioAsynchronousFileChannel(AsyncFile file, ExecutorService executor, DirectIoContract directIo) {
        this.file = file;
        this.executor = executor;
        this.directIo = directIo;
        this.reading = file.nativeFile().isReadable();
        this.writing = file.nativeFile().isWritable();
        this.platform = new PlatformChannel(file.nativeFile());
    }

    /**
     * Opens or creates a file as {@link AsynchronousFileChannel#open(Path, OpenOption...)} does, on the
     * {@linkplain AioEngine#defaultEngine() default engine}, with completion handlers run by the default
     * group (see the class documentation).
     *
     * @param path the file to open or create
     * @param options how to open it, as for {@link java.nio.channels.AsynchronousFileChannel#open}
     * @return the open channel
     * @throws IllegalArgumentException      for an invalid combination of options
     * @throws UnsupportedOperationException for {@code APPEND} or an option jaio does not know
     * @throws IOException                   if the file cannot be opened (as {@link AsyncFile#open})
     */
    public static AioAsynchronousFileChannel open(Path path, OpenOption... options) throws IOException {
        return open(path, new HashSet<>(Arrays.asList(options)), null);
    }

    /**
     * Opens or creates a file as
     * {@link AsynchronousFileChannel#open(Path, Set, ExecutorService, FileAttribute[])} does, on the
     * {@linkplain AioEngine#defaultEngine() default engine}.
     *
     * @param path     the file to open or create
     * @param options  how to open it, as for {@link java.nio.channels.AsynchronousFileChannel#open}
     * @param executor where completion handlers run, or null for the default group (see the class
     *                 documentation); never shut down by the channel
     * @param attrs    {@code posix:permissions} for a file created
     * @return the open channel
     * @throws IllegalArgumentException      for an invalid combination of options
     * @throws UnsupportedOperationException for {@code APPEND}, an option jaio does not know, or an
     *                                       attribute other than {@code posix:permissions}
     * @throws IOException                   if the file cannot be opened
     */
    public static AioAsynchronousFileChannel open(Path path, Set<? extends OpenOption> options,
                                                  ExecutorService executor, FileAttribute<?>... attrs)
            throws IOException {
        return open(path, options, executor, AioEngine.defaultEngine(), attrs);
    }

    /**
     * As {@link #open(Path, Set, ExecutorService, FileAttribute[])}, on the given engine (which must stay
     * open while the channel is).
     *
     * @param path the file to open or create
     * @param options how to open it, as for {@link java.nio.channels.AsynchronousFileChannel#open}
     * @param executor where completion handlers run, or {@code null} for the engine's own threads
     * @param engine the engine that runs the requests; it must stay open while the channel is
     * @param attrs file attributes to set when the file is created
     * @return the open channel
     * @throws IOException if the file cannot be opened; a {@link dev.jaio.AioException} names the errno
     */
    public static AioAsynchronousFileChannel open(Path path, Set<? extends OpenOption> options,
                                                  ExecutorService executor, AioEngine engine,
                                                  FileAttribute<?>... attrs) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(engine, "engine");
        for (OpenOption o : options) {
            if (Objects.requireNonNull(o, "option") == StandardOpenOption.APPEND) {
                throw new UnsupportedOperationException("APPEND not allowed");
            }
        }
        AsyncFile file = AsyncFile.open(path, engine, options, attrs);
        try {
            // Without an executor, handlers run on the JDK-style default group, made (and its system
            // properties read) at the first such open, after the file is open, as the JDK does.
            DirectIoContract directIo = DirectIoContract.of(file, options);
            return new AioAsynchronousFileChannel(file, executor != null ? executor : DefaultGroup.executor(),
                    directIo);
        } catch (Throwable t) {
            file.close();
            throw t;
        }
    }

    /**
     * The jaio file under this channel, for jaio's own API (MemorySegment and vectored I/O).
     *
     * @return the jaio file under this channel, for jaio's own API (MemorySegment and vectored I/O)
     */
    public AsyncFile asyncFile() {
        return file;
    }

    // ---- reads and writes ------------------------------------------------------------------------

    /**
     * Reads into {@code dst} from {@code position}, as the JDK's channel does.
     *
     * @return a future of the bytes read, -1 at or past end of file
     * @throws IllegalArgumentException    if {@code position} is negative or {@code dst} is read-only
     * @throws NonReadableChannelException if the channel was not opened for reading
     */
    @Override
    public CompletableFuture<Integer> read(ByteBuffer dst, long position) {
        return implTransfer(true, dst, position);
    }

    /**
     * Reads into {@code dst} from {@code position} and hands the result (-1 at end of file) to
     * {@code handler}.
     *
     * @throws IllegalArgumentException    if {@code position} is negative or {@code dst} is read-only
     * @throws NonReadableChannelException if the channel was not opened for reading
     */
    @Override
    public <A> void read(ByteBuffer dst, long position, A attachment,
                         CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "'handler' is null");
        Completions.deliver(implTransfer(true, dst, position), attachment, handler, executor);
    }

    /**
     * A read or write of one buffer, checked in the order the JDK's channel checks: the position, the
     * mode, a read-only destination; then a closed channel, an empty buffer and an O_DIRECT buffer the
     * kernel would refuse are answered without a request.
     */
    private CompletableFuture<Integer> implTransfer(boolean read, ByteBuffer buf, long position) {
        if (!read) {
            Objects.requireNonNull(buf, "src");
        }
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        if (read ? !reading : !writing) {
            throw read ? new NonReadableChannelException() : new NonWritableChannelException();
        }
        if (read && buf.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        if (!isOpen()) {
            return Completions.failed(this, new ClosedChannelException());
        }
        if (!buf.hasRemaining()) {
            return Completions.completed(this, 0);
        }
        if (kernelRefuses(buf, position)) {
            return Completions.failed(this, DirectIoContract.kernelRefusal());
        }
        return Completions.pending(this, read ? file.read(buf, position).thenApply(n -> n == 0 ? -1 : n)
                : file.write(buf, position));
    }

    /**
     * Writes {@code src} at {@code position}, extending the file if needed.
     *
     * @return a future of the bytes written
     * @throws IllegalArgumentException    if {@code position} is negative
     * @throws NonWritableChannelException if the channel was not opened for writing
     */
    @Override
    public CompletableFuture<Integer> write(ByteBuffer src, long position) {
        return implTransfer(false, src, position);
    }

    /**
     * Writes {@code src} at {@code position} and hands the bytes written to {@code handler}.
     *
     * @throws IllegalArgumentException    if {@code position} is negative
     * @throws NonWritableChannelException if the channel was not opened for writing
     */
    @Override
    public <A> void write(ByteBuffer src, long position, A attachment,
                          CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "'handler' is null");
        Completions.deliver(implTransfer(false, src, position), attachment, handler, executor);
    }

    /**
     * With O_DIRECT, whether the JDK's channel would get EINVAL from the kernel: it hands a direct buffer
     * over as it is, and a heap buffer through a temporary native buffer that is not aligned.
     */
    private boolean kernelRefuses(ByteBuffer b, long position) {
        return directIo != null && (!b.isDirect() || directIo.kernelRefuses(b, position));
    }

    // ---- synchronous metadata ----------------------------------------------------------------------

    /**
     * The file's size.
     *
     * @throws ClosedChannelException if the channel is closed
     */
    @Override
    public long size() throws IOException {
        return file.size();
    }

    /**
     * Cuts the file to {@code size} if it is longer; a longer size leaves the file as it is.
     *
     * @throws IllegalArgumentException    if {@code size} is negative
     * @throws NonWritableChannelException if the channel was not opened for writing
     * @throws ClosedChannelException      if the channel is closed
     */
    @Override
    public AioAsynchronousFileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        if (!writing) {
            throw new NonWritableChannelException();
        }
        if (size < file.size()) {
            file.truncate(size);
        }
        return this;
    }

    /**
     * Flushes the file's data, and with {@code metaData} its metadata, to stable storage (an FDSYNC or
     * FSYNC request on the engine), waiting for it.
     *
     * @throws ClosedChannelException if the channel is closed
     */
    @Override
    public void force(boolean metaData) throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        Completions.await(file.force(metaData));
    }

    // ---- locks -------------------------------------------------------------------------------------

    /**
     * Takes a lock on a range, waiting for it if another process holds an overlapping one; see the class
     * documentation. A {@code size} of 0 locks from {@code position} to the largest possible end.
     *
     * @return a future of the lock, failed with {@link ClosedChannelException} if the channel is closed
     *         and with {@link java.nio.channels.AsynchronousCloseException} if it is closed while waiting
     * @throws java.nio.channels.OverlappingFileLockException if this JVM holds an overlapping lock on the
     *                                                        file, or waits for one
     * @throws IllegalArgumentException                       for a negative position or size
     * @throws NonReadableChannelException                    for a shared lock on a channel not open for
     *                                                        reading
     * @throws NonWritableChannelException                    for an exclusive lock on a channel not open
     *                                                        for writing
     */
    @Override
    public CompletableFuture<FileLock> lock(long position, long size, boolean shared) {
        return implLock(position, size, shared);
    }

    /** As {@link #lock(long, long, boolean)}, handing the lock to {@code handler}. */
    @Override
    public <A> void lock(long position, long size, boolean shared, A attachment,
                         CompletionHandler<FileLock, ? super A> handler) {
        Objects.requireNonNull(handler, "'handler' is null");
        Completions.deliver(implLock(position, size, shared), attachment, handler, executor);
    }

    private CompletableFuture<FileLock> implLock(long position, long size, boolean shared) {
        checkLockAccess(shared);
        FileChannel fc;
        FileLock first;
        try {
            fc = platform.get();
            // Overlaps within this JVM are found here, on the caller's thread, as the JDK does.
            first = fc.tryLock(position, size, shared);
        } catch (ClosedChannelException e) {
            return Completions.failed(this, new ClosedChannelException());
        } catch (IOException e) {
            return Completions.failed(this, e);
        }
        if (first != null) {
            return Completions.completed(this, new JaioFileLock(this, first));
        }
        CompletableFuture<FileLock> waited = new CompletableFuture<>();
        dev.jaio.internal.concurrent.DaemonThreads.unstarted("jaio-lock-wait", () -> {
            try {
                waited.complete(new JaioFileLock(this, fc.lock(position, size, shared)));
            } catch (Throwable t) {
                // Closed before the wait began, the platform channel says ClosedChannelException.
                waited.completeExceptionally(isOpen() ? t : new AsynchronousCloseException());
            }
        }).start();
        return Completions.pending(this, waited);
    }

    /**
     * Takes a lock on a range if no other process holds an overlapping one.
     *
     * @return the lock, or null if another process holds an overlapping lock
     * @throws java.nio.channels.OverlappingFileLockException if this JVM holds an overlapping lock on the
     *                                                        file, or waits for one
     * @throws ClosedChannelException                         if the channel is closed
     * @throws IllegalArgumentException                       for a negative position or size
     * @throws NonReadableChannelException                    for a shared lock without read access
     * @throws NonWritableChannelException                    for an exclusive lock without write access
     */
    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        checkLockAccess(shared);
        FileLock lock = platform.get().tryLock(position, size, shared);
        return lock == null ? null : new JaioFileLock(this, lock);
    }

    private void checkLockAccess(boolean shared) {
        if (shared && !reading) {
            throw new NonReadableChannelException();
        }
        if (!shared && !writing) {
            throw new NonWritableChannelException();
        }
    }

    // ---- closing -----------------------------------------------------------------------------------

    /** Whether the channel is open. */
    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    /**
     * Closes the channel as described in the class documentation: releases its locks, fails what has not
     * reached the kernel, waits for what has, and closes the descriptor. Idempotent.
     */
    @Override
    public void close() throws IOException {
        platform.closeWith(file);
    }

    @Override
    public String toString() {
        return PlatformChannel.describe("AioAsynchronousFileChannel", file, isOpen());
    }
}
