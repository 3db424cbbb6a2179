package dev.jaio.internal.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins, for this JDK, which memory {@link MemoryLifetime} says only the garbage collector frees. A JDK that
 * changes how its scopes are made fails here, by name, before the kernel could write into freed memory
 * (a closable arena answered "GC only") or a fast path silently turns into staging (the reverse).
 */
class MemoryLifetimeTest {
    @TempDir
    Path dir;

    private static void pin(String kind, boolean expected, MemorySegment segment) {
        assertEquals(expected, MemoryLifetime.freedOnlyByGc(segment), () -> "freedOnlyByGc changed for " + kind
                + " memory on Java " + Runtime.version() + " (scope " + segment.scope().getClass().getName()
                + "): MemoryLifetime's probes no longer match this JDK's scopes");
    }

    @Test
    void shouldSayOnlyTheGarbageCollectorFreesGlobalAutomaticHeapAndBufferMemory() throws IOException {
        pin("Arena.global()", true, Arena.global().allocate(8));
        pin("MemorySegment.ofAddress", true, MemorySegment.ofAddress(4096));
        pin("Arena.ofAuto()", true, Arena.ofAuto().allocate(8));
        pin("heap array", true, MemorySegment.ofArray(new byte[8]));
        pin("heap ByteBuffer", true, MemorySegment.ofBuffer(ByteBuffer.allocate(8)));
        pin("ByteBuffer.allocateDirect", true, MemorySegment.ofBuffer(ByteBuffer.allocateDirect(8)));
        Path p = Files.write(dir.resolve("m"), new byte[8192]);
        try (FileChannel fc = FileChannel.open(p, StandardOpenOption.READ)) {
            pin("mapped ByteBuffer", true, MemorySegment.ofBuffer(fc.map(FileChannel.MapMode.READ_ONLY, 0, 4096)));
            pin("FileChannel.map into Arena.ofAuto()", true,
                    fc.map(FileChannel.MapMode.READ_ONLY, 0, 4096, Arena.ofAuto()));
        }
    }

    @Test
    void shouldSayMemoryOfAnArenaTheCallerCanCloseCanBeFreed() throws IOException {
        try (Arena shared = Arena.ofShared(); Arena confined = Arena.ofConfined()) {
            pin("Arena.ofShared()", false, shared.allocate(8));
            pin("Arena.ofConfined()", false, confined.allocate(8));
            Path p = Files.write(dir.resolve("m"), new byte[8192]);
            try (FileChannel fc = FileChannel.open(p, StandardOpenOption.READ)) {
                pin("FileChannel.map into Arena.ofShared()", false,
                        fc.map(FileChannel.MapMode.READ_ONLY, 0, 4096, shared));
            }
        }
        MemorySegment closed;
        try (Arena a = Arena.ofShared()) {
            closed = a.allocate(8);
        }
        pin("a closed shared arena", false, closed);
        MemorySegment auto = Arena.ofAuto().allocate(8);
        pin("a slice of Arena.ofAuto()", true, auto.asSlice(2, 4));
    }

    @Test
    void shouldTellConfinedMemoryByPublicApi() {
        try (Arena shared = Arena.ofShared(); Arena confined = Arena.ofConfined()) {
            assertEquals(true, MemoryLifetime.isConfined(confined.allocate(8)));
            assertEquals(false, MemoryLifetime.isConfined(shared.allocate(8)));
            assertEquals(false, MemoryLifetime.isConfined(Arena.ofAuto().allocate(8)));
        }
    }
}
