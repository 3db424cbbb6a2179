package dev.jaio.internal.buffer;

import dev.jaio.internal.memory.MemoryLifetime;
import java.lang.foreign.MemorySegment;

/**
 * Which of a caller's memory the kernel may use as it is, and which is copied through jaio's staging
 * memory instead.
 *
 * <p>An asynchronous request may give the kernel only native memory that nothing can free before its
 * completion: memory only the garbage collector frees, held by the request ({@link #usableAsIs}). A call
 * that finishes on the calling thread ({@code RWF_NOWAIT}) may also give it a confined segment of that
 * thread, which no other thread can close during the call ({@link #usableInline}).
 */
public final class KernelMemory {
    private KernelMemory() {
    }

    /**
     * Whether an asynchronous request may give the kernel {@code buffer}'s address: native memory freed
     * only by the garbage collector (an O_DIRECT file also asks for alignment, which the caller checks).
     *
     * @param buffer the caller's memory
     * @return true when the kernel may use it as it is until the request completes
     */
    public static boolean usableAsIs(MemorySegment buffer) {
        return buffer.isNative() && MemoryLifetime.freedOnlyByGc(buffer);
    }

    /**
     * Whether a call on this thread may give the kernel {@code buffer}'s address: native memory that
     * nothing can free while this thread is in the syscall (only the garbage collector frees it, or only
     * this thread may close its arena).
     *
     * @param buffer the caller's memory
     * @return true when a syscall on this thread may use it as it is
     */
    public static boolean usableInline(MemorySegment buffer) {
        return buffer.isNative() && (MemoryLifetime.freedOnlyByGc(buffer)
                || isConfined(buffer) && buffer.isAccessibleBy(Thread.currentThread()));
    }

    /**
     * Whether a transfer on the calling thread is bounded for this buffer: memory the kernel may use as it
     * is, or memory to copy of at most one staging chunk (a larger heap transfer is staged in chunks).
     *
     * @param buffer the caller's memory
     * @return true when an inline attempt may take it
     */
    public static boolean inlineFits(MemorySegment buffer) {
        return usableInline(buffer) || buffer.byteSize() <= StagingPool.CHUNK;
    }

    /**
     * Whether only one thread may access {@code segment}, a segment of a confined arena.
     *
     * @param segment the caller's memory
     * @return true when the segment is confined to one thread
     */
    public static boolean isConfined(MemorySegment segment) {
        return MemoryLifetime.isConfined(segment);
    }
}
