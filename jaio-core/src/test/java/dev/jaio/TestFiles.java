package dev.jaio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Shared test fixtures: files with known contents. */
final class TestFiles {
    private TestFiles() {
    }

    /** A file of {@code size} bytes whose byte at position p is {@link #patternByte(long)}. */
    static Path patterned(Path dir, String name, int size) throws IOException {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = patternByte(i);
        }
        return Files.write(dir.resolve(name), data);
    }

    static byte patternByte(long position) {
        return (byte) (position * 31 + (position >>> 12) * 7);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
