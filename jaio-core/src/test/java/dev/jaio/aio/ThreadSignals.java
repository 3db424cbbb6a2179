package dev.jaio.aio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/** The calling thread's signal mask, through libc's pthread_sigmask(3), and its pending signals. */
final class ThreadSignals {
    private static final int SIG_BLOCK = 0;
    private static final int SIG_SETMASK = 2;
    /** glibc's sigset_t: 1024 bits. */
    private static final long GLIBC_SIGSET_SIZE = 128;
    private static final MethodHandle PTHREAD_SIGMASK = Linker.nativeLinker()
            .downcallHandle(Linker.nativeLinker().defaultLookup().find("pthread_sigmask").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT,
                            JAVA_INT, ADDRESS, ADDRESS));

    /** Blocks {@code signal} in the calling thread; returns the old mask, allocated in {@code arena}. */
    static MemorySegment block(Arena arena, int signal) {
        MemorySegment set = arena.allocate(GLIBC_SIGSET_SIZE, 8);
        set.set(JAVA_LONG, 0, 1L << (signal - 1));
        MemorySegment old = arena.allocate(GLIBC_SIGSET_SIZE, 8);
        assertEquals(0, sigmask(SIG_BLOCK, set, old), "pthread_sigmask(SIG_BLOCK)");
        return old;
    }

    static void setMask(MemorySegment mask) {
        assertEquals(0, sigmask(SIG_SETMASK, mask, MemorySegment.NULL), "pthread_sigmask(SIG_SETMASK)");
    }

    private static int sigmask(int how, MemorySegment set, MemorySegment old) {
        try {
            return (int) PTHREAD_SIGMASK.invokeExact(how, set, old);
        } catch (Throwable t) {
            throw new IllegalStateException("pthread_sigmask failed to run", t);
        }
    }

    /** Whether {@code signal} is pending for the calling thread: SigPnd of /proc/thread-self/status. */
    static boolean isPending(int signal) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
            if (line.startsWith("SigPnd:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << (signal - 1))) != 0;
            }
        }
        throw new IOException("no SigPnd in /proc/thread-self/status");
    }
}
