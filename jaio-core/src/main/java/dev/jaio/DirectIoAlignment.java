package dev.jaio;

import java.lang.foreign.MemorySegment;

/**
 * What O_DIRECT requires of a file's requests: buffer addresses aligned to {@code memory} bytes, and
 * file offsets and lengths aligned to {@code offset} bytes.
 *
 * <p>{@link NativeFile#directIoAlignment()} finds it with statx(2)'s {@code STATX_DIOALIGN} (Linux 6.1+),
 * then the block device's logical block size, then assumes 4096.
 *
 * @param memory the alignment of buffer addresses, a power of two
 * @param offset the alignment of file offsets and request lengths, a power of two
 */
public record DirectIoAlignment(int memory, int offset) {
    /** The alignment jaio assumes when nothing better is known. */
    public static final DirectIoAlignment DEFAULT = new DirectIoAlignment(4096, 4096);

    /**
     * Checks both alignments.
     *
     * @throws IllegalArgumentException if either is not a positive power of two
     */
    public DirectIoAlignment {
        if (memory <= 0 || Integer.bitCount(memory) != 1 || offset <= 0 || Integer.bitCount(offset) != 1) {
            throw new IllegalArgumentException("alignments must be powers of two: memory=" + memory + " offset=" + offset);
        }
    }

    /**
     * Whether a request for {@code buffer} at {@code position} meets both alignments.
     *
     * @param buffer the request's memory
     * @param position the file position to start at, in bytes
     * @return whether a request for {@code buffer} at {@code position} meets both alignments
     */
    public boolean accepts(MemorySegment buffer, long position) {
        return buffer.isNative()
                && (buffer.address() & (memory - 1)) == 0
                && (buffer.byteSize() & (offset - 1)) == 0
                && (position & (offset - 1)) == 0;
    }

    /**
     * The larger of the two alignments: a buffer aligned to it, of a multiple of it, suits every request.
     *
     * @return the larger of the two alignments: a buffer aligned to it, of a multiple of it, suits every request
     */
    public int strictest() {
        return Math.max(memory, offset);
    }
}
