package dev.jaio.testing;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.jaio.internal.linux.LibC;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Shared test fixtures: files with known contents, pipes, and the kernel's AIO accounting. */
public final class TestFiles {
    private TestFiles() {
    }

    /** A file of {@code size} bytes whose byte at position p is {@link #patternByte(long)}. */
    public static Path patterned(Path dir, String name, int size) throws IOException {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = patternByte(i);
        }
        return Files.write(dir.resolve(name), data);
    }

    public static byte patternByte(long position) {
        return (byte) (position * 31 + (position >>> 12) * 7);
    }

    /** A new file in {@code dir} holding {@code data}. */
    public static Path fileWith(Path dir, byte[] data) throws IOException {
        return Files.write(Files.createTempFile(dir, "f", ".bin"), data);
    }

    /** {@code size} bytes from a {@link Random} seeded with {@code seed}: the same bytes for the same seed. */
    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Asserts that {@code buf[0, length)} holds the pattern of the file bytes starting at {@code position}. */
    public static void assertPattern(MemorySegment buf, long length, long position) {
        for (long i = 0; i < length; i++) {
            byte expected = patternByte(position + i);
            byte actual = buf.get(JAVA_BYTE, i);
            if (expected != actual) {
                throw new AssertionError("byte at file position " + (position + i) + ": expected=" + expected
                        + " actual=" + actual);
            }
        }
    }

    /**
     * A number from a /proc file, read with a stream: /proc files report a size of 0 and methods that
     * trust the size (Files.readString was seen to) can return a truncated value.
     */
    public static long readProcLong(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }

    /** The current {@code /proc/sys/fs/aio-nr}: events reserved by every AIO context on the machine. */
    public static long aioNr() throws IOException {
        return readProcLong(Path.of("/proc/sys/fs/aio-nr"));
    }

    /** {@code /proc/sys/fs/aio-max-nr}. */
    public static long aioMaxNr() throws IOException {
        return readProcLong(Path.of("/proc/sys/fs/aio-max-nr"));
    }

    /** How many AIO completion rings this process has mapped (lines naming {@code [aio]} in /proc/self/maps). */
    public static long aioRingMappings() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/maps"))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(line -> line.contains("[aio]")).count();
        }
    }

    /** A pipe from pipe2(2), whose ends are closed together. */
    public static final class Pipe implements AutoCloseable {
        public final int readFd;
        public final int writeFd;

        public Pipe() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment fds = arena.allocate(JAVA_INT, 2);
                int ret = TestNatives.pipe2(fds, LibC.O_CLOEXEC);
                if (ret < 0) {
                    throw new IllegalStateException("pipe2 failed: errno=" + -ret);
                }
                readFd = fds.getAtIndex(JAVA_INT, 0);
                writeFd = fds.getAtIndex(JAVA_INT, 1);
            }
        }

        /** Writes one byte to the write end. */
        public void writeByte(int b) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment one = arena.allocate(1);
                one.set(JAVA_BYTE, 0, (byte) b);
                long n = LibC.write(writeFd, one, 1);
                if (n != 1) {
                    throw new IllegalStateException("write to pipe failed: ret=" + n);
                }
            }
        }

        @Override
        public void close() {
            LibC.close(readFd);
            LibC.close(writeFd);
        }
    }
}
