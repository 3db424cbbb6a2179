package dev.jaio.examples.journal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the records of one segment file in order, from its start, and stops at the first that is not
 * intact: a bad CRC, a length running past the segment, or a sequence number other than the next
 * expected one. Reads go through the page cache, which the kernel keeps coherent with O_DIRECT writes.
 */
final class SegmentReader {
    /** What a scan found. */
    record Result(long endOffset, long nextSequence, boolean stoppedEarly) {
    }

    /** Receives each intact record; the payload buffer is valid during the call only. */
    @FunctionalInterface
    interface Visitor {
        /** Returns false to stop the scan after this record. */
        boolean visit(long sequence, ByteBuffer payload);
    }

    private SegmentReader() {
    }

    /**
     * Scans {@code path} from {@code firstSequence}, up to {@code limitOffset} bytes and at most up to
     * (excluding) {@code stopSequence}.
     */
    static Result scan(Path path, long firstSequence, long limitOffset, long stopSequence, Visitor visitor)
            throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long limit = Math.min(limitOffset, ch.size());
            byte[] window = new byte[1 << 20];
            MemorySegment w = MemorySegment.ofArray(window);
            long windowStart = 0;
            int windowLength = 0;
            long offset = 0;
            long expected = firstSequence;
            while (expected < stopSequence) {
                if (offset + RecordFormat.HEADER > limit) {
                    return new Result(offset, expected, false);
                }
                if (offset + RecordFormat.HEADER > windowStart + windowLength) {
                    windowStart = offset;
                    windowLength = fill(ch, window, offset, limit);
                }
                long at = offset - windowStart;
                int length = RecordFormat.length(w, at);
                long sequence = RecordFormat.sequence(w, at);
                if (length < 0 || offset + RecordFormat.HEADER + length > limit || sequence != expected) {
                    return new Result(offset, expected, true);
                }
                if (RecordFormat.HEADER + length > window.length) {
                    window = new byte[RecordFormat.HEADER + length];
                    w = MemorySegment.ofArray(window);
                    windowLength = 0;
                }
                if (offset + RecordFormat.HEADER + length > windowStart + windowLength) {
                    windowStart = offset;
                    windowLength = fill(ch, window, offset, limit);
                    at = 0;
                }
                if (!RecordFormat.intact(w, at)) {
                    return new Result(offset, expected, true);
                }
                boolean more = visitor.visit(sequence,
                        ByteBuffer.wrap(window, (int) at + RecordFormat.HEADER, length).slice().asReadOnlyBuffer());
                offset += RecordFormat.HEADER + length;
                expected++;
                if (!more) {
                    break;
                }
            }
            return new Result(offset, expected, false);
        }
    }

    private static int fill(FileChannel ch, byte[] window, long position, long limit) throws IOException {
        int want = (int) Math.min(window.length, limit - position);
        ByteBuffer b = ByteBuffer.wrap(window, 0, want);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                break;
            }
        }
        return b.position();
    }
}
