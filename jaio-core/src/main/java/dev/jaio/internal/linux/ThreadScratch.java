package dev.jaio.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Small native segments for one call at a time: the errno capture, a {@code struct timespec}, an
 * out-parameter word, an array of iocb pointers and an array of {@code struct iovec}, in one allocation;
 * and, for a platform thread, a staging buffer for the inline transfers of heap memory.
 *
 * <p>Taken with {@link #acquire()} and given back with {@link #close()} (try-with-resources), so that no
 * two calls share one at once. A platform thread keeps one of its own for its lifetime, reused by every
 * call it makes (nested calls use different fields). Virtual threads, of which a program may start
 * millions, each doing a call or two, borrow one for the length of the call from a small shared pool
 * instead: the native memory follows the number of calls in progress, never the number of threads, and
 * nothing waits for the garbage collector to find a thread gone. A virtual thread may move to another
 * carrier between two calls; what it borrowed goes with it, so that does not matter.
 *
 * <p>The pool is a few slots, each on a cache line of its own, and a virtual thread starts at the slot its
 * thread id picks and goes on round the others: borrowing is usually one read and one compare-and-set on
 * a line that callers on other carriers rarely touch, where a shared queue made every call contend for
 * its head and tail. A borrow that finds every slot empty makes a block; a return that finds every slot
 * full leaves its block to the garbage collector, so the pool holds at most {@link #poolSlots()} idle
 * blocks and makes new ones only when more calls than that are in progress at once.
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
    /** Slots of the virtual-thread pool: a power of two, twice the processors, at least 8. */
    private static final int POOL_SLOTS = Math.max(8,
            Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 2 - 1)) << 1);
    /** Array entries per slot, so that each slot has a 128-byte line pair to itself. */
    private static final int SLOT_SPREAD = 32;

    private static final ThreadLocal<ThreadScratch> PLATFORM = ThreadLocal.withInitial(() -> new ThreadScratch(false));
    private static final AtomicReferenceArray<ThreadScratch> POOL =
            new AtomicReferenceArray<>(POOL_SLOTS * SLOT_SPREAD);
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
     * first use and grown in powers of two; only the garbage collector frees it. It is used only while
     * this scratch is held (a platform thread's own, or one borrowed for the call), so a downcall made with
     * it returns before anyone else can use it.
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
        Thread t = Thread.currentThread();
        if (!t.isVirtual()) {
            return PLATFORM.get();
        }
        int home = slotOf(t);
        for (int k = 0; k < POOL_SLOTS; k++) {
            int i = ((home + k) & (POOL_SLOTS - 1)) * SLOT_SPREAD;
            ThreadScratch s = POOL.get(i);
            if (s != null && POOL.compareAndSet(i, s, null)) {
                return s;
            }
        }
        POOL_CREATED.incrementAndGet();
        return new ThreadScratch(true);
    }

    /** The pool slot a virtual thread starts from: its id, mixed so that consecutive ids spread. */
    private static int slotOf(Thread t) {
        long h = t.threadId() * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40);
    }

    /** How many blocks the virtual-thread pool has created so far, for tests. */
    public static int pooledCreated() {
        return POOL_CREATED.get();
    }

    /** How many idle blocks the virtual-thread pool keeps at most. */
    public static int poolSlots() {
        return POOL_SLOTS;
    }

    /** Gives pooled scratch back; a platform thread's own stays with it. */
    @Override
    public void close() {
        if (!pooled) {
            return;
        }
        int home = slotOf(Thread.currentThread());
        for (int k = 0; k < POOL_SLOTS; k++) {
            int i = ((home + k) & (POOL_SLOTS - 1)) * SLOT_SPREAD;
            if (POOL.get(i) == null && POOL.compareAndSet(i, null, this)) {
                return;
            }
        }
        // Every slot holds a block: this one goes to the garbage collector.
    }
}
