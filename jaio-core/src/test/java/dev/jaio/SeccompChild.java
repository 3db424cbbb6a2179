package dev.jaio;

import dev.jaio.aio.AioContext;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child JVM for {@link EngineFallbackTest}: installs a seccomp filter on its main thread that answers
 * io_setup(2) with the errno named in args[0] (as container runtimes' policies do), then builds an engine
 * in AUTO mode on that thread, does I/O with it, and prints what happened.
 */
public final class SeccompChild {
    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int PR_SET_SECCOMP = 22;
    private static final int SECCOMP_MODE_FILTER = 2;
    private static final int SECCOMP_RET_ALLOW = 0x7fff0000;
    private static final int SECCOMP_RET_ERRNO = 0x00050000;
    private static final int X86_64_IO_SETUP = 206;

    public static void main(String[] args) throws Throwable {
        int errno = Errno.valueOf(args[0]).number();
        Linker linker = Linker.nativeLinker();
        MethodHandle prctl = linker.downcallHandle(linker.defaultLookup().find("prctl").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        try (Arena arena = Arena.ofConfined()) {
            // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }: load nr; if nr == io_setup return ERRNO|errno
            MemorySegment filter = arena.allocate(8 * 4, 8);
            put(filter, 0, (short) 0x20, 0, 0, 0);                               // BPF_LD|BPF_W|BPF_ABS, k=0 (nr)
            put(filter, 1, (short) 0x15, 0, 1, X86_64_IO_SETUP);                 // BPF_JMP|BPF_JEQ|BPF_K
            put(filter, 2, (short) 0x06, 0, 0, SECCOMP_RET_ERRNO | errno);       // BPF_RET|BPF_K
            put(filter, 3, (short) 0x06, 0, 0, SECCOMP_RET_ALLOW);
            MemorySegment prog = arena.allocate(16, 8);                         // struct sock_fprog
            prog.set(JAVA_SHORT, 0, (short) 4);
            prog.set(ADDRESS, 8, filter);
            check((int) prctl.invokeExact(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L), "PR_SET_NO_NEW_PRIVS");
            check((int) prctl.invokeExact(PR_SET_SECCOMP, (long) SECCOMP_MODE_FILTER, prog.address(), 0L, 0L),
                    "PR_SET_SECCOMP");
        }
        try {
            AioContext.setup(1).close();
            System.out.println("raw io_setup: ok");
        } catch (AioException e) {
            System.out.println("raw io_setup: " + e.errnoName() + " | " + e.getMessage());
        }
        try (AioEngine engine = AioEngine.builder().build()) {
            System.out.println("kind: " + engine.kind());
            System.out.println("reason: " + engine.fallbackReason().orElse("none"));
            Path p = Files.createTempFile("jaio-seccomp", ".dat");
            try (AsyncFile f = AsyncFile.open(p, engine, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    JaioOpenOption.DIRECT)) {
                ByteBuffer data = ByteBuffer.allocateDirect(4096);
                data.put(0, (byte) 42);
                int written = f.write(data, 0).get();
                ByteBuffer back = ByteBuffer.allocate(4096);
                int read = f.read(back, 0).get();
                System.out.println("io: wrote " + written + " read " + read + " byte0 " + back.get(0));
            } finally {
                Files.deleteIfExists(p);
            }
        }
        try {
            AioEngine.builder().mode(AioEngine.Mode.KERNEL_AIO).build().close();
            System.out.println("kernel mode: built");
        } catch (AioException e) {
            System.out.println("kernel mode: " + e.errnoName());
        }
    }

    private static void put(MemorySegment f, int i, short code, int jt, int jf, int k) {
        long base = i * 8L;
        f.set(JAVA_SHORT, base, code);
        f.set(java.lang.foreign.ValueLayout.JAVA_BYTE, base + 2, (byte) jt);
        f.set(java.lang.foreign.ValueLayout.JAVA_BYTE, base + 3, (byte) jf);
        f.set(JAVA_INT, base + 4, k);
    }

    private static void check(int ret, String what) {
        if (ret != 0) {
            throw new IllegalStateException(what + " failed: " + ret);
        }
    }
}
