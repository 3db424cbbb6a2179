package dev.jaio.internal.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * How long a segment's memory lives, as far as the kernel's asynchronous use of it is concerned.
 *
 * <p>Public API answers most of the question: {@link MemorySegment.Scope#equals} tells the global scope
 * (of {@link Arena#global()} and {@link MemorySegment#ofAddress(long)}), {@link MemorySegment.Scope#isAlive()}
 * a closed arena, and {@link MemorySegment#isAccessibleBy(Thread)} a confined one. Nothing public tells an
 * automatic arena, or a direct buffer, from a shared arena a caller can close. For those two the scope's
 * class is compared, by identity, with the class of a scope probed once from {@link Arena#ofAuto()} and
 * from {@link ByteBuffer#allocateDirect(int)}; a probe whose class is also that of a shared or confined
 * arena's scope is not trusted. A scope of any other class is the safe answer, "can be freed", and its
 * memory is staged. No JDK-internal class name is read; tests pin the answer for each kind of memory, so a
 * JDK that changes it fails loudly.
 */
public final class MemoryLifetime {
    /** A thread that owns nothing: a segment it cannot access is confined to some other thread. */
    private static final Thread NO_OWNER = Thread.ofPlatform().unstarted(() -> { });
    private static final MemorySegment.Scope GLOBAL = Arena.global().scope();
    /** The class of an automatic arena's scope, or null when it is not told apart from a closable one. */
    private static final Class<?> AUTO;
    /** The class of a direct buffer's scope, or null when it is not told apart from a closable one. */
    private static final Class<?> BUFFER;

    static {
        Class<?> shared;
        Class<?> confined;
        try (Arena s = Arena.ofShared(); Arena c = Arena.ofConfined()) {
            shared = s.scope().getClass();
            confined = c.scope().getClass();
        }
        AUTO = trusted(Arena.ofAuto().scope().getClass(), shared, confined);
        BUFFER = trusted(MemorySegment.ofBuffer(ByteBuffer.allocateDirect(1)).scope().getClass(), shared, confined);
    }

    private MemoryLifetime() {
    }

    private static Class<?> trusted(Class<?> probed, Class<?> shared, Class<?> confined) {
        return probed == shared || probed == confined ? null : probed;
    }

    /**
     * Whether a segment's memory is freed only once the segment is unreachable (automatic and global
     * arenas, direct and mapped buffers, heap memory), so that holding the segment keeps the memory the
     * kernel writes into. Segments of arenas a caller can close ({@link Arena#ofShared()},
     * {@link Arena#ofConfined()}), of a closed arena, and of any scope this class does not know, are not.
     *
     * @param segment the memory
     * @return true when only the garbage collector can free it
     */
    public static boolean freedOnlyByGc(MemorySegment segment) {
        MemorySegment.Scope scope = segment.scope();
        if (!scope.isAlive() || isConfined(segment)) {
            return false;
        }
        if (scope.equals(GLOBAL)) {
            return true;
        }
        Class<?> kind = scope.getClass();
        return kind == AUTO || kind == BUFFER;
    }

    /**
     * Whether only one thread may access {@code segment} (a segment of {@link Arena#ofConfined()}), asked
     * through the public {@link MemorySegment#isAccessibleBy(Thread)}.
     *
     * @param segment the memory
     * @return true when the segment is confined to one thread
     */
    public static boolean isConfined(MemorySegment segment) {
        return !segment.isAccessibleBy(NO_OWNER);
    }
}
