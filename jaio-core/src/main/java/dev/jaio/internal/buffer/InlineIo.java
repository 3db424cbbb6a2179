package dev.jaio.internal.buffer;

import dev.jaio.Errno;
import dev.jaio.aio.IoVec;
import dev.jaio.internal.linux.LibC;
import dev.jaio.internal.linux.ThreadScratch;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.List;

/**
 * One buffered file's transfers on the calling thread, with {@code preadv2}/{@code pwritev2} and
 * {@code RWF_NOWAIT}: what the kernel can do without waiting for the disk is done inside the call, and the
 * answer says how much, so that only the rest goes to an engine. It remembers, for the file, when the file
 * system does not do {@code RWF_NOWAIT} ({@code EOPNOTSUPP}) for reads or for writes.
 *
 * <p>Memory it touches, only during the call: a buffer {@link KernelMemory#usableInline} accepts goes to
 * the kernel as it is; any other is copied through native memory held only for the call, the calling
 * platform thread's staging buffer (up to {@link ThreadScratch#STAGE_MAX}) or else the file's
 * {@link StagingPool}. The caller keeps the descriptor open during the call.
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

    private final int fd;
    private final StagingPool staging;
    /** Whether reads, and writes, are still tried on the caller's thread; cleared on EOPNOTSUPP. */
    private volatile boolean reads;
    private volatile boolean writes;
    /** Whether the file system answered a RWF_NOWAIT write with EOPNOTSUPP. */
    private volatile boolean writesRefused;

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
     * Reads into {@code dst} from {@code position} with RWF_NOWAIT.
     *
     * @param dst      where the data goes
     * @param position the file position
     * @return as the class documentation says
     */
    public long read(MemorySegment dst, long position) {
        long length = dst.byteSize();
        boolean asIs = KernelMemory.usableInline(dst);
        try (Stage stage = asIs ? null : new Stage(length)) {
            MemorySegment mem = asIs ? dst : stage.segment;
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
                        reads = false;
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
     * Writes {@code src} at {@code position} with RWF_NOWAIT.
     *
     * @param src      the data
     * @param position the file position
     * @return as the class documentation says
     */
    public long write(MemorySegment src, long position) {
        long length = src.byteSize();
        boolean asIs = KernelMemory.usableInline(src);
        try (Stage stage = asIs ? null : new Stage(length)) {
            MemorySegment mem = asIs ? src : stage.segment;
            if (!asIs) {
                MemorySegment.copy(src, 0, mem, 0, length);
            }
            long done = 0;
            while (done < length) {
                long r = LibC.pwriteNowait(fd, mem, done, length - done, position + done);
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
     * Native memory for one transfer of a buffer the kernel may not use as it is, held only during the
     * call: the calling platform thread's staging buffer, else the file's staging memory.
     */
    private final class Stage implements AutoCloseable {
        final MemorySegment segment;
        private final ThreadScratch scratch;
        private final StagingPool.Buffer big;

        Stage(long length) {
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
}
