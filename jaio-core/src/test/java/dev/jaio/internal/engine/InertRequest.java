package dev.jaio.internal.engine;

import java.lang.foreign.MemorySegment;

/**
 * A request that only carries its fields, for tests of what a backend makes of one (an iocb, an SQE, a
 * blocking call): completing or aborting it does nothing, and it runs no blocking call of its own.
 */
public class InertRequest extends IoRequest {
    /**
     * @param op       the operation
     * @param fd       the descriptor
     * @param position the file position
     * @param buffer   the memory, or an iovec array for a vectored op
     * @param length   the bytes, or the iovec count for a vectored op
     * @param rwFlags  the RWF_* flags
     */
    public InertRequest(IoOp op, int fd, long position, MemorySegment buffer, long length, int rwFlags) {
        super(op, fd, position, buffer, length, rwFlags);
    }

    /** The request the backend fill tests use: fd 7 at 8192, 512 bytes (3 iovecs when vectored), NOWAIT. */
    public static InertRequest filled(IoOp op, MemorySegment buffer) {
        return new InertRequest(op, 7, 8192, buffer, op.vectored() ? 3 : 512, dev.jaio.aio.Iocb.RWF_NOWAIT);
    }

    @Override
    protected void complete(long result) {
    }

    @Override
    protected void abort(Throwable cause) {
    }

    @Override
    protected long runBlocking() {
        return 0;
    }
}
