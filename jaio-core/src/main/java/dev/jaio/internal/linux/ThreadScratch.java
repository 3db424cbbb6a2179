package dev.jaio.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small native segments for one call at a time: the errno capture, a {@code struct timespec}, an
 * out-parameter word, an array of iocb pointers and an array of {@code struct iovec}, in one allocation;
 * and, for a platform thread, a staging buffer for the inline transfers of heap memory.
 *
 * <p>Taken with {@link #acquire()} and given back with {@link #close()} (try-with-resources), so that no
 * two calls share one at once. A platform thread keeps one of its own for its lifetime, reused by every
 * call it makes (nested calls use different fields). Virtual threads, of which a program may start
 * millions, each doing a call or two, borrow one from a small shared pool for the length of the call
 * instead: the native memory follows the number of calls in progress, never the number of threads, and
 * nothing waits for the garbage collector to find a thread gone. A virtual thread may move to another
 * carrier between two calls; what it borrowed goes with it, so that does not matter.
 */
public final class ThreadScratch implements AutoCloseable {
    /** How many iocb pointers {@link #pointers} holds. */
    public static final int POINTER_SLOTS = 64;

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(POINTER_SLOTS, ValueLayout.ADDRESS).withName("pointers"),
            Timespec.LAYOUT.withName("timespec"),
            ValueLayout.JAVA_LONG.withName("word"),
            MemoryLayout.sequenceLayout(2L * ThreadScratch.IOVEC_SLOTS, ValueLayout.JAVA_LONG).withName("iovec"),
            Native.CAPTURE_LAYOUT.withName("errno"));
    /** Idle blocks the virtual-thread pool keeps; more (a burst of parked holders) go to the collector. */
    private static final int POOL_IDLE_MAX = 256;

    private static final ThreadLocal<ThreadScratch> PLATFORM = ThreadLocal.withInitial(() -> new ThreadScratch(false));
    private static final ConcurrentLinkedQueue<ThreadScratch> POOL = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger POOL_IDLE = new AtomicInteger();
    private static final AtomicInteger POOL_CREATED = new AtomicInteger();

    /** The errno capture of {@link java.lang.foreign.Linker.Option#captureCallState}. */
    public final MemorySegment errno;
    /** A {@code struct timespec}. */
    public final MemorySegment timespec;
    /** One 64-bit word, for an out-parameter. */
    public final MemorySegment word;
    /** {@link #POINTER_SLOTS} pointers. */
    public final MemorySegment pointers;
    /** How many {@code struct iovec}s {@link #iovec} holds. */
    public static final int IOVEC_SLOTS = 64;
    /** {@link #IOVEC_SLOTS} {@code struct iovec}s (base, length), for preadv2 and pwritev2. */
    public final MemorySegment iovec;
    /** The largest {@link #stage(long)} hands out. */
    public static final long STAGE_MAX = 64 << 10;
    private MemorySegment stage;
    private final boolean pooled;

    private ThreadScratch(boolean pooled) {
        MemorySegment all = Arena.ofAuto().allocate(LAYOUT);
        this.pointers = all.asSlice(LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("pointers")),
                (long) POINTER_SLOTS * ValueLayout.ADDRESS.byteSize());
        this.timespec = all.asSlice(LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("timespec")),
                Timespec.LAYOUT.byteSize());
        this.word = all.asSlice(LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("word")), 8);
        this.errno = all.asSlice(LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno")),
                Native.CAPTURE_LAYOUT.byteSize());
        this.iovec = all.asSlice(LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("iovec")),
                16L * IOVEC_SLOTS);
        this.pooled = pooled;
    }

    /**
     * Staging memory of this scratch, at least {@code size} bytes (at most {@link #STAGE_MAX}), allocated on
     * first use and grown in powers of two; only the garbage collector frees it. Meant for a platform
     * thread's own scratch: a downcall made with it returns before the thread can use it again.
     *
     * @param size the bytes needed
     * @return a segment of at least {@code size} bytes, aligned to 4096
     * @throws IllegalArgumentException if {@code size} exceeds {@link #STAGE_MAX}
     */
    public MemorySegment stage(long size) {
        if (size > STAGE_MAX) {
            throw new IllegalArgumentException("staging request too large: size=" + size + " max=" + STAGE_MAX);
        }
        if (stage == null || stage.byteSize() < size) {
            long n = Math.max(4096, Long.highestOneBit(Math.max(1, size - 1)) << 1);
            stage = Arena.ofAuto().allocate(Math.min(n, STAGE_MAX), 4096);
        }
        return stage;
    }

    /**
     * Scratch for the calling thread's next call, to be {@linkplain #close() given back} when the call is
     * done: the platform thread's own, or for a virtual thread one from the pool.
     */
    public static ThreadScratch acquire() {
        if (!Thread.currentThread().isVirtual()) {
            return PLATFORM.get();
        }
        ThreadScratch s = POOL.poll();
        if (s != null) {
            POOL_IDLE.decrementAndGet();
            return s;
        }
        POOL_CREATED.incrementAndGet();
        return new ThreadScratch(true);
    }

    /** How many blocks the virtual-thread pool has created so far, for tests. */
    public static int pooledCreated() {
        return POOL_CREATED.get();
    }

    /** Gives pooled scratch back; a platform thread's own stays with it. */
    @Override
    public void close() {
        if (pooled && POOL_IDLE.incrementAndGet() <= POOL_IDLE_MAX) {
            POOL.offer(this);
        } else if (pooled) {
            POOL_IDLE.decrementAndGet();
        }
    }
}
