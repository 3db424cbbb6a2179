package dev.jaio.examples.journal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * How a record is laid out in a segment file: a 16-byte header, then the payload.
 *
 * <pre>
 *  0               4               8                              16
 *  +---------------+---------------+------------------------------+---------------- - -
 *  | crc32c (u32)  | length (u32)  | sequence (u64)               | payload (length bytes)
 *  +---------------+---------------+------------------------------+---------------- - -
 * </pre>
 *
 * All fields are little-endian. The CRC32C covers the length, the sequence and the payload, so a header
 * torn from its payload, a payload torn from its header, zeros (preallocated space never written) and a
 * stale record left over from before a recovery all fail the check: a stale record carries a sequence
 * number other than the one expected at its place.
 */
final class RecordFormat {
    static final int HEADER = 16;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RecordFormat() {
    }

    /** Writes a record (header and payload) at {@code offset} of {@code dst}; returns its size on disk. */
    static int encode(MemorySegment dst, long offset, long sequence, ByteBuffer payload) {
        int length = payload.remaining();
        MemorySegment.copy(MemorySegment.ofBuffer(payload), 0, dst, offset + HEADER, length);
        dst.set(INT, offset + 4, length);
        dst.set(LONG, offset + 8, sequence);
        CRC32C crc = new CRC32C();
        crc.update(dst.asSlice(offset + 4, 12 + length).asByteBuffer());
        dst.set(INT, offset, (int) crc.getValue());
        return HEADER + length;
    }

    /** The payload length a header at {@code offset} claims (unchecked). */
    static int length(MemorySegment src, long offset) {
        return src.get(INT, offset + 4);
    }

    /** The sequence number a header at {@code offset} claims (unchecked). */
    static long sequence(MemorySegment src, long offset) {
        return src.get(LONG, offset + 8);
    }

    /** Whether the record at {@code offset}, whose header and payload are both in {@code src}, is intact. */
    static boolean intact(MemorySegment src, long offset) {
        int length = length(src, offset);
        CRC32C crc = new CRC32C();
        crc.update(src.asSlice(offset + 4, 12L + length).asByteBuffer());
        return (int) crc.getValue() == src.get(INT, offset);
    }
}
