package dev.jaio.bench;

import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The data file the benchmarks read: laid out once per trial, deleted by the trial's tear-down. */
final class BenchFiles {
    /** 64 MiB: random reads miss the cache with O_DIRECT, and fit it without. */
    static final long SIZE = 64L << 20;
    static final int BLOCK = 4096;

    private BenchFiles() {
    }

    /** A new file of {@link #SIZE} bytes in {@code java.io.tmpdir} (or {@code -Djaio.bench.dir}), read once so the cache holds it. */
    static Path create() throws IOException {
        Path dir = Path.of(System.getProperty("jaio.bench.dir", System.getProperty("java.io.tmpdir")));
        Path file = Files.createTempFile(dir, "jaio-jmh", ".dat");
        try (NativeFile f = NativeFile.open(file, StandardOpenOption.WRITE, JaioOpenOption.DIRECT);
             Arena arena = Arena.ofConfined()) {
            MemorySegment chunk = arena.allocate(1 << 20, 4096);
            for (long pos = 0; pos < SIZE; pos += chunk.byteSize()) {
                chunk.set(ValueLayout.JAVA_LONG, 0, pos);
                f.write(chunk, pos);
            }
            f.sync();
        }
        try (NativeFile f = NativeFile.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment chunk = arena.allocate(1 << 20, 4096);
            for (long pos = 0; pos < SIZE; pos += chunk.byteSize()) {
                f.read(chunk, pos);
            }
        }
        return file;
    }

    /** The next offset of a xorshift walk over the file's blocks. */
    static long nextOffset(long[] state) {
        long x = state[0];
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state[0] = x;
        return Math.floorMod(x, SIZE / BLOCK) * BLOCK;
    }
}
