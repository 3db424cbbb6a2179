package dev.jaio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import dev.jaio.internal.buffer.SizeClasses;
import dev.jaio.internal.linux.Mman;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-safe pool of aligned native buffers for O_DIRECT, so that the I/O path allocates nothing.
 *
 * <p>Buffers come in size classes, powers of two from the alignment up to {@code maxPooledSize};
 * {@link #acquire(long)} hands out a buffer of the smallest class that fits, whose {@link Buffer#segment()}
 * is sliced to the size asked for. Larger requests get a buffer of their own, freed by the garbage
 * collector once released and unreachable. Each class keeps at most {@code maxPerClass} idle buffers.
 *
 * <p>Memory is freed only when it cannot be in use: every buffer is memory of an automatic arena, which
 * the garbage collector frees once nothing references it. A buffer the kernel is still writing into is
 * referenced by its request, so it stays allocated even if its owner released it or closed the pool;
 * {@link AsyncFile} therefore hands pool buffers to the kernel as they are, without staging.
 *
 * <p>The pool of an io_uring {@link AioEngine} also has a slab: one region, registered with each of the
 * engine's rings, from which buffers of the pooled sizes are cut first, so that requests on them go to the
 * kernel as {@code IORING_OP_READ_FIXED} and {@code WRITE_FIXED}. Buffers of the slab are never dropped
 * (they go back to their class whatever {@code maxPerClass} says); once it is used up, buffers come from
 * their own memory as in any pool.
 *
 * <p>Buffers of 256 KiB and more, and a slab of 2 MiB or more, are on transparent huge pages where the
 * kernel offers them ({@code /sys/kernel/mm/transparent_hugepage/enabled} {@code always} or
 * {@code madvise}): a 1 MiB buffer is then one physically contiguous piece, which an {@code O_DIRECT}
 * request pins with one page reference and the block layer sends as one segment (with 4 KiB pages a
 * 1 MiB request has 256 segments, more than many devices take in one request, and is split). Their memory
 * is freed as any of the pool's, by the garbage collector.
 */
public final class AlignedBufferPool implements AutoCloseable {
    /** Class buffers of at least this size come from transparent huge pages; see {@link Mman#hugePages}. */
    static final long HUGE_MIN = 256 << 10;
    private final int alignment;
    private final long maxPooledSize;
    private final int maxPerClass;
    private final SizeClasses classes;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong allocatedBytes = new AtomicLong();
    /** The slab buffers are cut from first, or null; see {@link #reserveSlab(long)}. */
    private volatile MemorySegment slab;
    private final AtomicLong slabUsed = new AtomicLong();
    private final List<Runnable> closeHooks = new CopyOnWriteArrayList<>();
    /** Guards {@link #hugeChunk} and {@link #hugeChunkUsed}. */
    private final Object hugeLock = new Object();
    /** The 2 MiB of huge-page memory large class buffers are cut from, and how much of it is cut. */
    private MemorySegment hugeChunk;
    private long hugeChunkUsed;

    /** A pool of 4096-aligned buffers up to 1 MiB, 64 idle per size. */
    public AlignedBufferPool() {
        this(4096, 1 << 20, 64);
    }

    /**
     * A pool of buffers aligned to {@code alignment}, pooling sizes up to {@code maxPooledSize}.
     *
     * @param alignment     the address alignment of every buffer, a power of two (the file's
     *                      {@link DirectIoAlignment#strictest()})
     * @param maxPooledSize the largest size that is pooled
     * @param maxPerClass   how many idle buffers each size class keeps
     */
    public AlignedBufferPool(int alignment, long maxPooledSize, int maxPerClass) {
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: alignment=" + alignment);
        }
        if (maxPooledSize < alignment) {
            throw new IllegalArgumentException("maxPooledSize must be at least the alignment: maxPooledSize="
                    + maxPooledSize + " alignment=" + alignment);
        }
        if (maxPerClass < 0) {
            throw new IllegalArgumentException("maxPerClass must not be negative: maxPerClass=" + maxPerClass);
        }
        this.alignment = alignment;
        int maxShift = 64 - Long.numberOfLeadingZeros(maxPooledSize - 1);
        this.maxPooledSize = 1L << maxShift;
        this.maxPerClass = maxPerClass;
        this.classes = new SizeClasses(alignment, maxShift - Integer.numberOfTrailingZeros(alignment) + 1,
                c -> maxPerClass);
    }

    /**
     * The address alignment of every buffer.
     *
     * @return the address alignment of every buffer
     */
    public int alignment() {
        return alignment;
    }

    /**
     * Bytes of native memory the pool itself has allocated (buffers beyond the largest class excluded).
     *
     * @return bytes of native memory the pool itself has allocated (buffers beyond the largest class excluded)
     */
    public long allocatedBytes() {
        return allocatedBytes.get();
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return whether {@link #close()} has been called
     */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Buffers handed out and not yet released.
     *
     * @return buffers handed out and not yet released
     */
    public int outstanding() {
        return outstanding.get();
    }

    /**
     * A buffer of exactly {@code size} bytes (its segment), aligned to {@link #alignment()}; its contents
     * are whatever the last user left.
     *
     * @param size the size in bytes
     * @return the buffer; {@link Buffer#close()} returns it
     * @throws IllegalStateException if the pool is closed
     */
    public Buffer acquire(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: size=" + size);
        }
        if (closed.get()) {
            throw new IllegalStateException("buffer pool is closed");
        }
        outstanding.incrementAndGet();
        if (closed.get()) {
            releaseOutstanding();
            throw new IllegalStateException("buffer pool is closed");
        }
        if (size > maxPooledSize) {
            MemorySegment own = Arena.ofAuto().allocate(size, alignment);
            return new Buffer(this, own, own, -1);
        }
        int cls = classes.classOf(size);
        MemorySegment whole = classes.poll(cls);
        if (whole == null) {
            long classSize = classes.bytes(cls);
            whole = carve(classSize);
            if (whole == null && classSize >= HUGE_MIN && alignment <= Mman.HUGE_PAGE) {
                whole = hugePiece(classSize);
            }
            if (whole == null) {
                whole = Arena.ofAuto().allocate(classSize, alignment);
                allocatedBytes.addAndGet(classSize);
            }
        }
        return new Buffer(this, whole, whole.asSlice(0, size), cls);
    }

    /**
     * A class buffer of {@code classSize} bytes on transparent huge pages ({@link Mman#hugePages}): a piece of
     * the current 2 MiB chunk, or for a class beyond 2 MiB memory of its own; null when mmap refused.
     */
    private MemorySegment hugePiece(long classSize) {
        if (classSize > Mman.HUGE_PAGE) {
            MemorySegment own = Mman.hugePages(classSize); // classes are powers of two: a multiple of 2 MiB
            if (own != null) {
                allocatedBytes.addAndGet(classSize);
            }
            return own;
        }
        synchronized (hugeLock) {
            if (hugeChunk == null || hugeChunkUsed + classSize > hugeChunk.byteSize()) {
                hugeChunk = Mman.hugePages(Mman.HUGE_PAGE);
                hugeChunkUsed = 0;
                if (hugeChunk == null) {
                    return null;
                }
                allocatedBytes.addAndGet(Mman.HUGE_PAGE);
            }
            // Every piece is a power of two of at least the alignment, so each offset stays aligned.
            MemorySegment piece = hugeChunk.asSlice(hugeChunkUsed, classSize);
            hugeChunkUsed += classSize;
            return piece;
        }
    }

    /** A piece of the slab of {@code classSize} bytes, or null when there is no slab or no room left in it. */
    private MemorySegment carve(long classSize) {
        MemorySegment s = slab;
        if (s == null) {
            return null;
        }
        while (true) {
            long used = slabUsed.get();
            // Every piece is a power of two of at least the alignment, so each offset stays aligned.
            if (used + classSize > s.byteSize()) {
                return null;
            }
            if (slabUsed.compareAndSet(used, used + classSize)) {
                return s.asSlice(used, classSize);
            }
        }
    }

    private boolean inSlab(MemorySegment whole) {
        MemorySegment s = slab;
        return s != null && whole.address() >= s.address() && whole.address() < s.address() + s.byteSize();
    }

    /**
     * Gives the pool a slab of {@code bytes} (rounded up to the alignment) to cut buffers from first, and
     * returns it; a second call returns the first slab. The slab is memory of an automatic arena: the
     * garbage collector frees it once neither the pool, nor a buffer, nor whoever registered it (an io_uring
     * engine) references it.
     */
    MemorySegment reserveSlab(long bytes) {
        synchronized (closeHooks) {
            if (slab == null) {
                long size = (bytes + alignment - 1) / alignment * alignment;
                MemorySegment huge = size >= Mman.HUGE_PAGE && alignment <= Mman.HUGE_PAGE
                        ? Mman.hugePages((size + Mman.HUGE_PAGE - 1) / Mman.HUGE_PAGE * Mman.HUGE_PAGE) : null;
                slab = huge != null ? huge.asSlice(0, size) : Arena.ofAuto().allocate(size, Math.max(alignment, 4096));
                allocatedBytes.addAndGet(size);
            }
            return slab;
        }
    }

    /** Runs {@code hook} once when the pool is closed (at once if it is), e.g. to unregister its slab. */
    void onClose(Runnable hook) {
        closeHooks.add(hook);
        if (closed.get() && closeHooks.remove(hook)) {
            hook.run();
        }
    }

    private void giveBack(Buffer buffer) {
        if (buffer.sizeClass >= 0 && !closed.get()) {
            if (inSlab(buffer.whole)) {
                classes.keep(buffer.sizeClass, buffer.whole); // slab memory is never freed apart: keep it in use
            } else {
                classes.offer(buffer.sizeClass, buffer.whole); // a buffer not kept is freed by the garbage collector
            }
        }
        releaseOutstanding();
    }

    private void releaseOutstanding() {
        outstanding.decrementAndGet();
    }

    /**
     * Stops handing out buffers and drops the idle ones, whose memory the garbage collector then frees;
     * buffers still out stay valid for as long as they are referenced. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            classes.clear();
            for (Runnable hook : closeHooks) {
                if (closeHooks.remove(hook)) {
                    hook.run();
                }
            }
        }
    }

    /** A buffer from the pool; {@link #close()} gives it back. */
    public static final class Buffer implements AutoCloseable {
        private final AlignedBufferPool pool;
        private final MemorySegment whole;
        private final MemorySegment segment;
        private final int sizeClass;
        private final AtomicBoolean released = new AtomicBoolean();

        private Buffer(AlignedBufferPool pool, MemorySegment whole, MemorySegment segment, int sizeClass) {
            this.pool = pool;
            this.whole = whole;
            this.segment = segment;
            this.sizeClass = sizeClass;
        }

        /**
         * The buffer's memory, of the size asked for. Not to be used after {@link #close()}.
         *
         * @return the buffer's memory, of the size asked for
         */
        public MemorySegment segment() {
            return segment;
        }

        /**
         * A direct {@link ByteBuffer} over {@link #segment()}.
         *
         * @return a direct {@link ByteBuffer} over {@link #segment()}
         */
        public ByteBuffer asByteBuffer() {
            return segment.asByteBuffer();
        }

        /** Returns the buffer to its pool; idempotent. */
        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                pool.giveBack(this);
            }
        }
    }

    /**
     * An aligned segment of {@code size} bytes from {@code arena}, zeroed; {@code alignment} a power of two.
     *
     * @param arena the arena the memory comes from
     * @param size the size in bytes
     * @param alignment the address alignment, a power of two
     * @return an aligned segment of {@code size} bytes from {@code arena}, zeroed; {@code alignment} a power of two
     */
    public static MemorySegment allocateAligned(Arena arena, long size, long alignment) {
        Objects.requireNonNull(arena, "arena");
        if (alignment <= 0 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: alignment=" + alignment);
        }
        return arena.allocate(size, alignment);
    }
}
