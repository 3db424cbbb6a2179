package dev.jaio.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Small native segments owned by one thread and reused by every call that thread makes: the errno
 * capture, a {@code struct timespec}, an out-parameter word and an array of iocb pointers.
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

    private ThreadScratch() {
        Arena arena = Arena.ofAuto();
        this.errno = arena.allocate(Native.CAPTURE_LAYOUT);
        this.timespec = arena.allocate(Timespec.LAYOUT);
        this.word = arena.allocate(ValueLayout.JAVA_LONG);
        this.pointers = arena.allocate(ValueLayout.ADDRESS, POINTER_SLOTS);
    }

    /** The calling thread's scratch. */
    public static ThreadScratch get() {
        return LOCAL.get();
    }
}
