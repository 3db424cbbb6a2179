package dev.jaio.internal.memory;

import java.lang.foreign.MemorySegment;

/** How long a segment's memory lives, as far as the kernel's asynchronous use of it is concerned. */
public final class MemoryLifetime {
    private MemoryLifetime() {
    }

    /**
     * Whether a segment's memory is freed only once the segment is unreachable (automatic and global
     * arenas, direct buffers), so that holding the segment keeps the memory the kernel writes into.
     * Segments of arenas a caller can close are not. No public API answers this: the answer rests on the
     * JDK's session class names, and an unknown session is the safe answer, false; tests pin the answer for
     * the arenas this JDK has, so a JDK that renames them fails loudly.
     *
     * @param segment the memory
     * @return true when only the garbage collector can free it
     */
    public static boolean freedOnlyByGc(MemorySegment segment) {
        String session = segment.scope().getClass().getName();
        return session.equals("jdk.internal.foreign.ImplicitSession")
                || session.startsWith("jdk.internal.foreign.GlobalSession");
    }
}
