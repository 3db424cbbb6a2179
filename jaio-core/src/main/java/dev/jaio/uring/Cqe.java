package dev.jaio.uring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * A completion: a {@code struct io_uring_cqe} as the kernel posts it to the completion queue.
 *
 * {@snippet lang=c :
 * struct io_uring_cqe {    // linux/io_uring.h
 *     __u64 user_data;     //  0: the sqe's user_data
 *     __s32 res;           //  8: the result, or -errno
 *     __u32 flags;         // 12: IORING_CQE_F_*
 * };                       // 16 bytes (32 with IORING_SETUP_CQE32, which this layer does not use)
 * }
 *
 * @param userData the submitted entry's {@link Sqe#userData()}
 * @param res      the result (bytes transferred, a new descriptor, poll events, 0), or {@code -errno}
 * @param flags    the {@code F_*} flags
 */
public record Cqe(long userData, int res, int flags) {
    /** {@code struct io_uring_cqe}, 16 bytes, aligned to 8. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("user_data"),
            JAVA_INT.withName("res"),
            JAVA_INT.withName("flags")).withName("io_uring_cqe");

    static final long USER_DATA = LAYOUT.byteOffset(PathElement.groupElement("user_data"));
    static final long RES = LAYOUT.byteOffset(PathElement.groupElement("res"));
    static final long FLAGS = LAYOUT.byteOffset(PathElement.groupElement("flags"));

    /** {@code IORING_CQE_F_BUFFER}: the upper 16 bits of {@code flags} are a selected buffer's id. */
    public static final int F_BUFFER = 1;
    /** {@code IORING_CQE_F_MORE}: the request will post more completions (multishot). */
    public static final int F_MORE = 1 << 1;
    /** {@code IORING_CQE_F_SOCK_NONEMPTY}: the socket has more data to read. */
    public static final int F_SOCK_NONEMPTY = 1 << 2;
    /** {@code IORING_CQE_F_NOTIF}: a zero-copy send's notification. */
    public static final int F_NOTIF = 1 << 3;

    /**
     * Reads the {@code index}-th completion of an array of {@code struct io_uring_cqe}.
     *
     * @param cqes  the array
     * @param index the index
     * @return the completion
     */
    public static Cqe read(MemorySegment cqes, long index) {
        long base = index * LAYOUT.byteSize();
        return new Cqe(cqes.get(JAVA_LONG, base + USER_DATA), cqes.get(JAVA_INT, base + RES),
                cqes.get(JAVA_INT, base + FLAGS));
    }

    /**
     * Whether the request failed: {@code res} is a negated errno.
     *
     * @return {@code res < 0}
     */
    public boolean failed() {
        return res < 0;
    }

    /**
     * The errno of a failed request.
     *
     * @return {@code -res} when negative, else 0
     */
    public int errno() {
        return res < 0 ? -res : 0;
    }
}
