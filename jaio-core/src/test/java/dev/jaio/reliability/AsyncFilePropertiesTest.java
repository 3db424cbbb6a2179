package dev.jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioEngine;
import dev.jaio.AioException;
import dev.jaio.AsyncFile;
import dev.jaio.Errno;
import dev.jaio.JaioOpenOption;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random offsets, lengths, alignments, buffer kinds and open options against a reference (FileChannel and
 * an in-memory model): each call returns the right bytes or fails clearly, and once a future completes the
 * library no longer touches the caller's buffer.
 */
class AsyncFilePropertiesTest {
    private static final int SIZE = 256 * 1024;
    private static Path dir;
    private static Path file;
    private static byte[] model;
    private static AioEngine engine;
    private static AsyncFile direct;
    private static AsyncFile buffered;

    enum Kind { HEAP_BUFFER, DIRECT_BUFFER, NATIVE_SEGMENT, HEAP_SEGMENT, MISALIGNED_NATIVE_SEGMENT, READ_ONLY_BUFFER }

    @BeforeContainer
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("jaio-props");
        file = dir.resolve("f");
        model = new byte[SIZE];
        new java.util.Random(42).nextBytes(model);
        Files.write(file, model);
        engine = ReliabilitySupport.engine();
        direct = AsyncFile.open(file, engine, StandardOpenOption.READ, StandardOpenOption.WRITE, JaioOpenOption.DIRECT);
        buffered = AsyncFile.open(file, engine, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @AfterContainer
    static void tearDown() throws Exception {
        direct.close();
        buffered.close();
        engine.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @Provide
    Arbitrary<Long> positions() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, SIZE + 8192)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, SIZE / 4096).map(b -> b * 4096)));
    }

    @Provide
    Arbitrary<Integer> lengths() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 70_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 16).map(b -> b * 4096)));
    }

    /** A buffer of {@code length} bytes of the given kind, filled with {@code fill}; its memory and a view. */
    private record Buf(Kind kind, ByteBuffer bb, MemorySegment seg) {
        static Buf of(Kind kind, int length, Arena arena, byte fill) {
            return switch (kind) {
                case HEAP_BUFFER -> withBb(kind, ByteBuffer.allocate(length), fill);
                case DIRECT_BUFFER -> withBb(kind, ByteBuffer.allocateDirect(length), fill);
                case READ_ONLY_BUFFER -> {
                    ByteBuffer b = ByteBuffer.allocate(length);
                    fill(MemorySegment.ofBuffer(b), fill);
                    yield new Buf(kind, b.asReadOnlyBuffer(), MemorySegment.ofBuffer(b));
                }
                case NATIVE_SEGMENT -> withSeg(kind, arena.allocate(Math.max(1, length), 4096).asSlice(0, length), fill);
                case HEAP_SEGMENT -> withSeg(kind, MemorySegment.ofArray(new byte[length]), fill);
                case MISALIGNED_NATIVE_SEGMENT -> withSeg(kind, arena.allocate(length + 4096L, 4096).asSlice(1 + length % 4095, length), fill);
            };
        }

        private static Buf withBb(Kind k, ByteBuffer b, byte fill) {
            fill(MemorySegment.ofBuffer(b), fill);
            return new Buf(k, b, MemorySegment.ofBuffer(b));
        }

        private static Buf withSeg(Kind k, MemorySegment s, byte fill) {
            fill(s, fill);
            return new Buf(k, null, s);
        }

        private static void fill(MemorySegment s, byte b) {
            s.fill(b);
        }

        byte[] bytes() {
            return seg.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Property(tries = 200)
    void readsReturnTheFileBytesOrFailClearly(@ForAll("positions") long position, @ForAll("lengths") int length,
                                             @ForAll Kind kind, @ForAll boolean useDirect) throws Exception {
        AsyncFile f = useDirect ? direct : buffered;
        try (Arena arena = Arena.ofShared()) {
            Buf buf = Buf.of(kind, length, arena, (byte) 0x77);
            if (kind == Kind.READ_ONLY_BUFFER) {
                assertThrows(IllegalArgumentException.class, () -> f.read(buf.bb(), position));
                return;
            }
            int n = buf.bb() != null ? f.read(buf.bb(), position).get(10, TimeUnit.SECONDS)
                    : f.read(buf.seg(), position).get(10, TimeUnit.SECONDS);
            int expected = (int) Math.max(0, Math.min(length, SIZE - position));
            assertEquals(expected, n, "bytes read");
            byte[] got = buf.bytes();
            for (int i = 0; i < length; i++) {
                byte want = i < n ? model[(int) position + i] : (byte) 0x77;
                if (got[i] != want) {
                    throw new AssertionError("byte " + i + " of read at " + position + ": got " + got[i] + " want " + want);
                }
            }
            if (buf.bb() != null) {
                assertEquals(n, buf.bb().position(), "buffer position advanced by the bytes read");
            }
            // Done means done: scribble on the buffer, let the engine run other requests, check nothing changed.
            buf.seg().fill((byte) 0x33);
            f.read(arena.allocate(4096, 4096), 0).get(10, TimeUnit.SECONDS);
            for (byte b : buf.bytes()) {
                assertEquals((byte) 0x33, b, "buffer written after its read completed");
            }
        }
    }

    @Property(tries = 200)
    void writesLandExactlyOrFailClearly(@ForAll("positions") long position, @ForAll("lengths") int length,
                                        @ForAll Kind kind, @ForAll boolean useDirect,
                                        @ForAll @IntRange(min = 0, max = 255) int fill) throws Exception {
        AsyncFile f = useDirect ? direct : buffered;
        long pos = Math.min(position, SIZE - (long) length); // stay inside the file so the model stays its size
        if (pos < 0) {
            return;
        }
        try (Arena arena = Arena.ofShared()) {
            Buf buf = Buf.of(kind, length, arena, (byte) fill);
            // O_DIRECT wants position and length in multiples of the file's own unit (512 on this disk's
            // ext4, from STATX_DIOALIGN), not of the page size.
            long unit = f.isDirect() ? f.directIoAlignment().offset() : 1;
            boolean misaligned = ((pos | length) & (unit - 1)) != 0;
            try {
                int n = buf.bb() != null ? f.write(buf.bb(), pos).get(10, TimeUnit.SECONDS)
                        : f.write(buf.seg(), pos).get(10, TimeUnit.SECONDS);
                assertTrue(!(useDirect && misaligned && f.isDirect()), "a misaligned O_DIRECT write must fail");
                assertEquals(length, n, "bytes written");
                java.util.Arrays.fill(model, (int) pos, (int) pos + length, (byte) fill);
            } catch (ExecutionException e) {
                AioException a = assertInstanceOf(AioException.class, e.getCause());
                assertTrue(useDirect && misaligned, "only misaligned O_DIRECT writes fail: " + a.getMessage());
                assertEquals(Errno.EINVAL.number(), a.errno(), a.getMessage());
                assertEquals(file, a.file());
            }
            // The source may change now; the file must not.
            buf.seg().fill((byte) (fill + 1));
            f.read(arena.allocate(4096, 4096), 0).get(10, TimeUnit.SECONDS);
            assertArrayEquals(slice(model, pos, length), readReference(pos, length), "file content at " + pos);
        }
    }

    private static byte[] slice(byte[] b, long from, int length) {
        return java.util.Arrays.copyOfRange(b, (int) from, (int) from + length);
    }

    private static byte[] readReference(long position, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(length);
            while (b.hasRemaining() && ch.read(b, position + b.position()) > 0) {
                // keep reading
            }
            return b.array();
        }
    }
}
