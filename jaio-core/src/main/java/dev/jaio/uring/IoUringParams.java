package dev.jaio.uring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * The parameters of io_uring_setup(2): a {@code struct io_uring_params} in native memory, filled in by
 * the caller ({@link #flags(int)}, {@link #cqEntries(int)}, ...) and completed by the kernel (the sizes
 * it chose, {@link #features()}, and the offsets of the ring fields).
 *
 * {@snippet lang=c :
 * struct io_sqring_offsets {          // 40 bytes
 *     __u32 head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
 *     __u64 resv2;                    // user_addr on kernels from 6.5 (IORING_SETUP_NO_MMAP)
 * };
 * struct io_cqring_offsets {          // 40 bytes
 *     __u32 head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
 *     __u64 resv2;                    // user_addr on kernels from 6.5
 * };
 * struct io_uring_params {            // linux/io_uring.h
 *     __u32 sq_entries;               //  0: out: SQ size
 *     __u32 cq_entries;               //  4: in with IORING_SETUP_CQSIZE, out: CQ size
 *     __u32 flags;                    //  8: IORING_SETUP_*
 *     __u32 sq_thread_cpu;            // 12: with IORING_SETUP_SQ_AFF
 *     __u32 sq_thread_idle;           // 16: milliseconds, with IORING_SETUP_SQPOLL
 *     __u32 features;                 // 20: out: IORING_FEAT_*
 *     __u32 wq_fd;                    // 24: with IORING_SETUP_ATTACH_WQ
 *     __u32 resv[3];                  // 28: must be zero
 *     struct io_sqring_offsets sq_off;// 40: out
 *     struct io_cqring_offsets cq_off;// 80: out
 * };                                  // 120 bytes
 * }
 *
 * <p>Setters are fluent and write the field exactly as given; io_uring_setup(2) validates. One object
 * is for one setup call: the kernel overwrites the output fields. Not thread-safe.
 */
public final class IoUringParams {
    /** {@code IORING_SETUP_IOPOLL}: busy-wait for completions (O_DIRECT files on polled devices only). */
    public static final int SETUP_IOPOLL = 1;
    /** {@code IORING_SETUP_SQPOLL}: a kernel thread polls the submission queue. */
    public static final int SETUP_SQPOLL = 1 << 1;
    /** {@code IORING_SETUP_SQ_AFF}: pin the SQ thread to {@link #sqThreadCpu(int)}; needs SQPOLL. */
    public static final int SETUP_SQ_AFF = 1 << 2;
    /** {@code IORING_SETUP_CQSIZE}: the completion queue gets {@link #cqEntries(int)} entries. */
    public static final int SETUP_CQSIZE = 1 << 3;
    /** {@code IORING_SETUP_CLAMP}: clamp too large sizes instead of failing with EINVAL. */
    public static final int SETUP_CLAMP = 1 << 4;
    /** {@code IORING_SETUP_ATTACH_WQ}: share the async worker pool of the ring {@link #wqFd(int)}. */
    public static final int SETUP_ATTACH_WQ = 1 << 5;
    /** {@code IORING_SETUP_R_DISABLED}: the ring starts disabled (io_uring_enter answers EBADFD). */
    public static final int SETUP_R_DISABLED = 1 << 6;
    /** {@code IORING_SETUP_SUBMIT_ALL}: keep submitting after an entry fails to be queued. */
    public static final int SETUP_SUBMIT_ALL = 1 << 7;
    /** {@code IORING_SETUP_COOP_TASKRUN}: completions run when the task enters the kernel, not by IPI. */
    public static final int SETUP_COOP_TASKRUN = 1 << 8;
    /** {@code IORING_SETUP_TASKRUN_FLAG}: set {@code IORING_SQ_TASKRUN} when work waits for the task. */
    public static final int SETUP_TASKRUN_FLAG = 1 << 9;
    /** {@code IORING_SETUP_SQE128}: 128-byte entries; not supported by this layer. */
    public static final int SETUP_SQE128 = 1 << 10;
    /** {@code IORING_SETUP_CQE32}: 32-byte completions; not supported by this layer. */
    public static final int SETUP_CQE32 = 1 << 11;
    /** {@code IORING_SETUP_SINGLE_ISSUER}: only one task submits. */
    public static final int SETUP_SINGLE_ISSUER = 1 << 12;
    /** {@code IORING_SETUP_DEFER_TASKRUN}: completions are produced only when the task waits for them. */
    public static final int SETUP_DEFER_TASKRUN = 1 << 13;
    /** {@code IORING_SETUP_NO_MMAP}: the application supplies the ring memory; not supported by this layer. */
    public static final int SETUP_NO_MMAP = 1 << 14;
    /** {@code IORING_SETUP_REGISTERED_FD_ONLY}: no ring descriptor; not supported by this layer. */
    public static final int SETUP_REGISTERED_FD_ONLY = 1 << 15;
    /** {@code IORING_SETUP_NO_SQARRAY}: no indirection array; entries are taken in ring order. */
    public static final int SETUP_NO_SQARRAY = 1 << 16;

    /** {@code struct io_sqring_offsets}, 40 bytes. */
    public static final StructLayout SQ_OFFSETS_LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("head"),
            JAVA_INT.withName("tail"),
            JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("dropped"),
            JAVA_INT.withName("array"),
            JAVA_INT.withName("resv1"),
            JAVA_LONG.withName("resv2")).withName("io_sqring_offsets");

    /** {@code struct io_cqring_offsets}, 40 bytes. */
    public static final StructLayout CQ_OFFSETS_LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("head"),
            JAVA_INT.withName("tail"),
            JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"),
            JAVA_INT.withName("overflow"),
            JAVA_INT.withName("cqes"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("resv1"),
            JAVA_LONG.withName("resv2")).withName("io_cqring_offsets");

    /** {@code struct io_uring_params}, 120 bytes, aligned to 8. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("sq_entries"),
            JAVA_INT.withName("cq_entries"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("sq_thread_cpu"),
            JAVA_INT.withName("sq_thread_idle"),
            JAVA_INT.withName("features"),
            JAVA_INT.withName("wq_fd"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv"),
            SQ_OFFSETS_LAYOUT.withName("sq_off"),
            CQ_OFFSETS_LAYOUT.withName("cq_off")).withName("io_uring_params");

    static final long SQ_ENTRIES = offset("sq_entries");
    static final long CQ_ENTRIES = offset("cq_entries");
    static final long FLAGS = offset("flags");
    static final long SQ_THREAD_CPU = offset("sq_thread_cpu");
    static final long SQ_THREAD_IDLE = offset("sq_thread_idle");
    static final long FEATURES = offset("features");
    static final long WQ_FD = offset("wq_fd");
    static final long RESV = offset("resv");
    static final long SQ_OFF = offset("sq_off");
    static final long CQ_OFF = offset("cq_off");

    private static long offset(String field) {
        return LAYOUT.byteOffset(PathElement.groupElement(field));
    }

    private static long sqOffset(String field) {
        return SQ_OFFSETS_LAYOUT.byteOffset(PathElement.groupElement(field));
    }

    private static long cqOffset(String field) {
        return CQ_OFFSETS_LAYOUT.byteOffset(PathElement.groupElement(field));
    }

    private final MemorySegment segment;

    /** Zeroed parameters: no flags, the kernel's default sizes. */
    public IoUringParams() {
        this.segment = Arena.ofAuto().allocate(LAYOUT);
    }

    /**
     * The native {@code struct io_uring_params}, for io_uring_setup(2).
     *
     * @return the segment
     */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * Sets {@code flags}, a set of {@code SETUP_*}.
     *
     * @param flags the flags
     * @return this
     */
    public IoUringParams flags(int flags) {
        segment.set(JAVA_INT, FLAGS, flags);
        return this;
    }

    /**
     * The {@code SETUP_*} flags.
     *
     * @return {@code flags}
     */
    public int flags() {
        return segment.get(JAVA_INT, FLAGS);
    }

    /**
     * Sets {@code cq_entries}, the completion queue's size when {@link #SETUP_CQSIZE} is set.
     *
     * @param cqEntries the size asked for; the kernel rounds it up to a power of two
     * @return this
     */
    public IoUringParams cqEntries(int cqEntries) {
        segment.set(JAVA_INT, CQ_ENTRIES, cqEntries);
        return this;
    }

    /**
     * {@code cq_entries}: after setup, the completion queue's size.
     *
     * @return {@code cq_entries}
     */
    public int cqEntries() {
        return segment.get(JAVA_INT, CQ_ENTRIES);
    }

    /**
     * {@code sq_entries}: after setup, the submission queue's size.
     *
     * @return {@code sq_entries}
     */
    public int sqEntries() {
        return segment.get(JAVA_INT, SQ_ENTRIES);
    }

    /**
     * Sets {@code sq_thread_cpu}, used with {@link #SETUP_SQ_AFF}.
     *
     * @param cpu the CPU
     * @return this
     */
    public IoUringParams sqThreadCpu(int cpu) {
        segment.set(JAVA_INT, SQ_THREAD_CPU, cpu);
        return this;
    }

    /**
     * {@code sq_thread_cpu}.
     *
     * @return the SQ thread's CPU
     */
    public int sqThreadCpu() {
        return segment.get(JAVA_INT, SQ_THREAD_CPU);
    }

    /**
     * Sets {@code sq_thread_idle}: how long the {@link #SETUP_SQPOLL} thread polls before it sleeps.
     *
     * @param millis milliseconds
     * @return this
     */
    public IoUringParams sqThreadIdle(int millis) {
        segment.set(JAVA_INT, SQ_THREAD_IDLE, millis);
        return this;
    }

    /**
     * {@code sq_thread_idle}, in milliseconds.
     *
     * @return the idle time
     */
    public int sqThreadIdle() {
        return segment.get(JAVA_INT, SQ_THREAD_IDLE);
    }

    /**
     * Sets {@code wq_fd}, the ring whose workers {@link #SETUP_ATTACH_WQ} shares.
     *
     * @param fd a ring fd
     * @return this
     */
    public IoUringParams wqFd(int fd) {
        segment.set(JAVA_INT, WQ_FD, fd);
        return this;
    }

    /**
     * {@code wq_fd}.
     *
     * @return the ring descriptor for {@link #SETUP_ATTACH_WQ}
     */
    public int wqFd() {
        return segment.get(JAVA_INT, WQ_FD);
    }

    /**
     * Sets {@code resv[index]}, which the kernel requires to be zero; for tests of that check.
     *
     * @param index 0 to 2
     * @param value the value
     * @return this
     */
    public IoUringParams resv(int index, int value) {
        segment.setAtIndex(JAVA_INT, RESV / 4 + java.util.Objects.checkIndex(index, 3), value);
        return this;
    }

    /**
     * {@code features}: after setup, the {@code IoUring.FEAT_*} the kernel has.
     *
     * @return {@code features}
     */
    public int features() {
        return segment.get(JAVA_INT, FEATURES);
    }

    int sqOff(String field) {
        return segment.get(JAVA_INT, SQ_OFF + sqOffset(field));
    }

    int cqOff(String field) {
        return segment.get(JAVA_INT, CQ_OFF + cqOffset(field));
    }

    @Override
    public String toString() {
        return "IoUringParams[flags=0x" + Integer.toHexString(flags()) + ", sqEntries=" + sqEntries()
                + ", cqEntries=" + cqEntries() + ", features=0x" + Integer.toHexString(features()) + "]";
    }
}
