package dev.jaio;

import dev.jaio.internal.buffer.StagedTransfer;
import dev.jaio.internal.buffer.StagingPool;
import dev.jaio.internal.engine.IoOp;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.engine.pool.BlockingIo;
import dev.jaio.internal.jfr.FileIoEvent;
import dev.jaio.internal.jfr.JaioJfr;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The request state of an {@link AsyncFile}: the engine requests it makes, each finishing its future, its
 * JFR event and the file's in-use count exactly once. A {@link Request} is on the caller's memory (or a
 * force); a {@link Staged} transfer goes through jaio's staging memory in {@link ChunkRequest}s.
 */
final class FileRequests {
    /** Boxes of the byte counts that are whole 512-byte sectors up to 1 MiB, made on first use. */
    private static final Integer[] SECTOR_COUNTS = new Integer[(1 << 20) / 512 + 1];

    private FileRequests() {
    }

    /**
     * {@code n} boxed, without a new {@code Integer} per request for the usual sizes (a 4 KiB read's 4096 is
     * outside {@code Integer.valueOf}'s cache). Two threads may box the same count at once; either box
     * will do, and the value a box holds is final.
     */
    static Integer boxed(int n) {
        if (n < 0 || n > 1 << 20 || (n & 511) != 0) {
            return n;
        }
        Integer b = SECTOR_COUNTS[n >>> 9];
        if (b == null) {
            b = n;
            SECTOR_COUNTS[n >>> 9] = b;
        }
        return b;
    }

    /** What the request classes share: the file's descriptor, close and NOWAIT handling, the blocking run. */
    abstract static class Base extends IoRequest {
        final AsyncFile owner;

        Base(AsyncFile owner, IoOp op, long position, MemorySegment buffer, long length, int rwFlags) {
            super(op, owner.nativeFile().fd(), position, buffer, length, rwFlags);
            this.owner = owner;
        }

        /** The engine threw from submit: fail the request once without returning memory it may hold. */
        abstract void failSubmission(Throwable t);

        @Override
        public boolean cancelledByClose() {
            return owner.closing();
        }

        @Override
        public void nowaitUnsupported() {
            owner.nowaitUnsupported(op.reads());
        }

        @Override
        protected long runBlocking() {
            return BlockingIo.run(this);
        }
    }

    /** A request on the caller's own memory (or a force): finishes its future and the file's in-use count. */
    static class Request extends Base {
        private static final VarHandle FINISHED;

        static {
            try {
                FINISHED = MethodHandles.lookup().findVarHandle(Request.class, "finished", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("rawtypes")
        final CompletableFuture future;
        /** Set once, by whichever of complete, abort and failSubmission comes first. */
        @SuppressWarnings("unused") // through FINISHED
        private volatile boolean finished;
        ByteBuffer byteBuffer;
        /** The iovec array of a vectored request, jaio's memory. */
        StagingPool.Buffer iovecs;
        /** Bytes an inline attempt already transferred before this request took over the rest. */
        long prefix;
        /** Keeps the caller's memory reachable until the kernel is done with it. */
        Object userBuffer;
        /** The JFR event begun at issue, or null when no recording asks for it. */
        final FileIoEvent jfr;

        Request(AsyncFile owner, IoOp op, long position, MemorySegment buffer, long length, int rwFlags,
                CompletableFuture<?> future) {
            super(owner, op, position, buffer, length, rwFlags);
            this.future = future;
            this.jfr = JaioJfr.begin(op);
        }

        Object value(long n) {
            return boxed((int) n);
        }

        /** Whether this call is the one that finishes the request. */
        private boolean finishing() {
            return FINISHED.compareAndSet(this, false, true);
        }

        @Override
        @SuppressWarnings("unchecked")
        protected void complete(long result) {
            if (!finishing()) {
                return;
            }
            try {
                if (result < 0 && prefix > 0) {
                    result = 0; // what the inline attempt did is the result; the error shows on the next request
                }
                if (result < 0) {
                    JaioJfr.end(jfr, owner.path(), position, 0, Errno.nameOf((int) -result), owner.engine().kind());
                    future.completeExceptionally(new AioException(opName(), (int) -result, null, owner.path(),
                            position));
                    return;
                }
                long n = result + prefix;
                if (byteBuffer != null) {
                    byteBuffer.position(byteBuffer.position() + (int) n);
                }
                JaioJfr.end(jfr, owner.path(), position - prefix, n, null, owner.engine().kind());
                future.complete(value(n));
            } catch (Throwable t) {
                future.completeExceptionally(t);
            } finally {
                release();
            }
        }

        @Override
        protected void abort(Throwable cause) {
            if (!finishing()) {
                return;
            }
            try {
                future.completeExceptionally(cause);
            } finally {
                release();
            }
        }

        /** Gives back the iovec array, lets go of the caller's memory and ends the file's use. */
        private void release() {
            if (iovecs != null) {
                iovecs.release();
            }
            userBuffer = null;
            owner.requestDone();
        }

        @Override
        void failSubmission(Throwable t) {
            if (finishing()) {
                future.completeExceptionally(t);
                owner.requestDone();
            }
        }
    }

    /**
     * A {@link StagedTransfer} of this file: its chunks are requests of this file, and it ends by completing
     * the caller's future, its JFR event and the file's in-use count.
     */
    static final class Staged extends StagedTransfer {
        private final AsyncFile owner;
        private final ByteBuffer byteBuffer;
        private final long position;
        @SuppressWarnings("rawtypes")
        private final CompletableFuture future;
        private final boolean longResult;
        /** The JFR event begun at issue, or null when no recording asks for it. */
        private final FileIoEvent jfr;

        Staged(AsyncFile owner, boolean read, List<MemorySegment> parts, ByteBuffer byteBuffer, long position,
               long total, CompletableFuture<?> future, boolean longResult) {
            super(owner.staging(), read, parts, position, total, owner.readRounding());
            this.owner = owner;
            this.byteBuffer = byteBuffer;
            this.position = position;
            this.future = future;
            this.longResult = longResult;
            this.jfr = JaioJfr.begin(read ? IoOp.READ : IoOp.WRITE);
        }

        @Override
        protected void submit(Chunk chunk) {
            owner.submit(new ChunkRequest(owner, chunk));
        }

        @Override
        protected Throwable errnoFailure(String call, int errno) {
            return new AioException(call, errno, null, owner.path(), position);
        }

        @Override
        @SuppressWarnings("unchecked")
        protected void finished(long n, Throwable failure) {
            try {
                if (failure != null) {
                    JaioJfr.end(jfr, owner.path(), position, 0, failure instanceof AioException a
                            ? Errno.nameOf(a.errno()) : failure.getClass().getSimpleName(), owner.engine().kind());
                    future.completeExceptionally(failure);
                } else {
                    JaioJfr.end(jfr, owner.path(), position - prefix(), n, null, owner.engine().kind());
                    if (byteBuffer != null) {
                        byteBuffer.position(byteBuffer.position() + (int) n);
                    }
                    future.complete(longResult ? (Object) n : boxed((int) n));
                }
            } catch (Throwable t) {
                future.completeExceptionally(t);
            } finally {
                owner.requestDone();
            }
        }
    }

    /** The request of one chunk of a {@link Staged} transfer, on staging memory. */
    static final class ChunkRequest extends Base {
        private final StagedTransfer.Chunk chunk;

        ChunkRequest(AsyncFile owner, StagedTransfer.Chunk chunk) {
            super(owner, chunk.isRead() ? IoOp.READ : IoOp.WRITE, chunk.position(), chunk.memory(), chunk.length(),
                    owner.rwFlags(chunk.isRead()));
            this.chunk = chunk;
            this.blockingOnly = chunk.blockingOnly();
        }

        @Override
        protected void complete(long result) {
            chunk.done(result);
        }

        @Override
        protected void abort(Throwable cause) {
            chunk.aborted(cause);
        }

        @Override
        void failSubmission(Throwable t) {
            chunk.notSubmitted(t);
        }
    }
}
