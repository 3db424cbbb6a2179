package dev.jaio.aio;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.Objects;

/**
 * A reusable native array of {@code struct io_event}, for reaping completions without allocating:
 * {@link AioContext#getEvents(int, IoEventArray, long)} fills it, and the accessors read one field of
 * one event. Not thread-safe: one reaper uses an array at a time.
 */
public final class IoEventArray {
    private static final long SIZE = IoEvent.LAYOUT.byteSize();

    private final MemorySegment segment;
    private final int capacity;

    private IoEventArray(MemorySegment segment, int capacity) {
        this.segment = segment;
        this.capacity = capacity;
    }

    /**
     * An array of {@code capacity} events in memory the garbage collector frees.
     *
     * @param capacity how many events the array holds
     * @return the new array
     */
    public static IoEventArray allocate(int capacity) {
        return allocate(Arena.ofAuto(), capacity);
    }

    /**
     * An array of {@code capacity} events from {@code allocator}.
     *
     * @param allocator where the memory comes from; it decides how long the memory lives
     * @param capacity how many events the array holds
     * @return the new array
     */
    public static IoEventArray allocate(SegmentAllocator allocator, int capacity) {
        Objects.requireNonNull(allocator, "allocator");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: capacity=" + capacity);
        }
        return new IoEventArray(allocator.allocate(IoEvent.LAYOUT, capacity), capacity);
    }

    /**
     * How many events the array holds.
     *
     * @return how many events the array holds
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The native memory, {@code capacity * 32} bytes.
     *
     * @return the native memory, {@code capacity 32} bytes
     */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * The {@code data} of event {@code index}: the iocb's {@code aio_data}.
     *
     * @param index which event, from 0
     * @return the {@code data} of event {@code index}: the iocb's {@code aio_data}
     */
    public long data(int index) {
        return segment.get(JAVA_LONG, offset(index) + IoEvent.DATA);
    }

    /**
     * The {@code obj} of event {@code index}: the iocb's address.
     *
     * @param index which event, from 0
     * @return the {@code obj} of event {@code index}: the iocb's address
     */
    public long obj(int index) {
        return segment.get(JAVA_LONG, offset(index) + IoEvent.OBJ);
    }

    /**
     * The {@code res} of event {@code index}: bytes transferred, or {@code -errno}.
     *
     * @param index which event, from 0
     * @return the {@code res} of event {@code index}: bytes transferred, or {@code -errno}
     */
    public long res(int index) {
        return segment.get(JAVA_LONG, offset(index) + IoEvent.RES);
    }

    /**
     * The {@code res2} of event {@code index}.
     *
     * @param index which event, from 0
     * @return the {@code res2} of event {@code index}
     */
    public long res2(int index) {
        return segment.get(JAVA_LONG, offset(index) + IoEvent.RES2);
    }

    /**
     * The {@code index}-th event as a record.
     *
     * @param index which event, from 0
     * @return the {@code index}-th event as a record
     */
    public IoEvent get(int index) {
        return IoEvent.read(segment, Objects.checkIndex(index, capacity));
    }

    private long offset(int index) {
        return Objects.checkIndex(index, capacity) * SIZE;
    }
}
