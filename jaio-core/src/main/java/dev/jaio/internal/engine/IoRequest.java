package dev.jaio.internal.engine;

import java.lang.foreign.MemorySegment;

/**
 * One file request as the engines see it: what to do, on which descriptor, with which native memory,
 * and how to finish it.
 *
 * <p>The engine calls {@link #complete(long)} exactly once, with the byte count or {@code -errno}, after
 * the kernel (or a pool thread) is done with {@link #buffer}: until then the request keeps the buffer
 * reachable, so memory the kernel writes into cannot be freed or reused under it.
 */
public abstract class IoRequest {
    /** What to do. */
    public final IoOp op;
    /** The descriptor; its owner keeps it open until {@link #complete} has run. */
    public final int fd;
    /** The file position (ignored by FSYNC and FDSYNC; for FALLOCATE where the range starts). */
    public final long position;
    /** The native buffer, or for READV/WRITEV the {@code struct iovec} array. */
    public final MemorySegment buffer;
    /** Bytes to transfer, or for READV/WRITEV the number of iovecs, or for FALLOCATE the range's length. */
    public final long length;
    /** RWF_* flags for aio_rw_flags; for FALLOCATE the fallocate(2) mode. */
    public int rwFlags;
    /** When the request was issued, for the latency summary. */
    public long startNanos;
    /** Whether the request holds an admission permit. */
    public boolean admitted;
    /**
     * Bytes a first, non-blocking attempt already transferred (a buffered RWF_NOWAIT read or write that
     * stopped short at what was cached); {@link #runBlocking()} goes on from there and returns the total.
     */
    public long done;
    /** Whether the request must go to a blocking thread rather than io_submit (it would block the loop). */
    public boolean blockingOnly;

    protected IoRequest(IoOp op, int fd, long position, MemorySegment buffer, long length, int rwFlags) {
        this.op = java.util.Objects.requireNonNull(op, "op");
        this.fd = fd;
        this.position = position;
        this.buffer = buffer;
        this.length = length;
        this.rwFlags = rwFlags;
    }

    /** Finishes the request with its result: bytes transferred, or {@code -errno}. Called once. */
    protected abstract void complete(long result);

    /**
     * Fails the request before it reached the kernel, with an exception that is not an errno (the file
     * or engine was closed, the queue was full). Called at most once, instead of {@link #complete}.
     */
    protected abstract void abort(Throwable cause);

    /** Runs the request on the calling thread with a blocking syscall: the result or {@code -errno}. */
    protected abstract long runBlocking();

    /**
     * Whether the request should no longer be started because its owner is closing; the engine then
     * aborts it with {@link java.nio.channels.AsynchronousCloseException} instead of submitting it.
     */
    public boolean cancelledByClose() {
        return false;
    }

    /** The kernel refused RWF_NOWAIT for this file (EOPNOTSUPP); later requests should not set it. */
    public void nowaitUnsupported() {
    }

    /** The syscall name of the request, for error messages. */
    public String opName() {
        return op.syscall();
    }
}
