package dev.jaio.internal.engine.pool;

import dev.jaio.Errno;
import dev.jaio.aio.Iocb;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.linux.LibC;
import java.lang.foreign.MemorySegment;

/**
 * A request done with one blocking syscall on the calling thread: pread(2), pwrite(2), preadv2(2),
 * pwritev2(2), fsync(2) or fdatasync(2), retried on {@code EINTR}. The thread-pool engine runs every
 * request this way, and the event loops run so what the kernel said would block (through
 * {@link IoRequest#runBlocking()}, which jaio's requests implement with {@link #run}).
 */
public final class BlockingIo {
    private static final long NEG_EINTR = -Errno.EINTR.number();

    private BlockingIo() {
    }

    /**
     * Runs {@code r} on this thread. A single-buffer read or write goes on from {@link IoRequest#done},
     * the bytes a first non-blocking attempt already moved, and returns the total; an error after such a
     * start returns what was done, and shows on the next request, as after a short pread. Vectored requests
     * are run without {@code RWF_NOWAIT}.
     *
     * <p>The buffer is used by address, as the kernel sees it through an iocb: it must be jaio's staging
     * memory or memory only the garbage collector frees, kept reachable by {@code r} (a confined segment
     * would be refused by a downcall on another thread).
     *
     * @param r the request
     * @return the bytes transferred (0 for a force), or {@code -errno}
     */
    public static long run(IoRequest r) {
        long done = r.done;
        long length = r.length;
        boolean single = r.op.singleBuffer();
        MemorySegment mem = single
                ? MemorySegment.ofAddress(r.buffer.address() + done).reinterpret(length - done) : r.buffer;
        int flags = r.rwFlags & ~Iocb.RWF_NOWAIT;
        long res;
        do {
            res = switch (r.op) {
                case READ -> LibC.pread(r.fd, mem, length - done, r.position + done);
                case WRITE -> LibC.pwrite(r.fd, mem, length - done, r.position + done);
                case READV -> LibC.preadv2(r.fd, r.buffer, (int) length, r.position, flags);
                case WRITEV -> LibC.pwritev2(r.fd, r.buffer, (int) length, r.position, flags);
                case FSYNC -> LibC.fsync(r.fd);
                case FDSYNC -> LibC.fdatasync(r.fd);
                case FALLOCATE -> LibC.fallocate(r.fd, r.rwFlags, r.position, r.length);
            };
        } while (res == NEG_EINTR);
        if (done > 0) {
            return res < 0 ? done : done + res;
        }
        return res;
    }
}
