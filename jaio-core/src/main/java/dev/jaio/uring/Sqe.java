package dev.jaio.uring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.time.Duration;
import java.util.Objects;

/**
 * A submission queue entry: one {@code struct io_uring_sqe} slot of a ring's SQE array, handed out by
 * {@link IoUring#getSqe()} zeroed, filled with a {@code prep*} method (liburing's
 * {@code io_uring_prep_*}) or the field setters, and queued by {@link IoUring#submit()}.
 *
 * {@snippet lang=c :
 * struct io_uring_sqe {               // linux/io_uring.h; unions named by their first member
 *     __u8   opcode;                  //  0: IORING_OP_*
 *     __u8   flags;                   //  1: IOSQE_*
 *     __u16  ioprio;                  //  2
 *     __s32  fd;                      //  4: file descriptor, or registered file index
 *     __u64  off;                     //  8: file offset | addr2 | cmd_op
 *     __u64  addr;                    // 16: buffer, iovec array, path | splice_off_in
 *     __u32  len;                     // 24: buffer size, iovec count, mode
 *     __u32  rw_flags;                // 28: rw_flags | fsync_flags | poll32_events | timeout_flags |
 *                                     //     cancel_flags | open_flags | statx_flags | ...
 *     __u64  user_data;               // 32: returned in the completion
 *     __u16  buf_index;               // 40: registered buffer index | buf_group
 *     __u16  personality;             // 42
 *     __s32  splice_fd_in;            // 44: | file_index | addr_len
 *     __u64  addr3;                   // 48
 *     __u64  __pad2[1];               // 56
 * };                                  // 64 bytes
 * }
 *
 * <p>Setters are fluent and write the field exactly as given; the kernel validates it and answers in
 * the completion's {@code res}. The kernel reads the entry when it is submitted; the memory it names
 * (buffers, iovecs, paths, statx buffers) must stay allocated until its completion is reaped, which is
 * the caller's job in this raw layer ({@code prepTimeout}'s timespec is the exception: the kernel copies
 * it at submission). An {@code Sqe} belongs to its ring's slot: do not touch it after {@code submit},
 * and after the ring is closed every access throws {@link IllegalStateException}. Not thread-safe.
 */
public final class Sqe {
    /** {@code struct io_uring_sqe}, 64 bytes, aligned to 8. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_BYTE.withName("opcode"),
            JAVA_BYTE.withName("flags"),
            JAVA_SHORT.withName("ioprio"),
            JAVA_INT.withName("fd"),
            JAVA_LONG.withName("off"),
            JAVA_LONG.withName("addr"),
            JAVA_INT.withName("len"),
            JAVA_INT.withName("rw_flags"),
            JAVA_LONG.withName("user_data"),
            JAVA_SHORT.withName("buf_index"),
            JAVA_SHORT.withName("personality"),
            JAVA_INT.withName("splice_fd_in"),
            JAVA_LONG.withName("addr3"),
            JAVA_LONG.withName("__pad2")).withName("io_uring_sqe");

    static final long OPCODE = offset("opcode");
    static final long FLAGS = offset("flags");
    static final long IOPRIO = offset("ioprio");
    static final long FD = offset("fd");
    static final long OFF = offset("off");
    static final long ADDR = offset("addr");
    static final long LEN = offset("len");
    static final long RW_FLAGS = offset("rw_flags");
    static final long USER_DATA = offset("user_data");
    static final long BUF_INDEX = offset("buf_index");
    static final long PERSONALITY = offset("personality");
    static final long SPLICE_FD_IN = offset("splice_fd_in");
    static final long ADDR3 = offset("addr3");
    static final long PAD2 = offset("__pad2");

    private static long offset(String field) {
        return LAYOUT.byteOffset(PathElement.groupElement(field));
    }

    /** {@code IORING_OP_NOP}: completes at once with res 0. */
    public static final int OP_NOP = 0;
    /** {@code IORING_OP_READV}: preadv2(2). */
    public static final int OP_READV = 1;
    /** {@code IORING_OP_WRITEV}: pwritev2(2). */
    public static final int OP_WRITEV = 2;
    /** {@code IORING_OP_FSYNC}: fsync(2), or fdatasync(2) with {@link #FSYNC_DATASYNC}. */
    public static final int OP_FSYNC = 3;
    /** {@code IORING_OP_READ_FIXED}: read into a registered buffer. */
    public static final int OP_READ_FIXED = 4;
    /** {@code IORING_OP_WRITE_FIXED}: write from a registered buffer. */
    public static final int OP_WRITE_FIXED = 5;
    /** {@code IORING_OP_POLL_ADD}: wait for poll events on a descriptor. */
    public static final int OP_POLL_ADD = 6;
    /** {@code IORING_OP_POLL_REMOVE}: remove a pending poll request. */
    public static final int OP_POLL_REMOVE = 7;
    /** {@code IORING_OP_SYNC_FILE_RANGE}: sync_file_range(2). */
    public static final int OP_SYNC_FILE_RANGE = 8;
    /** {@code IORING_OP_SENDMSG}: sendmsg(2). */
    public static final int OP_SENDMSG = 9;
    /** {@code IORING_OP_RECVMSG}: recvmsg(2). */
    public static final int OP_RECVMSG = 10;
    /** {@code IORING_OP_TIMEOUT}: complete after a time or a number of other completions. */
    public static final int OP_TIMEOUT = 11;
    /** {@code IORING_OP_TIMEOUT_REMOVE}: remove or update a timeout. */
    public static final int OP_TIMEOUT_REMOVE = 12;
    /** {@code IORING_OP_ACCEPT}: accept4(2). */
    public static final int OP_ACCEPT = 13;
    /** {@code IORING_OP_ASYNC_CANCEL}: cancel a request in flight. */
    public static final int OP_ASYNC_CANCEL = 14;
    /** {@code IORING_OP_LINK_TIMEOUT}: a timeout for the request linked before it. */
    public static final int OP_LINK_TIMEOUT = 15;
    /** {@code IORING_OP_CONNECT}: connect(2). */
    public static final int OP_CONNECT = 16;
    /** {@code IORING_OP_FALLOCATE}: fallocate(2). */
    public static final int OP_FALLOCATE = 17;
    /** {@code IORING_OP_OPENAT}: openat(2). */
    public static final int OP_OPENAT = 18;
    /** {@code IORING_OP_CLOSE}: close(2). */
    public static final int OP_CLOSE = 19;
    /** {@code IORING_OP_FILES_UPDATE}: update registered files. */
    public static final int OP_FILES_UPDATE = 20;
    /** {@code IORING_OP_STATX}: statx(2). */
    public static final int OP_STATX = 21;
    /** {@code IORING_OP_READ}: pread(2). */
    public static final int OP_READ = 22;
    /** {@code IORING_OP_WRITE}: pwrite(2). */
    public static final int OP_WRITE = 23;
    /** {@code IORING_OP_FADVISE}: posix_fadvise(2). */
    public static final int OP_FADVISE = 24;
    /** {@code IORING_OP_MADVISE}: madvise(2). */
    public static final int OP_MADVISE = 25;
    /** {@code IORING_OP_SEND}: send(2). */
    public static final int OP_SEND = 26;
    /** {@code IORING_OP_RECV}: recv(2). */
    public static final int OP_RECV = 27;
    /** {@code IORING_OP_OPENAT2}: openat2(2). */
    public static final int OP_OPENAT2 = 28;

    /** {@code IOSQE_FIXED_FILE}: {@code fd} is an index into the registered files. */
    public static final int IOSQE_FIXED_FILE = 1;
    /** {@code IOSQE_IO_DRAIN}: start only once every earlier request has completed. */
    public static final int IOSQE_IO_DRAIN = 1 << 1;
    /** {@code IOSQE_IO_LINK}: the next entry starts only once this one succeeded. */
    public static final int IOSQE_IO_LINK = 1 << 2;
    /** {@code IOSQE_IO_HARDLINK}: the next entry starts once this one completed, even failed. */
    public static final int IOSQE_IO_HARDLINK = 1 << 3;
    /** {@code IOSQE_ASYNC}: go to an async worker without trying inline first. */
    public static final int IOSQE_ASYNC = 1 << 4;
    /** {@code IOSQE_BUFFER_SELECT}: pick a buffer from the group {@code buf_group}. */
    public static final int IOSQE_BUFFER_SELECT = 1 << 5;
    /** {@code IOSQE_CQE_SKIP_SUCCESS}: post no completion when the request succeeds. */
    public static final int IOSQE_CQE_SKIP_SUCCESS = 1 << 6;

    /** {@code IORING_FSYNC_DATASYNC}: fdatasync(2) semantics for {@link #prepFsync}. */
    public static final int FSYNC_DATASYNC = 1;

    /** {@code IORING_TIMEOUT_ABS}: the timespec is an absolute time. */
    public static final int TIMEOUT_ABS = 1;
    /** {@code IORING_TIMEOUT_BOOTTIME}: measure on CLOCK_BOOTTIME. */
    public static final int TIMEOUT_BOOTTIME = 1 << 2;
    /** {@code IORING_TIMEOUT_REALTIME}: measure on CLOCK_REALTIME. */
    public static final int TIMEOUT_REALTIME = 1 << 3;
    /** {@code IORING_TIMEOUT_ETIME_SUCCESS}: an expired timeout counts as success in a link. */
    public static final int TIMEOUT_ETIME_SUCCESS = 1 << 5;

    /** {@code IORING_ASYNC_CANCEL_ALL}: cancel every matching request, answer how many. */
    public static final int ASYNC_CANCEL_ALL = 1;
    /** {@code IORING_ASYNC_CANCEL_FD}: match on {@code fd} instead of {@code user_data}. */
    public static final int ASYNC_CANCEL_FD = 1 << 1;
    /** {@code IORING_ASYNC_CANCEL_ANY}: match any request. */
    public static final int ASYNC_CANCEL_ANY = 1 << 2;

    /** {@code struct __kernel_timespec}'s size, for {@link #timespec}. */
    private static final long TIMESPEC_SIZE = 16;

    private final MemorySegment slot;

    Sqe(MemorySegment slot) {
        this.slot = slot;
    }

    /**
     * The entry's memory: its 64 bytes in the ring's SQE array.
     *
     * @return the segment
     */
    public MemorySegment segment() {
        return slot;
    }

    void clear() {
        slot.fill((byte) 0);
    }

    // ---- fields -------------------------------------------------------------------------------------

    /**
     * Sets {@code opcode}.
     *
     * @param opcode an {@code OP_*}, written as its low 8 bits
     * @return this
     */
    public Sqe opcode(int opcode) {
        slot.set(JAVA_BYTE, OPCODE, (byte) opcode);
        return this;
    }

    /**
     * The {@code opcode}.
     *
     * @return the opcode, 0 to 255
     */
    public int opcode() {
        return Byte.toUnsignedInt(slot.get(JAVA_BYTE, OPCODE));
    }

    /**
     * Sets {@code flags}.
     *
     * @param flags a set of {@code IOSQE_*}, written as its low 8 bits
     * @return this
     */
    public Sqe flags(int flags) {
        slot.set(JAVA_BYTE, FLAGS, (byte) flags);
        return this;
    }

    /**
     * The {@code flags}.
     *
     * @return the {@code IOSQE_*} flags
     */
    public int flags() {
        return Byte.toUnsignedInt(slot.get(JAVA_BYTE, FLAGS));
    }

    /**
     * Sets {@code ioprio}.
     *
     * @param ioprio an I/O priority ({@code dev.jaio.aio.IoPriority}'s value), written as its low 16 bits
     * @return this
     */
    public Sqe ioprio(int ioprio) {
        slot.set(JAVA_SHORT, IOPRIO, (short) ioprio);
        return this;
    }

    /**
     * The {@code ioprio}.
     *
     * @return the I/O priority, 0 to 65535
     */
    public int ioprio() {
        return Short.toUnsignedInt(slot.get(JAVA_SHORT, IOPRIO));
    }

    /**
     * Sets {@code fd}.
     *
     * @param fd a file descriptor, or a registered file's index with {@link #IOSQE_FIXED_FILE}
     * @return this
     */
    public Sqe fd(int fd) {
        slot.set(JAVA_INT, FD, fd);
        return this;
    }

    /**
     * The {@code fd}.
     *
     * @return the descriptor or registered file index
     */
    public int fd() {
        return slot.get(JAVA_INT, FD);
    }

    /**
     * Sets {@code off} (also {@code addr2}).
     *
     * @param off the file offset, or what the opcode uses the field for
     * @return this
     */
    public Sqe off(long off) {
        slot.set(JAVA_LONG, OFF, off);
        return this;
    }

    /**
     * The {@code off}.
     *
     * @return the field
     */
    public long off() {
        return slot.get(JAVA_LONG, OFF);
    }

    /**
     * Sets {@code addr}.
     *
     * @param addr a buffer, iovec array or path address, or what the opcode uses the field for
     * @return this
     */
    public Sqe addr(long addr) {
        slot.set(JAVA_LONG, ADDR, addr);
        return this;
    }

    /**
     * The {@code addr}.
     *
     * @return the field
     */
    public long addr() {
        return slot.get(JAVA_LONG, ADDR);
    }

    /**
     * Sets {@code len}.
     *
     * @param len a byte count, an iovec count, or what the opcode uses the field for (an unsigned 32 bits)
     * @return this
     */
    public Sqe len(int len) {
        slot.set(JAVA_INT, LEN, len);
        return this;
    }

    /**
     * The {@code len}.
     *
     * @return the field, as the kernel's {@code __u32} bits
     */
    public int len() {
        return slot.get(JAVA_INT, LEN);
    }

    /**
     * Sets {@code rw_flags}, the union that is also {@code fsync_flags}, {@code poll32_events},
     * {@code timeout_flags}, {@code cancel_flags}, {@code open_flags}, {@code statx_flags}, ...
     *
     * @param flags the opcode's flags ({@code RWF_*} for reads and writes)
     * @return this
     */
    public Sqe rwFlags(int flags) {
        slot.set(JAVA_INT, RW_FLAGS, flags);
        return this;
    }

    /**
     * The {@code rw_flags} union.
     *
     * @return the field
     */
    public int rwFlags() {
        return slot.get(JAVA_INT, RW_FLAGS);
    }

    /**
     * Sets {@code user_data}, returned in the request's completion.
     *
     * @param userData any value
     * @return this
     */
    public Sqe userData(long userData) {
        slot.set(JAVA_LONG, USER_DATA, userData);
        return this;
    }

    /**
     * The {@code user_data}.
     *
     * @return the field
     */
    public long userData() {
        return slot.get(JAVA_LONG, USER_DATA);
    }

    /**
     * Sets {@code buf_index} (also {@code buf_group}).
     *
     * @param bufIndex a registered buffer's index, written as its low 16 bits
     * @return this
     */
    public Sqe bufIndex(int bufIndex) {
        slot.set(JAVA_SHORT, BUF_INDEX, (short) bufIndex);
        return this;
    }

    /**
     * The {@code buf_index}.
     *
     * @return the field, 0 to 65535
     */
    public int bufIndex() {
        return Short.toUnsignedInt(slot.get(JAVA_SHORT, BUF_INDEX));
    }

    /**
     * Sets {@code personality}.
     *
     * @param personality a registered personality's id, written as its low 16 bits
     * @return this
     */
    public Sqe personality(int personality) {
        slot.set(JAVA_SHORT, PERSONALITY, (short) personality);
        return this;
    }

    /**
     * The {@code personality}.
     *
     * @return the field, 0 to 65535
     */
    public int personality() {
        return Short.toUnsignedInt(slot.get(JAVA_SHORT, PERSONALITY));
    }

    /**
     * Sets {@code file_index} (also {@code splice_fd_in}).
     *
     * @param fileIndex the field's value
     * @return this
     */
    public Sqe fileIndex(int fileIndex) {
        slot.set(JAVA_INT, SPLICE_FD_IN, fileIndex);
        return this;
    }

    /**
     * The {@code file_index}.
     *
     * @return the field
     */
    public int fileIndex() {
        return slot.get(JAVA_INT, SPLICE_FD_IN);
    }

    /**
     * Sets {@code addr3}.
     *
     * @param addr3 the field's value
     * @return this
     */
    public Sqe addr3(long addr3) {
        slot.set(JAVA_LONG, ADDR3, addr3);
        return this;
    }

    /**
     * The {@code addr3}.
     *
     * @return the field
     */
    public long addr3() {
        return slot.get(JAVA_LONG, ADDR3);
    }

    // ---- preps (liburing's io_uring_prep_*) ---------------------------------------------------------

    /** liburing's {@code io_uring_prep_rw}: the fields every prep sets; the rest of the entry is zero. */
    private Sqe prepRw(int op, int fd, long addr, int len, long offset) {
        slot.set(JAVA_BYTE, OPCODE, (byte) op);
        slot.set(JAVA_INT, FD, fd);
        slot.set(JAVA_LONG, OFF, offset);
        slot.set(JAVA_LONG, ADDR, addr);
        slot.set(JAVA_INT, LEN, len);
        return this;
    }

    /** The address of native memory; a heap segment's "address" is an array offset the kernel cannot use. */
    private static long address(MemorySegment segment, String name) {
        Objects.requireNonNull(segment, name);
        if (!segment.isNative()) {
            throw new IllegalArgumentException("the kernel needs native memory: " + name + "=" + segment);
        }
        return segment.address();
    }

    private static int length(MemorySegment buffer) {
        address(buffer, "buffer");
        if (buffer.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a buffer must be under 2 GiB: byteSize=" + buffer.byteSize());
        }
        return (int) buffer.byteSize();
    }

    /**
     * {@code io_uring_prep_nop}: a request that completes with 0.
     *
     * @return this
     */
    public Sqe prepNop() {
        return prepRw(OP_NOP, -1, 0, 0, 0);
    }

    /**
     * {@code io_uring_prep_read}: pread(2) of {@code buffer.byteSize()} bytes into {@code buffer}.
     *
     * @param fd     the file
     * @param buffer native memory, allocated until the completion is reaped
     * @param offset the file offset, or -1 for the file position
     * @return this
     * @throws IllegalArgumentException if {@code buffer} is not native or is 2 GiB or more
     */
    public Sqe prepRead(int fd, MemorySegment buffer, long offset) {
        return prepRw(OP_READ, fd, buffer.address(), length(buffer), offset);
    }

    /**
     * {@code io_uring_prep_read} with a raw address, which the kernel checks (a bad one completes with
     * {@code -EFAULT}).
     *
     * @param fd      the file
     * @param address the buffer's address
     * @param nbytes  how many bytes (an unsigned 32 bits)
     * @param offset  the file offset, or -1 for the file position
     * @return this
     */
    public Sqe prepRead(int fd, long address, int nbytes, long offset) {
        return prepRw(OP_READ, fd, address, nbytes, offset);
    }

    /**
     * {@code io_uring_prep_write}: pwrite(2) of {@code buffer}.
     *
     * @param fd     the file
     * @param buffer native memory, allocated until the completion is reaped
     * @param offset the file offset, or -1 for the file position
     * @return this
     * @throws IllegalArgumentException if {@code buffer} is not native or is 2 GiB or more
     */
    public Sqe prepWrite(int fd, MemorySegment buffer, long offset) {
        return prepRw(OP_WRITE, fd, buffer.address(), length(buffer), offset);
    }

    /**
     * {@code io_uring_prep_write} with a raw address.
     *
     * @param fd      the file
     * @param address the buffer's address
     * @param nbytes  how many bytes (an unsigned 32 bits)
     * @param offset  the file offset, or -1 for the file position
     * @return this
     */
    public Sqe prepWrite(int fd, long address, int nbytes, long offset) {
        return prepRw(OP_WRITE, fd, address, nbytes, offset);
    }

    /**
     * {@code io_uring_prep_readv}: preadv2(2) into {@code nrVecs} iovecs ({@code dev.jaio.aio.IoVec}).
     *
     * @param fd      the file
     * @param iovecs  an array of {@code struct iovec}; it and the buffers stay allocated until the
     *                completion is reaped
     * @param nrVecs  how many iovecs
     * @param offset  the file offset, or -1 for the file position
     * @return this
     * @throws IllegalArgumentException if {@code iovecs} is not native memory
     */
    public Sqe prepReadv(int fd, MemorySegment iovecs, int nrVecs, long offset) {
        return prepRw(OP_READV, fd, address(iovecs, "iovecs"), nrVecs, offset);
    }

    /**
     * {@code io_uring_prep_writev}: pwritev2(2) from {@code nrVecs} iovecs.
     *
     * @param fd      the file
     * @param iovecs  an array of {@code struct iovec}
     * @param nrVecs  how many iovecs
     * @param offset  the file offset, or -1 for the file position
     * @return this
     * @throws IllegalArgumentException if {@code iovecs} is not native memory
     */
    public Sqe prepWritev(int fd, MemorySegment iovecs, int nrVecs, long offset) {
        return prepRw(OP_WRITEV, fd, address(iovecs, "iovecs"), nrVecs, offset);
    }

    /**
     * {@code io_uring_prep_read_fixed}: a read into (part of) the registered buffer {@code bufIndex}.
     *
     * @param fd       the file
     * @param buffer   memory inside the registered buffer {@code bufIndex}
     * @param offset   the file offset
     * @param bufIndex the buffer's index in {@link IoUring#registerBuffers}
     * @return this
     * @throws IllegalArgumentException if {@code buffer} is not native or is 2 GiB or more
     */
    public Sqe prepReadFixed(int fd, MemorySegment buffer, long offset, int bufIndex) {
        prepRw(OP_READ_FIXED, fd, buffer.address(), length(buffer), offset);
        return bufIndex(bufIndex);
    }

    /**
     * {@code io_uring_prep_write_fixed}: a write from (part of) the registered buffer {@code bufIndex}.
     *
     * @param fd       the file
     * @param buffer   memory inside the registered buffer {@code bufIndex}
     * @param offset   the file offset
     * @param bufIndex the buffer's index in {@link IoUring#registerBuffers}
     * @return this
     * @throws IllegalArgumentException if {@code buffer} is not native or is 2 GiB or more
     */
    public Sqe prepWriteFixed(int fd, MemorySegment buffer, long offset, int bufIndex) {
        prepRw(OP_WRITE_FIXED, fd, buffer.address(), length(buffer), offset);
        return bufIndex(bufIndex);
    }

    /**
     * {@code io_uring_prep_fsync}: fsync(2), or fdatasync(2) with {@link #FSYNC_DATASYNC}.
     *
     * @param fd         the file
     * @param fsyncFlags 0 or {@link #FSYNC_DATASYNC}
     * @return this
     */
    public Sqe prepFsync(int fd, int fsyncFlags) {
        prepRw(OP_FSYNC, fd, 0, 0, 0);
        return rwFlags(fsyncFlags);
    }

    /**
     * {@code io_uring_prep_fallocate}: fallocate(2); as in liburing, the mode travels in {@code len}
     * and the length in {@code addr}.
     *
     * @param fd     the file
     * @param mode   fallocate's mode ({@code FALLOC_FL_*}, 0 to allocate)
     * @param offset where the range starts
     * @param length how long it is
     * @return this
     */
    public Sqe prepFallocate(int fd, int mode, long offset, long length) {
        return prepRw(OP_FALLOCATE, fd, length, mode, offset);
    }

    /**
     * {@code io_uring_prep_poll_add}: completes once {@code fd} has one of the poll events, with the
     * events as {@code res}.
     *
     * @param fd       the descriptor
     * @param pollMask {@code POLLIN} (1), {@code POLLOUT} (4), ...
     * @return this
     */
    public Sqe prepPollAdd(int fd, int pollMask) {
        prepRw(OP_POLL_ADD, fd, 0, 0, 0);
        return rwFlags(pollMask);
    }

    /**
     * {@code io_uring_prep_poll_remove}: removes the poll request whose {@code user_data} is given; it
     * completes with {@code -ECANCELED}, this one with 0 (or {@code -ENOENT}).
     *
     * @param userData the poll request's user data
     * @return this
     */
    public Sqe prepPollRemove(long userData) {
        return prepRw(OP_POLL_REMOVE, -1, userData, 0, 0);
    }

    /**
     * {@code io_uring_prep_timeout}: completes with {@code -ETIME} when {@code ts} has passed, or with 0
     * once {@code count} other requests have completed (0: time only).
     *
     * @param ts    a {@code struct __kernel_timespec} ({@link #timespec}); the kernel copies it at submission
     * @param count completions to wait for, or 0
     * @param flags 0 or {@code TIMEOUT_*}
     * @return this
     * @throws IllegalArgumentException if {@code ts} is not native memory
     */
    public Sqe prepTimeout(MemorySegment ts, int count, int flags) {
        prepRw(OP_TIMEOUT, -1, address(ts, "ts"), 1, Integer.toUnsignedLong(count));
        return rwFlags(flags);
    }

    /**
     * {@code io_uring_prep_link_timeout}: cancels the request linked before it ({@link #IOSQE_IO_LINK})
     * if it has not completed within {@code ts}; that one then completes with {@code -ECANCELED}, this
     * one with {@code -ETIME} (or {@code -ECANCELED} when the request finished first).
     *
     * @param ts    a {@code struct __kernel_timespec}; the kernel copies it at submission
     * @param flags 0 or {@code TIMEOUT_*}
     * @return this
     * @throws IllegalArgumentException if {@code ts} is not native memory
     */
    public Sqe prepLinkTimeout(MemorySegment ts, int flags) {
        prepRw(OP_LINK_TIMEOUT, -1, address(ts, "ts"), 1, 0);
        return rwFlags(flags);
    }

    /**
     * {@code io_uring_prep_cancel64}: cancels the request whose {@code user_data} is given; that one
     * completes with {@code -ECANCELED}, this one with 0, {@code -ENOENT} (not found) or {@code -EALREADY}
     * (running, and may still complete).
     *
     * @param userData the request's user data
     * @param flags    0 or {@code ASYNC_CANCEL_*}
     * @return this
     */
    public Sqe prepCancel(long userData, int flags) {
        prepRw(OP_ASYNC_CANCEL, -1, userData, 0, 0);
        return rwFlags(flags);
    }

    /**
     * {@code io_uring_prep_openat}: openat(2); the new descriptor is the completion's {@code res}.
     *
     * @param dirfd a directory descriptor, or {@code AT_FDCWD} (-100)
     * @param path  a NUL-terminated path in native memory
     * @param flags {@code O_*}
     * @param mode  the mode for a created file
     * @return this
     * @throws IllegalArgumentException if {@code path} is not native memory
     */
    public Sqe prepOpenat(int dirfd, MemorySegment path, int flags, int mode) {
        prepRw(OP_OPENAT, dirfd, address(path, "path"), mode, 0);
        return rwFlags(flags);
    }

    /**
     * {@code io_uring_prep_close}: close(2).
     *
     * @param fd the descriptor
     * @return this
     */
    public Sqe prepClose(int fd) {
        return prepRw(OP_CLOSE, fd, 0, 0, 0);
    }

    /**
     * {@code io_uring_prep_statx}: statx(2) into {@code statxbuf}; as in liburing, the mask travels in
     * {@code len} and the buffer's address in {@code off}.
     *
     * @param dirfd    a directory descriptor, or {@code AT_FDCWD} (-100)
     * @param path     a NUL-terminated path in native memory
     * @param flags    {@code AT_*}
     * @param mask     {@code STATX_*}
     * @param statxbuf a {@code struct statx} (256 bytes), allocated until the completion is reaped
     * @return this
     * @throws IllegalArgumentException if {@code path} or {@code statxbuf} is not native memory
     */
    public Sqe prepStatx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statxbuf) {
        prepRw(OP_STATX, dirfd, address(path, "path"), mask, address(statxbuf, "statxbuf"));
        return rwFlags(flags);
    }

    /**
     * A {@code struct __kernel_timespec} holding {@code duration}, for {@link #prepTimeout} and
     * {@link #prepLinkTimeout}.
     *
     * @param allocator where the 16 bytes come from
     * @param duration  a non-negative duration
     * @return the timespec
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public static MemorySegment timespec(SegmentAllocator allocator, Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a timeout cannot be negative: duration=" + duration);
        }
        MemorySegment ts = allocator.allocate(TIMESPEC_SIZE, 8);
        ts.set(JAVA_LONG, 0, duration.getSeconds());
        ts.set(JAVA_LONG, 8, duration.getNano());
        return ts;
    }

    @Override
    public String toString() {
        return "Sqe[opcode=" + opcode() + ", flags=0x" + Integer.toHexString(flags()) + ", fd=" + fd()
                + ", off=" + off() + ", addr=0x" + Long.toHexString(addr()) + ", len=" + len()
                + ", userData=" + userData() + "]";
    }
}
