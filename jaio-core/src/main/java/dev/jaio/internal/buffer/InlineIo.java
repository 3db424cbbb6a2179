package dev.jaio.internal.buffer;

import dev.jaio.Errno;
import dev.jaio.aio.IoVec;
import dev.jaio.internal.linux.LibC;
import dev.jaio.internal.linux.ThreadScratch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.util.List;

/**
 * One buffered file's transfers on the calling thread, with {@code preadv2}/{@code pwritev2} and
 * {@code RWF_NOWAIT}: what the kernel can do without waiting for the disk is done inside the call, and the
 * answer says how much, so that only the rest goes to an engine. It remembers, for the file, when the file
 * system does not do {@code RWF_NOWAIT} ({@code EOPNOTSUPP}) for reads or for writes.
 *
 * <p>Memory it touches, only during the call: a buffer {@link KernelMemory#usableInline} accepts goes to
 * the kernel as it is; any other is copied through native memory held only for the call, the staging
 * buffer of the calling thread's scratch (its own, or for a virtual thread one borrowed for the call; up
 * to {@link ThreadScratch#STAGE_MAX}) or else the file's {@link StagingPool}. The caller keeps the
 * descriptor open during the call.
 *
 * <p>Each transfer answers the bytes moved when it is finished (all of them, or fewer at end of file, which
 * a follow-up {@code RWF_NOWAIT} read returning 0 confirms); {@code PARTIAL | n} when the kernel could do
 * only the first {@code n} bytes without blocking (or does not do {@code RWF_NOWAIT} on this file); or
 * {@code -errno} for an error before any byte moved.
 */
public final class InlineIo {
    /** Marks an attempt that stopped short: the low bits are the bytes it transferred. */
    public static final long PARTIAL = 1L << 62;
    private static final long NEG_EAGAIN = -Errno.EAGAIN.number();
    private static final long NEG_EINTR = -Errno.EINTR.number();
    private static final long NEG_EOPNOTSUPP = -Errno.EOPNOTSUPP.number();
    /** Reads in a row that found nothing cached, after which reads are only sampled. */
    static final int COLD_STREAK = 8;
    /** While the file is cold, one read in this many is still tried, to see when it warms. */
    static final int COLD_SAMPLE = 16;

    private final int fd;
    private final StagingPool staging;
    /** Whether reads, and writes, are still tried on the caller's thread; cleared on EOPNOTSUPP. */
    private volatile boolean reads;
    private volatile boolean writes;
    /** Whether the file system answered a RWF_NOWAIT write with EOPNOTSUPP. */
    private volatile boolean writesRefused;
    /**
     * Reads in a row whose attempt found nothing cached, then reads since the file went cold. A plain field:
     * threads that race on it lose counts, which only moves when sampling starts or stops by a read or two.
     */
    private int coldReads;

    /**
     * The inline path of the file open on {@code fd}.
     *
     * @param fd      the descriptor
     * @param staging where copies of more than a thread's staging buffer get their memory
     * @param enabled whether transfers are tried at all (false for O_DIRECT files, or when turned off)
     */
    public InlineIo(int fd, StagingPool staging, boolean enabled) {
        this.fd = fd;
        this.staging = staging;
        this.reads = enabled;
        this.writes = enabled;
    }

    /**
     * Whether reads are still tried (the path is on, and no EOPNOTSUPP was seen).
     *
     * @return whether reads are still tried
     */
    public boolean triesReads() {
        return reads;
    }

    /**
     * Whether writes are still tried.
     *
     * @return whether writes are still tried
     */
    public boolean triesWrites() {
        return writes;
    }

    /**
     * Whether the file system refused a {@code RWF_NOWAIT} write ({@code EOPNOTSUPP}).
     *
     * @return true once a RWF_NOWAIT write was refused
     */
    public boolean writesRefused() {
        return writesRefused;
    }

    /**
     * Whether a single-buffer transfer of {@code buffer} is tried.
     *
     * @param read   whether it is a read
     * @param buffer the caller's memory
     * @return whether {@link #read} or {@link #write} should be called for it
     */
    public boolean tries(boolean read, MemorySegment buffer) {
        return (read ? reads : writes) && KernelMemory.inlineFits(buffer);
    }

    /**
     * Whether a read that {@link #tries} accepts should skip its attempt and go to the engine at once,
     * because the file's last {@value #COLD_STREAK} attempts in a row found nothing cached (reads over a
     * file larger than memory, or just after its pages were dropped): each such attempt costs a syscall
     * that moves nothing. One read in {@value #COLD_SAMPLE} is still tried; the first that finds data in
     * the cache ends the skipping. Counts the read it answers for.
     *
     * @return true to skip the attempt
     */
    public boolean skipsRead() {
        int c = coldReads;
        if (c < COLD_STREAK) {
            return false;
        }
        int next = c + 1 < 0 ? COLD_STREAK : c + 1;
        coldReads = next;
        return (next & (COLD_SAMPLE - 1)) != 0;
    }

    /** An attempt found nothing cached. */
    void coldRead() {
        int c = coldReads;
        if (c < COLD_STREAK) {
            coldReads = c + 1;
        }
    }

    /** An attempt found data in the cache; written only when it changes, so that hits share the line. */
    void warmRead() {
        if (coldReads != 0) {
            coldReads = 0;
        }
    }

    /**
     * Whether a vectored transfer of {@code buffers} is tried: at most {@link ThreadScratch#IOVEC_SLOTS}
     * buffers, each one {@link KernelMemory#usableInline} accepts.
     *
     * @param read    whether it is a read
     * @param buffers the caller's memory
     * @return whether {@link #vectored} should be called for them
     */
    public boolean tries(boolean read, List<MemorySegment> buffers) {
        if (!(read ? reads : writes) || buffers.size() > ThreadScratch.IOVEC_SLOTS) {
            return false;
        }
        for (MemorySegment b : buffers) {
            if (!KernelMemory.usableInline(b)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a single-buffer transfer of {@code length} bytes of a heap array is tried.
     *
     * @param read   whether it is a read
     * @param length the bytes to transfer
     * @return whether {@link #read(byte[], int, int, long)} or {@link #write(byte[], int, int, long)}
     *         should be called for it
     */
    public boolean triesHeap(boolean read, int length) {
        return (read ? reads : writes) && length <= StagingPool.CHUNK;
    }

    /**
     * Reads into {@code dst} from {@code position} with RWF_NOWAIT.
     *
     * @param dst      where the data goes
     * @param position the file position
     * @return as the class documentation says
     */
    public long read(MemorySegment dst, long position) {
        long length = dst.byteSize();
        if (KernelMemory.usableInline(dst)) {
            try (Stage stage = new Stage(0)) {
                return readLoop(stage.scratch, dst, length, position);
            }
        }
        try (Stage stage = new Stage(length)) {
            long r = readLoop(stage.scratch, stage.segment, length, position);
            long done = r < 0 ? 0 : r & ~PARTIAL;
            if (done > 0) {
                MemorySegment.copy(stage.segment, 0, dst, 0, done);
            }
            return r;
        }
    }

    /**
     * Reads into {@code length} bytes of a heap array from {@code offset}, as {@link #read(MemorySegment,
     * long)} does a heap segment, with no segment made for the array.
     *
     * @param dst      the array
     * @param offset   where in it the data goes
     * @param length   how many bytes to read, at most {@link StagingPool#CHUNK}
     * @param position the file position
     * @return as the class documentation says
     */
    public long read(byte[] dst, int offset, int length, long position) {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        try (Stage stage = new Stage(length)) {
            long r = readLoop(stage.scratch, stage.segment, length, position);
            long done = r < 0 ? 0 : r & ~PARTIAL;
            if (done > 0) {
                MemorySegment.copy(stage.segment, ValueLayout.JAVA_BYTE, 0, dst, offset, (int) done);
            }
            return r;
        }
    }

    private long readLoop(ThreadScratch scratch, MemorySegment mem, long length, long position) {
        long done = 0;
        while (done < length) {
            long r = LibC.preadNowait(scratch, fd, mem, done, length - done, position + done);
            if (r > 0) {
                done += r;
            } else if (r == 0) {
                break; // end of file
            } else if (r == NEG_EINTR) {
                continue;
            } else if (r == NEG_EAGAIN || r == NEG_EOPNOTSUPP) {
                if (r == NEG_EOPNOTSUPP) {
                    reads = false;
                } else if (done == 0) {
                    coldRead();
                } else {
                    warmRead();
                }
                return PARTIAL | done;
            } else if (done == 0) {
                return r;
            } else {
                break; // what was read is the result; the error shows on the next read, as for pread
            }
        }
        warmRead();
        return done;
    }

    /**
     * Writes {@code src} at {@code position} with RWF_NOWAIT.
     *
     * @param src      the data
     * @param position the file position
     * @return as the class documentation says
     */
    public long write(MemorySegment src, long position) {
        long length = src.byteSize();
        if (KernelMemory.usableInline(src)) {
            try (Stage stage = new Stage(0)) {
                return writeLoop(stage.scratch, src, length, position);
            }
        }
        try (Stage stage = new Stage(length)) {
            if (length > 0) {
                MemorySegment.copy(src, 0, stage.segment, 0, length);
            }
            return writeLoop(stage.scratch, stage.segment, length, position);
        }
    }

    /**
     * Writes {@code length} bytes of a heap array from {@code offset}, as {@link #write(MemorySegment,
     * long)} does a heap segment, with no segment made for the array.
     *
     * @param src      the array
     * @param offset   where in it the data starts
     * @param length   how many bytes to write, at most {@link StagingPool#CHUNK}
     * @param position the file position
     * @return as the class documentation says
     */
    public long write(byte[] src, int offset, int length, long position) {
        java.util.Objects.checkFromIndexSize(offset, length, src.length);
        try (Stage stage = new Stage(length)) {
            if (length > 0) {
                MemorySegment.copy(src, offset, stage.segment, ValueLayout.JAVA_BYTE, 0, length);
            }
            return writeLoop(stage.scratch, stage.segment, length, position);
        }
    }

    private long writeLoop(ThreadScratch scratch, MemorySegment mem, long length, long position) {
        long done = 0;
        while (done < length) {
            long r = LibC.pwriteNowait(scratch, fd, mem, done, length - done, position + done);
            if (r > 0) {
                done += r;
            } else if (r == NEG_EINTR) {
                continue;
            } else if (r == 0 || r == NEG_EAGAIN || r == NEG_EOPNOTSUPP) {
                if (r == NEG_EOPNOTSUPP) {
                    refuseWrites();
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

    /**
     * pread(2) on the calling thread, which it blocks until the kernel has the data: for a caller that
     * waits for the result anyway (a platform thread in a blocking channel), as the JDK's channel reads.
     * A buffer {@link KernelMemory#usableInline} accepts gets one pread, as it is; any other is read
     * through the calling thread's staging buffer, {@link ThreadScratch#STAGE_MAX} bytes at a time, until
     * a read comes back short.
     *
     * @param dst      where the data goes
     * @param position the file position
     * @return the bytes read (0 at end of file), or {@code -errno} when the first read failed
     */
    public long readBlocking(MemorySegment dst, long position) {
        long length = dst.byteSize();
        if (KernelMemory.usableInline(dst)) {
            try {
                long r;
                do {
                    r = LibC.pread(fd, dst, length, position);
                } while (r == NEG_EINTR);
                return r;
            } finally {
                Reference.reachabilityFence(dst);
            }
        }
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            long done = 0;
            while (done < length) {
                long k = Math.min(length - done, ThreadScratch.STAGE_MAX);
                MemorySegment stage = scratch.stage(k);
                long r = LibC.pread(fd, stage, k, position + done);
                if (r == NEG_EINTR) {
                    continue;
                }
                if (r < 0) {
                    return done > 0 ? done : r; // what was read is the result; the error shows next time
                }
                MemorySegment.copy(stage, 0, dst, done, r);
                done += r;
                if (r < k) {
                    break; // end of file
                }
            }
            return done;
        }
    }

    /**
     * pwrite(2) on the calling thread, as {@link #readBlocking} reads: one pwrite of a buffer the kernel
     * may use as it is, else {@link ThreadScratch#STAGE_MAX} bytes at a time through the thread's staging
     * buffer until one comes back short.
     *
     * @param src      the data
     * @param position the file position
     * @return the bytes written, or {@code -errno} when the first write failed
     */
    public long writeBlocking(MemorySegment src, long position) {
        long length = src.byteSize();
        if (KernelMemory.usableInline(src)) {
            try {
                long r;
                do {
                    r = LibC.pwrite(fd, src, length, position);
                } while (r == NEG_EINTR);
                return r;
            } finally {
                Reference.reachabilityFence(src);
            }
        }
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            long done = 0;
            while (done < length) {
                long k = Math.min(length - done, ThreadScratch.STAGE_MAX);
                MemorySegment stage = scratch.stage(k);
                MemorySegment.copy(src, done, stage, 0, k);
                long r = LibC.pwrite(fd, stage, k, position + done);
                if (r == NEG_EINTR) {
                    continue;
                }
                if (r < 0) {
                    return done > 0 ? done : r; // what was written is the result; the error shows next time
                }
                done += r;
                if (r < k) {
                    break; // a full file system or a file-size limit: the count says so
                }
            }
            return done;
        }
    }

    /**
     * A vectored transfer through the thread's iovec array, as {@link #read} and {@link #write} do a
     * single buffer; every buffer is one {@link #tries(boolean, List)} accepted.
     *
     * @param buffers  the caller's memory, in order
     * @param position the file position
     * @param read     whether it is a read
     * @return as the class documentation says
     */
    public long vectored(List<MemorySegment> buffers, long position, boolean read) {
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
                            reads = false;
                        } else {
                            refuseWrites();
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
            Reference.reachabilityFence(buffers);
        }
    }

    private void refuseWrites() {
        writes = false;
        writesRefused = true;
    }

    /**
     * What one transfer borrows for the length of the call: the calling thread's scratch (its own, or for
     * a virtual thread one from the pool), whose iovec and errno capture the call uses, and when the
     * buffer must be copied, native memory for the copy: the scratch's staging buffer up to
     * {@link ThreadScratch#STAGE_MAX}, else the file's staging memory.
     */
    private final class Stage implements AutoCloseable {
        final ThreadScratch scratch;
        final MemorySegment segment;
        private final StagingPool.Buffer big;

        /** For a copy of {@code length} bytes; 0 when the buffer goes to the kernel as it is. */
        Stage(long length) {
            scratch = ThreadScratch.acquire();
            if (length == 0) {
                big = null;
                segment = null;
            } else if (length <= ThreadScratch.STAGE_MAX) {
                big = null;
                segment = scratch.stage(length);
            } else {
                try {
                    big = staging.acquire(length);
                } catch (Throwable e) {
                    scratch.close();
                    throw e;
                }
                segment = big.segment();
            }
        }

        @Override
        public void close() {
            if (big != null) {
                big.release();
            }
            scratch.close();
        }
    }
}
