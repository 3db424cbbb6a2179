package dev.jaio.cli.bench;

import dev.jaio.AioException;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/** Lays out the file a benchmark runs on, as fio does before it starts: full of data, no holes. */
public final class TestFile {
    private static final int CHUNK = 1 << 20;

    private TestFile() {
    }

    /**
     * Makes {@code file} hold at least {@code size} bytes of written data: a file that is already that
     * large is left as it is; otherwise it is written from the start, with O_DIRECT where the file system
     * takes it, and synced.
     *
     * @return whether the file was written
     */
    public static boolean prepare(Path file, long size) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) >= size) {
            return false;
        }
        try (NativeFile f = open(file); Arena arena = Arena.ofConfined()) {
            MemorySegment chunk = arena.allocate(CHUNK, Math.max(4096, f.directIoAlignment().strictest()));
            JobContext.fillPattern(chunk, 42);
            for (long pos = 0; pos < size; pos += CHUNK) {
                int len = (int) Math.min(CHUNK, size - pos);
                chunk.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, pos); // every chunk differs
                MemorySegment part = chunk.asSlice(0, f.isDirect() ? roundUp(len, 4096) : len);
                int done = 0;
                while (done < part.byteSize()) {
                    done += f.write(part.asSlice(done), pos + done);
                }
            }
            if (f.size() > size) {
                f.truncate(Math.max(size, 0));
            }
            f.sync();
        }
        return true;
    }

    private static long roundUp(long n, long unit) {
        return (n + unit - 1) / unit * unit;
    }

    private static NativeFile open(Path file) throws IOException {
        Set<OpenOption> options = new HashSet<>();
        options.add(StandardOpenOption.CREATE);
        options.add(StandardOpenOption.WRITE);
        options.add(StandardOpenOption.READ);
        options.add(JaioOpenOption.DIRECT);
        try {
            return NativeFile.open(file, options);
        } catch (AioException e) {
            options.remove(JaioOpenOption.DIRECT); // a file system without O_DIRECT (EINVAL): write through the cache
            return NativeFile.open(file, options);
        }
    }
}
