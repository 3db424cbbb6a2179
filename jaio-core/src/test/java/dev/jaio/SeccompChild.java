package dev.jaio;

import dev.jaio.aio.AioContext;
import dev.jaio.testing.Seccomp;

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
    private static final int X86_64_IO_SETUP = 206;

    public static void main(String[] args) throws Throwable {
        int errno = Errno.valueOf(args[0]).number();
        Seccomp.failSyscall(X86_64_IO_SETUP, errno);
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
}
