package dev.jaio.uring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jaio.AioException;
import dev.jaio.internal.linux.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A child JVM for {@link IoUringErrnoTest}: lowers its own RLIMIT_NOFILE, uses up the descriptors that
 * are left, then calls io_uring_setup and prints the errno name (or "ok"). A child, because the limit is
 * per process and the test JVM needs its descriptors.
 */
public final class EmfileChild {
    private static final int RLIMIT_NOFILE = 7;

    public static void main(String[] args) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle setrlimit = linker.downcallHandle(linker.defaultLookup().find("setrlimit").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        // Load everything the failing setup needs while class files can still be opened.
        IoUring.isAvailable();
        String preloaded = new AioException("io_uring_setup", 24, UringAdvice.forError("io_uring_setup", 24)).getMessage()
                + dev.jaio.Errno.nameOf(24);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment limit = arena.allocate(16, 8); // struct rlimit { rlim_t cur, max; }
            limit.set(JAVA_LONG, 0, 256);
            limit.set(JAVA_LONG, 8, 256);
            if ((int) setrlimit.invokeExact(RLIMIT_NOFILE, limit) != 0) {
                System.out.println("setrlimit failed");
                return;
            }
            MemorySegment devNull = arena.allocateFrom("/dev/null");
            int opened = 0;
            while (LibC.open(devNull, LibC.O_RDONLY | LibC.O_CLOEXEC, 0) >= 0) {
                opened++;
            }
            try {
                IoUring.setup(4).close();
                System.out.println("ok after " + opened + preloaded.length());
            } catch (AioException e) {
                System.out.println(e.errnoName() + " | " + e.getMessage());
            }
        }
    }
}
