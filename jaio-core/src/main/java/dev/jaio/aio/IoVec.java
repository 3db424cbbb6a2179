package dev.jaio.aio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.util.List;
import java.util.Objects;

/**
 * {@code struct iovec} arrays for {@link Iocb#prepPreadv} and {@link Iocb#prepPwritev}.
 *
 * {@snippet lang=c :
 * struct iovec {
 *     void  *iov_base;   // start of the buffer
 *     size_t iov_len;    // its length
 * };                     // 16 bytes
 * }
 */
public final class IoVec {
    private IoVec() {
    }

    /** {@code struct iovec}. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len")).withName("iovec");

    static final long BASE = LAYOUT.byteOffset(PathElement.groupElement("iov_base"));
    static final long LEN = LAYOUT.byteOffset(PathElement.groupElement("iov_len"));

    /**
     * An iovec array with one entry per buffer, in order, from {@code allocator}.
     *
     * @param allocator where the memory comes from; it decides how long the memory lives
     * @param buffers the buffers, in order; each must be native memory
     * @return the iovec array, {@code buffers.size()} entries
     * @throws IllegalArgumentException if a buffer is not native memory
     */
    public static MemorySegment array(SegmentAllocator allocator, List<MemorySegment> buffers) {
        Objects.requireNonNull(buffers, "buffers");
        MemorySegment iov = allocator.allocate(LAYOUT, Math.max(1, buffers.size()));
        for (int i = 0; i < buffers.size(); i++) {
            set(iov, i, buffers.get(i));
        }
        return iov;
    }

    /**
     * Sets entry {@code index} of an iovec array to a native buffer.
     *
     * @param iovecs an array of {@code struct iovec}, as made by {@link IoVec#array}
     * @param index which entry, from 0
     * @param buffer native memory the entry is to describe
     */
    public static void set(MemorySegment iovecs, int index, MemorySegment buffer) {
        if (!buffer.isNative()) {
            throw new IllegalArgumentException("iovec buffers must be native memory: index=" + index);
        }
        long base = index * LAYOUT.byteSize();
        iovecs.set(ADDRESS, base + BASE, buffer);
        iovecs.set(JAVA_LONG, base + LEN, buffer.byteSize());
    }

    /**
     * Moves past {@code n} bytes transferred from entry {@code first} on, in place: entries used up are
     * skipped and the one partly used is shortened from the front.
     *
     * @param iovecs the {@code struct iovec} array
     * @param first  the first entry not yet used up
     * @param count  the number of entries
     * @param n      the bytes the last call transferred
     * @return the index of the first entry with bytes left ({@code count} when none has)
     */
    public static int advance(MemorySegment iovecs, int first, int count, long n) {
        int i = first;
        while (i < count && n > 0) {
            long at = i * LAYOUT.byteSize();
            long len = iovecs.get(JAVA_LONG, at + LEN);
            if (n >= len) {
                n -= len;
                i++;
            } else {
                iovecs.set(JAVA_LONG, at + BASE, iovecs.get(JAVA_LONG, at + BASE) + n);
                iovecs.set(JAVA_LONG, at + LEN, len - n);
                n = 0;
            }
        }
        return i;
    }

    /**
     * The total length of the first {@code count} entries.
     *
     * @param iovecs an array of {@code struct iovec}, as made by {@link IoVec#array}
     * @param count how many entries to add up
     * @return the total length of the first {@code count} entries
     */
    public static long totalLength(MemorySegment iovecs, int count) {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += iovecs.get(JAVA_LONG, i * LAYOUT.byteSize() + LEN);
        }
        return total;
    }
}
