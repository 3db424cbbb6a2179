package dev.jaio.internal.buffer;

import dev.jaio.internal.linux.LibC;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The aligned native memory jaio stages heap buffers (and buffers it may not hand to the kernel) through:
 * malloc memory in power-of-two size classes from the alignment up to {@link #CHUNK}, given back by the
 * request that used it the moment that request completes, and freed at once beyond a few idle ones per
 * class. Nothing waits for the garbage collector, so the memory in use follows the requests in flight.
 *
 * <p>Only jaio's own requests hold this memory, and they hold it from issue until their completion has
 * been handled (the kernel is done with it by then), so an explicit free can never pull memory from under
 * the kernel or a caller. Like the JDK's temporary direct buffers it is not counted against
 * {@code -XX:MaxDirectMemorySize}.
 */
public final class StagingPool {
    /** The largest staging buffer: a transfer of more is staged in chunks of this size, one after another. */
    public static final int CHUNK = 1 << 20;
    /** Idle bytes each size class keeps (at least {@link #MIN_IDLE} buffers); the rest is freed. */
    private static final long IDLE_BYTES_PER_CLASS = 4L << 20;
    private static final int MIN_IDLE = 4;

    private static final ConcurrentHashMap<Integer, StagingPool> POOLS = new ConcurrentHashMap<>();

    private final int alignment;
    private final SizeClasses classes;
    private final AtomicLong allocated = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    private StagingPool(int alignment) {
        this.alignment = alignment;
        int minShift = Integer.numberOfTrailingZeros(alignment);
        this.classes = new SizeClasses(alignment, Math.max(1, Integer.numberOfTrailingZeros(CHUNK) - minShift + 1),
                c -> (int) Math.max(MIN_IDLE, IDLE_BYTES_PER_CLASS >>> (c + minShift)));
    }

    /** The pool for buffers aligned to {@code alignment} (a power of two, at least 4096 is used). */
    public static StagingPool forAlignment(int alignment) {
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: alignment=" + alignment);
        }
        return POOLS.computeIfAbsent(Math.max(4096, alignment), StagingPool::new);
    }

    /** The alignment of every buffer. */
    public int alignment() {
        return alignment;
    }

    /** Bytes of native memory this pool holds now, in use or idle. */
    public long allocatedBytes() {
        return allocated.get();
    }

    /** The most native memory this pool has held at once. */
    public long peakAllocatedBytes() {
        return peak.get();
    }

    /**
     * A buffer of at least {@code size} bytes, at most {@link #CHUNK} (or the alignment, if larger), whose
     * {@link Buffer#segment()} is sliced to {@code size}.
     *
     * @throws IllegalArgumentException if {@code size} is negative or above the largest class
     * @throws OutOfMemoryError         if malloc has no memory
     */
    public Buffer acquire(long size) {
        int cls = sizeClass(size);
        MemorySegment whole = classes.poll(cls);
        if (whole == null) {
            long bytes = classes.bytes(cls);
            MemorySegment p = LibC.alignedAlloc(alignment, bytes);
            if (p.equals(MemorySegment.NULL)) {
                throw new OutOfMemoryError("aligned_alloc failed for a staging buffer: size=" + bytes
                        + " alignment=" + alignment);
            }
            whole = p.reinterpret(bytes);
            peak.accumulateAndGet(allocated.addAndGet(bytes), Math::max);
        }
        return new Buffer(whole, size, cls);
    }

    private int sizeClass(long size) {
        if (size < 0 || size > Math.max(CHUNK, alignment)) {
            throw new IllegalArgumentException("staging size out of range: size=" + size + " max="
                    + Math.max(CHUNK, alignment));
        }
        return classes.classOf(size);
    }

    private void giveBack(Buffer b) {
        if (classes.offer(b.sizeClass, b.whole)) {
            return;
        }
        allocated.addAndGet(-b.whole.byteSize());
        LibC.free(b.whole);
    }

    /**
     * A staging buffer, owned by one request. {@link #release()} gives it back once nothing (neither the
     * kernel nor a copy) uses it any more; it must not be touched after that.
     */
    public final class Buffer {
        /** The whole size-class buffer; {@link #segment} is its first bytes. */
        private final MemorySegment whole;
        private final MemorySegment segment;
        private final int sizeClass;
        private boolean released;

        private Buffer(MemorySegment whole, long size, int sizeClass) {
            this.whole = whole;
            this.segment = whole.asSlice(0, size);
            this.sizeClass = sizeClass;
        }

        /** The memory, of the size asked for. */
        public MemorySegment segment() {
            return segment;
        }

        /** Returns the memory to the pool, or frees it; a second call does nothing. Not thread-safe. */
        public void release() {
            if (!released) {
                released = true;
                giveBack(this);
            }
        }
    }
}
