package dev.jaio.internal.buffer;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * The idle buffers of a pool in power-of-two size classes, from the alignment up: class {@code c} holds
 * buffers of {@code alignment << c} bytes, at most a set number idle. Thread-safe; it allocates and frees
 * nothing itself, so each pool decides where its memory comes from and what becomes of a buffer it may not
 * keep.
 */
public final class SizeClasses {
    private final int minShift;
    private final ConcurrentLinkedQueue<MemorySegment>[] idle;
    private final AtomicInteger[] idleCounts;
    private final int[] idleLimits;

    /**
     * Size classes of buffers aligned to {@code alignment}.
     *
     * @param alignment the smallest size, a power of two
     * @param classes   how many classes
     * @param idleLimit how many idle buffers class {@code c} keeps
     */
    @SuppressWarnings("unchecked")
    public SizeClasses(int alignment, int classes, IntUnaryOperator idleLimit) {
        this.minShift = Integer.numberOfTrailingZeros(alignment);
        this.idle = new ConcurrentLinkedQueue[classes];
        this.idleCounts = new AtomicInteger[classes];
        this.idleLimits = new int[classes];
        for (int i = 0; i < classes; i++) {
            idle[i] = new ConcurrentLinkedQueue<>();
            idleCounts[i] = new AtomicInteger();
            idleLimits[i] = idleLimit.applyAsInt(i);
        }
    }

    /**
     * The smallest class whose buffers hold {@code size} bytes; the caller checks the range.
     *
     * @param size the bytes wanted, not negative
     * @return the class
     */
    public int classOf(long size) {
        if (size <= 1L << minShift) {
            return 0;
        }
        return 64 - Long.numberOfLeadingZeros(size - 1) - minShift;
    }

    /**
     * The size of class {@code c}'s buffers.
     *
     * @param c the class
     * @return the size in bytes of its buffers
     */
    public long bytes(int c) {
        return 1L << (c + minShift);
    }

    /**
     * An idle buffer of class {@code c}, or null when there is none.
     *
     * @param c the class
     * @return the whole buffer, or null
     */
    public MemorySegment poll(int c) {
        MemorySegment whole = idle[c].poll();
        if (whole != null) {
            idleCounts[c].decrementAndGet();
        }
        return whole;
    }

    /**
     * Keeps {@code whole} idle in class {@code c} if the class has room.
     *
     * @param c     the class
     * @param whole the whole buffer, no longer in use
     * @return true when it was kept; false when the caller must dispose of it
     */
    public boolean offer(int c, MemorySegment whole) {
        if (idleCounts[c].incrementAndGet() <= idleLimits[c]) {
            idle[c].offer(whole);
            return true;
        }
        idleCounts[c].decrementAndGet();
        return false;
    }

    /**
     * Keeps {@code whole} idle in class {@code c} whatever the class's limit: for memory that is never
     * freed apart from the rest (a piece of a slab), so dropping it would only lose it.
     *
     * @param c     the class
     * @param whole the whole buffer, no longer in use
     */
    public void keep(int c, MemorySegment whole) {
        idleCounts[c].incrementAndGet();
        idle[c].offer(whole);
    }

    /** Drops every idle buffer (for a pool whose memory the garbage collector frees). */
    public void clear() {
        for (int c = 0; c < idle.length; c++) {
            while (poll(c) != null) {
                // dropped
            }
        }
    }
}
