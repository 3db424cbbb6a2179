package dev.jaio.internal.buffer;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A transfer through jaio's staging memory: the caller's buffers (heap memory, memory of an arena the
 * caller can close, misaligned memory) are copied to or from aligned memory of a {@link StagingPool}, in
 * chunks of at most {@link StagingPool#CHUNK} bytes, one request after another, so that the memory staged
 * at once is bounded whatever the size of the transfer. Like one read(2) or write(2), a transfer moves at
 * most {@link #MAX_TRANSFER} bytes; it ends early at a short chunk (end of file) and reports what was done
 * before an error as a short count, the error showing on the next request.
 *
 * <p>The file that starts it says how a chunk reaches the kernel ({@link #submit}) and how the transfer
 * ends ({@link #finished}); the chunk's request reports back through {@link Chunk#done},
 * {@link Chunk#aborted} or {@link Chunk#notSubmitted}. The transfer ends exactly once.
 */
public abstract class StagedTransfer {
    /**
     * The most one transfer moves, as the kernel's {@code MAX_RW_COUNT} caps one read(2) or write(2):
     * {@code INT_MAX} rounded down to a page.
     */
    public static final long MAX_TRANSFER = 0x7ffff000L;

    private final StagingPool pool;
    private final boolean read;
    private final List<MemorySegment> parts;
    private final long position;
    private final long total;
    private final long readRounding;
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Bytes of the caller's buffers transferred so far. */
    private long done;
    /** Bytes an inline attempt already transferred before this transfer took over the rest. */
    private long prefix;
    /** Whether the kernel just said the transfer would block: its chunks go to a blocking thread. */
    private boolean blockingOnly;

    /**
     * A transfer of {@code total} bytes (at most {@link #MAX_TRANSFER} are moved) between {@code parts},
     * in order, and the file from {@code position}.
     *
     * @param pool         where the chunks' aligned memory comes from
     * @param read         whether it is a read (else a write)
     * @param parts        the caller's buffers, in order
     * @param position     the file position of the first byte
     * @param total        the bytes of {@code parts} to transfer
     * @param readRounding for an O_DIRECT file, its offset alignment: a read at an unaligned position or
     *                     length reads the aligned range around it; 0 for a buffered file
     */
    protected StagedTransfer(StagingPool pool, boolean read, List<MemorySegment> parts, long position, long total,
                             long readRounding) {
        this.pool = pool;
        this.read = read;
        this.parts = parts;
        this.position = position;
        this.total = Math.min(total, MAX_TRANSFER);
        this.readRounding = read ? readRounding : 0;
    }

    /**
     * Marks the transfer as the rest of an inline attempt that did {@code prefix} bytes.
     *
     * @param prefix       the bytes the inline attempt moved, which the result includes
     * @param blockingOnly whether the chunks must go to a blocking thread (the kernel said they would block)
     * @return this transfer
     */
    public final StagedTransfer resuming(long prefix, boolean blockingOnly) {
        this.prefix = prefix;
        this.blockingOnly = blockingOnly;
        return this;
    }

    /** Stages and submits the first chunk; a failure before it reaches the engine ends the transfer. */
    public final void start() {
        try {
            next();
        } catch (Throwable t) {
            finish(-1, t);
        }
    }

    /**
     * The bytes an inline attempt moved before this transfer took over.
     *
     * @return the bytes an inline attempt moved before this transfer took over
     */
    protected final long prefix() {
        return prefix;
    }

    /**
     * Whether the transfer is a read.
     *
     * @return whether the transfer is a read
     */
    public final boolean isRead() {
        return read;
    }

    /**
     * Hands a chunk's request to the engine. The request is on {@link Chunk#memory()} at
     * {@link Chunk#position()} for {@link Chunk#length()} bytes, and reports its end to the chunk.
     *
     * @param chunk the chunk
     */
    protected abstract void submit(Chunk chunk);

    /**
     * Ends the transfer, called once: with the bytes moved (the inline prefix included) and a null
     * {@code failure}, or with the failure and {@code bytes} of -1. The file position the result
     * starts from is that of the inline attempt, {@code position - prefix}.
     *
     * @param bytes   the bytes transferred, or -1 on failure
     * @param failure why the transfer failed, or null
     */
    protected abstract void finished(long bytes, Throwable failure);

    /**
     * The failure of a chunk that failed with {@code errno} before anything was transferred.
     *
     * @param call  the syscall, {@code pread} or {@code pwrite}
     * @param errno the error number
     * @return the exception the transfer fails with
     */
    protected abstract Throwable errnoFailure(String call, int errno);

    private void next() {
        long fileStart = position + done;
        long left = total - done;
        long chunkSize = Math.max(StagingPool.CHUNK, pool.alignment());
        long start = fileStart;
        long end = fileStart + Math.min(left, chunkSize);
        if (readRounding > 0) {
            long a = readRounding;
            start = fileStart & -a;
            end = Math.min((position + total + a - 1) & -a, start + chunkSize);
        }
        long len = Math.min(end - fileStart, left);
        StagingPool.Buffer stage = pool.acquire(end - start);
        Chunk c;
        try {
            if (!read) {
                copy(false, stage.segment(), 0, done, len);
            }
            c = new Chunk(start, stage, end - start, fileStart - start, len);
        } catch (Throwable t) {
            stage.release();
            throw t;
        }
        submit(c);
    }

    /** Copies {@code len} bytes between a stage and the caller's buffers at {@code userOffset}. */
    private void copy(boolean toUser, MemorySegment stage, long stageOffset, long userOffset, long len) {
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

    private void chunkDone(Chunk c, long result) {
        long n;
        try {
            if (result < 0) {
                if (done > 0 || prefix > 0) {
                    finish(done, null);
                } else {
                    finish(-1, errnoFailure(read ? "pread" : "pwrite", (int) -result));
                }
                return;
            }
            n = Math.max(0, Math.min(c.wanted, result - c.skip));
            if (read) {
                copy(true, c.stage.segment(), c.skip, done, n);
            }
        } catch (Throwable t) {
            finish(-1, t);
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

    private void finish(long n, Throwable failure) {
        if (finished.compareAndSet(false, true)) {
            finished(failure != null ? -1 : n + prefix, failure);
        }
    }

    /** One chunk of a transfer: what its request does, and where it reports its end. */
    public final class Chunk {
        private final long filePosition;
        private final StagingPool.Buffer stage;
        private final long length;
        /** Bytes at the start of the stage before the caller's data (an aligned O_DIRECT read). */
        private final long skip;
        /** The caller's bytes this chunk carries. */
        private final long wanted;

        private Chunk(long filePosition, StagingPool.Buffer stage, long length, long skip, long wanted) {
            this.filePosition = filePosition;
            this.stage = stage;
            this.length = length;
            this.skip = skip;
            this.wanted = wanted;
        }

        /**
         * Whether the chunk's request reads (else writes).
         *
         * @return whether the chunk's request reads
         */
        public boolean isRead() {
            return read;
        }

        /**
         * The file position of the chunk's request.
         *
         * @return the file position of the chunk's request
         */
        public long position() {
            return filePosition;
        }

        /**
         * The staging memory the request reads into or writes from, jaio's until {@link #done} or
         * {@link #aborted}.
         *
         * @return the staging memory
         */
        public MemorySegment memory() {
            return stage.segment();
        }

        /**
         * The bytes the request transfers.
         *
         * @return the bytes the request transfers
         */
        public long length() {
            return length;
        }

        /**
         * Whether the request must go to a blocking thread rather than the kernel's queue.
         *
         * @return whether the request must go to a blocking thread
         */
        public boolean blockingOnly() {
            return blockingOnly;
        }

        /**
         * The chunk's request completed: copies a read out, then submits the next chunk or ends the transfer.
         *
         * @param result the bytes the request transferred, or {@code -errno}
         */
        public void done(long result) {
            chunkDone(this, result);
        }

        /**
         * The chunk's request was failed before it reached the kernel: gives its memory back and fails
         * the transfer.
         *
         * @param cause why
         */
        public void aborted(Throwable cause) {
            stage.release();
            finish(-1, cause);
        }

        /**
         * The engine threw from submit: fails the transfer without giving back memory it may still hold.
         *
         * @param cause what the engine threw
         */
        public void notSubmitted(Throwable cause) {
            finish(-1, cause);
        }
    }
}
