package dev.jaio.uring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.Objects;

/**
 * A reusable native array of {@code struct io_uring_cqe}, for reaping completions without allocating:
 * {@link IoUring#getCqes(int, CqeArray, long)} copies completions out of the ring into it, and the
 * accessors read one field of one entry. Not thread-safe: one reaper uses an array at a time.
 */
public final class CqeArray {
    private static final long SIZE = Cqe.LAYOUT.byteSize();

    private final MemorySegment segment;
    private final int capacity;

    private CqeArray(MemorySegment segment, int capacity) {
        this.segment = segment;
        this.capacity = capacity;
    }

    /**
     * An array of {@code capacity} completions in memory the garbage collector frees.
     *
     * @param capacity at least 1
     * @return the array
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public static CqeArray allocate(int capacity) {
        return allocate(Arena.ofAuto(), capacity);
    }

    /**
     * An array of {@code capacity} completions from {@code allocator}.
     *
     * @param allocator where the memory comes from
     * @param capacity  at least 1
     * @return the array
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public static CqeArray allocate(SegmentAllocator allocator, int capacity) {
        Objects.requireNonNull(allocator, "allocator");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: capacity=" + capacity);
        }
        return new CqeArray(allocator.allocate(Cqe.LAYOUT, capacity), capacity);
    }

    /**
     * How many completions the array holds.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The native memory, {@code capacity * 16} bytes.
     *
     * @return the segment
     */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * The {@code user_data} of entry {@code index}.
     *
     * @param index the entry
     * @return the submitted entry's user data
     */
    public long userData(int index) {
        return segment.get(JAVA_LONG, offset(index) + Cqe.USER_DATA);
    }

    /**
     * The {@code res} of entry {@code index}.
     *
     * @param index the entry
     * @return the result, or {@code -errno}
     */
    public int res(int index) {
        return segment.get(JAVA_INT, offset(index) + Cqe.RES);
    }

    /**
     * The {@code flags} of entry {@code index}.
     *
     * @param index the entry
     * @return the {@code Cqe.F_*} flags
     */
    public int flags(int index) {
        return segment.get(JAVA_INT, offset(index) + Cqe.FLAGS);
    }

    /**
     * Entry {@code index} as a record.
     *
     * @param index the entry
     * @return the completion
     */
    public Cqe get(int index) {
        return Cqe.read(segment, Objects.checkIndex(index, capacity));
    }

    private long offset(int index) {
        return Objects.checkIndex(index, capacity) * SIZE;
    }
}
