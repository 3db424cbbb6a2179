package dev.jaio.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Small native segments owned by one thread and reused by every call that thread makes: the errno
 * capture, a {@code struct timespec}, an out-parameter word, an array of iocb pointers, a one-entry
 * {@code struct iovec}, and a staging buffer for the inline transfers of heap memory.
 *
 * <p>A downcall never calls back into Java, so a thread cannot use its scratch twice at once. The
 * segments come from an automatic arena and are freed when the thread, and so its scratch, is gone.
 */
public final class ThreadScratch {
    /** How many iocb pointers {@link #pointers} holds. */
    public static final int POINTER_SLOTS = 64;

    private static final ThreadLocal<ThreadScratch> LOCAL = ThreadLocal.withInitial(ThreadScratch::new);

    public final MemorySegment errno;
    public final MemorySegment timespec;
    public final MemorySegment word;
    public final MemorySegment pointers;
    /** How many {@code struct iovec}s {@link #iovec} holds. */
    public static final int IOVEC_SLOTS = 64;
    /** {@link #IOVEC_SLOTS} {@code struct iovec}s (base, length), for preadv2 and pwritev2 on this thread. */
    public final MemorySegment iovec;
    /** The largest {@link #stage(long)} hands out. */
    public static final long STAGE_MAX = 64 << 10;
    private MemorySegment stage;

    private ThreadScratch() {
        Arena arena = Arena.ofAuto();
        this.errno = arena.allocate(Native.CAPTURE_LAYOUT);
        this.timespec = arena.allocate(Timespec.LAYOUT);
        this.word = arena.allocate(ValueLayout.JAVA_LONG);
        this.pointers = arena.allocate(ValueLayout.ADDRESS, POINTER_SLOTS);
        this.iovec = arena.allocate(16L * IOVEC_SLOTS, 8);
    }

    /**
     * This thread's staging memory, at least {@code size} bytes (at most {@link #STAGE_MAX}), allocated
     * on first use and grown in powers of two; only the garbage collector frees it. A downcall made with
     * it returns before the thread can use it again, so one buffer per thread is enough.
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

    /** The calling thread's scratch. */
    public static ThreadScratch get() {
        return LOCAL.get();
    }
}
