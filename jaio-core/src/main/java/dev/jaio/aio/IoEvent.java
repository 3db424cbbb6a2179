package dev.jaio.aio;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * A completion: a {@code struct io_event} as io_getevents(2) returns it.
 *
 * {@snippet lang=c :
 * struct io_event {
 *     __u64 data;   // the iocb's aio_data
 *     __u64 obj;    // the address of the iocb that completed
 *     __s64 res;    // bytes transferred, poll events, or -errno
 *     __s64 res2;   // secondary result, usually 0
 * };                // 32 bytes
 * }
 *
 * @param data the submitted iocb's {@code aio_data}
 * @param obj  the submitted iocb's address ({@link Iocb#address()})
 * @param res  the result: bytes transferred, fired poll events, or {@code -errno} on failure
 * @param res2 the secondary result
 */
public record IoEvent(long data, long obj, long res, long res2) {
    /** {@code struct io_event}, 32 bytes, aligned to 8. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("data"),
            JAVA_LONG.withName("obj"),
            JAVA_LONG.withName("res"),
            JAVA_LONG.withName("res2")).withName("io_event");

    static final long DATA = LAYOUT.byteOffset(PathElement.groupElement("data"));
    static final long OBJ = LAYOUT.byteOffset(PathElement.groupElement("obj"));
    static final long RES = LAYOUT.byteOffset(PathElement.groupElement("res"));
    static final long RES2 = LAYOUT.byteOffset(PathElement.groupElement("res2"));

    /**
     * Reads the {@code index}-th event of an array of {@code struct io_event}.
     *
     * @param events an array of {@code struct io_event}
     * @param index which event, from 0
     * @return the event
     */
    public static IoEvent read(MemorySegment events, long index) {
        long base = index * LAYOUT.byteSize();
        return new IoEvent(events.get(JAVA_LONG, base + DATA), events.get(JAVA_LONG, base + OBJ),
                events.get(JAVA_LONG, base + RES), events.get(JAVA_LONG, base + RES2));
    }

    /**
     * Whether the request failed: {@code res} is a negated errno.
     *
     * @return whether the request failed: {@code res} is a negated errno
     */
    public boolean failed() {
        return res < 0;
    }

    /**
     * The errno of a failed request, or 0.
     *
     * @return the errno of a failed request, or 0
     */
    public int errno() {
        return res < 0 && res >= -4095 ? (int) -res : 0;
    }
}
