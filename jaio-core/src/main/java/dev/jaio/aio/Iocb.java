package dev.jaio.aio;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.util.Objects;

/**
 * An I/O control block: a {@code struct iocb} in native memory, the request that io_submit(2) queues.
 *
 * {@snippet lang=c :
 * struct iocb {                       // linux/aio_abi.h, little-endian
 *     __u64   aio_data;               //  0: returned in io_event.data
 *     __u32   aio_key;                //  8: set to KIOCB_KEY (0) by the kernel
 *     __kernel_rwf_t aio_rw_flags;    // 12: RWF_* flags
 *     __u16   aio_lio_opcode;         // 16: IOCB_CMD_*
 *     __s16   aio_reqprio;            // 18: I/O priority with IOCB_FLAG_IOPRIO
 *     __u32   aio_fildes;             // 20
 *     __u64   aio_buf;                // 24: buffer, iovec array, or poll events
 *     __u64   aio_nbytes;             // 32: length, or iovec count
 *     __s64   aio_offset;             // 40
 *     __u64   aio_reserved2;          // 48: must be zero
 *     __u32   aio_flags;              // 56: IOCB_FLAG_*
 *     __u32   aio_resfd;              // 60: eventfd with IOCB_FLAG_RESFD
 * };                                  // 64 bytes
 * }
 *
 * <p>The kernel copies an iocb when it is submitted, so one {@code Iocb} may be refilled and submitted
 * again as soon as {@link AioContext#submit} returns; its address stays the request's identity
 * ({@link IoEvent#obj()}, {@link AioContext#cancel}) until the request completes. The buffer it names
 * must stay allocated until the completion is reaped: this is the raw layer, and the kernel writes
 * wherever {@code aio_buf} points. The {@code prep*} methods keep a reference to the segment they are
 * given so that the garbage collector cannot free an automatic segment while this object lives.
 *
 * <p>Setters are fluent and write the field exactly as given; the kernel validates. Not thread-safe.
 */
public final class Iocb {
    /** {@code struct iocb}, 64 bytes, aligned to 8. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("aio_data"),
            JAVA_INT.withName("aio_key"),
            JAVA_INT.withName("aio_rw_flags"),
            JAVA_SHORT.withName("aio_lio_opcode"),
            JAVA_SHORT.withName("aio_reqprio"),
            JAVA_INT.withName("aio_fildes"),
            JAVA_LONG.withName("aio_buf"),
            JAVA_LONG.withName("aio_nbytes"),
            JAVA_LONG.withName("aio_offset"),
            JAVA_LONG.withName("aio_reserved2"),
            JAVA_INT.withName("aio_flags"),
            JAVA_INT.withName("aio_resfd")).withName("iocb");

    static final long DATA = offset("aio_data");
    static final long KEY = offset("aio_key");
    static final long RW_FLAGS = offset("aio_rw_flags");
    static final long OPCODE = offset("aio_lio_opcode");
    static final long REQPRIO = offset("aio_reqprio");
    static final long FILDES = offset("aio_fildes");
    static final long BUF = offset("aio_buf");
    static final long NBYTES = offset("aio_nbytes");
    static final long OFFSET = offset("aio_offset");
    static final long RESERVED2 = offset("aio_reserved2");
    static final long FLAGS = offset("aio_flags");
    static final long RESFD = offset("aio_resfd");

    private static long offset(String field) {
        return LAYOUT.byteOffset(PathElement.groupElement(field));
    }

    /** {@code IOCB_CMD_PREAD}: read {@code aio_nbytes} into {@code aio_buf}. */
    public static final int CMD_PREAD = 0;
    /** {@code IOCB_CMD_PWRITE}: write {@code aio_nbytes} from {@code aio_buf}. */
    public static final int CMD_PWRITE = 1;
    /** {@code IOCB_CMD_FSYNC}: flush data and metadata, as fsync(2). */
    public static final int CMD_FSYNC = 2;
    /** {@code IOCB_CMD_FDSYNC}: flush data, as fdatasync(2). */
    public static final int CMD_FDSYNC = 3;
    /** {@code IOCB_CMD_POLL}: wait for the poll(2) events in {@code aio_buf}; Linux 4.18+. */
    public static final int CMD_POLL = 5;
    /** {@code IOCB_CMD_NOOP}: defined by the ABI; io_submit(2) rejects it with EINVAL. */
    public static final int CMD_NOOP = 6;
    /** {@code IOCB_CMD_PREADV}: {@code aio_buf} is a {@code struct iovec} array of {@code aio_nbytes} entries. */
    public static final int CMD_PREADV = 7;
    /** {@code IOCB_CMD_PWRITEV}: as {@link #CMD_PREADV}, writing. */
    public static final int CMD_PWRITEV = 8;

    /** {@code IOCB_FLAG_RESFD}: signal the eventfd in {@code aio_resfd} on completion. */
    public static final int FLAG_RESFD = 1;
    /** {@code IOCB_FLAG_IOPRIO}: {@code aio_reqprio} holds an I/O priority. */
    public static final int FLAG_IOPRIO = 2;

    /** {@code RWF_HIPRI}: high priority request, polled where the device supports it. */
    public static final int RWF_HIPRI = 0x00000001;
    /** {@code RWF_DSYNC}: per-request O_DSYNC. */
    public static final int RWF_DSYNC = 0x00000002;
    /** {@code RWF_SYNC}: per-request O_SYNC. */
    public static final int RWF_SYNC = 0x00000004;
    /** {@code RWF_NOWAIT}: fail with EAGAIN rather than block (on data not cached, on a lock). */
    public static final int RWF_NOWAIT = 0x00000008;
    /** {@code RWF_APPEND}: per-request O_APPEND. */
    public static final int RWF_APPEND = 0x00000010;
    /** {@code RWF_NOAPPEND}: ignore O_APPEND for this request; Linux 6.9+. */
    public static final int RWF_NOAPPEND = 0x00000020;
    /** {@code RWF_ATOMIC}: write all or nothing (untorn writes); Linux 6.11+, where the file supports it. */
    public static final int RWF_ATOMIC = 0x00000040;
    /** {@code RWF_DONTCACHE}: buffered I/O that drops its pages from the cache once done; Linux 6.14+. */
    public static final int RWF_DONTCACHE = 0x00000080;

    private final MemorySegment segment;
    private Object bufferRef;

    private Iocb(MemorySegment segment) {
        this.segment = segment;
    }

    /**
     * Allocates a zeroed iocb from {@code allocator}, which decides how long its memory lives.
     *
     * @param allocator where the memory comes from; it decides how long the memory lives
     * @return the new iocb
     */
    public static Iocb allocate(SegmentAllocator allocator) {
        MemorySegment seg = allocator.allocate(LAYOUT);
        seg.fill((byte) 0);
        return new Iocb(seg);
    }

    /**
     * Views existing native memory as an iocb, such as one slot of an array the caller manages.
     *
     * @param segment at least 64 bytes of native memory
     * @return the iocb over {@code segment}
     * @throws IllegalArgumentException if the segment is not native, is smaller than 64 bytes, or is not
     *                                  8-byte aligned
     */
    public static Iocb wrap(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        if (!segment.isNative() || segment.byteSize() < LAYOUT.byteSize()
                || segment.address() % LAYOUT.byteAlignment() != 0) {
            throw new IllegalArgumentException("an iocb needs 64 native bytes aligned to 8: segment=" + segment);
        }
        return new Iocb(segment.asSlice(0, LAYOUT.byteSize()));
    }

    /**
     * The iocb's 64 bytes.
     *
     * @return the iocb's 64 bytes
     */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * The iocb's address: what io_submit(2) is handed, and what {@link IoEvent#obj()} returns.
     *
     * @return the iocb's address: what io_submit(2) is handed, and what {@link IoEvent#obj()} returns
     */
    public long address() {
        return segment.address();
    }

    /**
     * Zeroes every field.
     *
     * @return this iocb
     */
    public Iocb clear() {
        segment.fill((byte) 0);
        bufferRef = null;
        return this;
    }

    /**
     * {@code aio_data}, returned untouched in {@link IoEvent#data()}.
     *
     * @return {@code aio_data}, returned untouched in {@link IoEvent#data()}
     */
    public long data() {
        return segment.get(JAVA_LONG, DATA);
    }

    /**
     * Sets {@code aio_data}, returned untouched in {@link IoEvent#data()}.
     *
     * @param data any value; the completion carries it back
     * @return this iocb
     */
    public Iocb data(long data) {
        segment.set(JAVA_LONG, DATA, data);
        return this;
    }

    /**
     * {@code aio_key}, which the kernel sets to 0 on submission and io_cancel(2) checks.
     *
     * @return {@code aio_key}, which the kernel sets to 0 on submission and io_cancel(2) checks
     */
    public int key() {
        return segment.get(JAVA_INT, KEY);
    }

    /**
     * Sets {@code aio_key}; io_cancel(2) refuses an iocb whose key is not 0 with EINVAL.
     *
     * @param key the key; only 0 can be cancelled
     * @return this iocb
     */
    public Iocb key(int key) {
        segment.set(JAVA_INT, KEY, key);
        return this;
    }

    /**
     * {@code aio_rw_flags}, the {@code RWF_*} flags of the request.
     *
     * @return {@code aio_rw_flags}, the {@code RWF_*} flags of the request
     */
    public int rwFlags() {
        return segment.get(JAVA_INT, RW_FLAGS);
    }

    /**
     * Sets {@code aio_rw_flags}, a set of {@code RWF_*} flags.
     *
     * @param rwFlags a set of {@code RWF_*} flags
     * @return this iocb
     */
    public Iocb rwFlags(int rwFlags) {
        segment.set(JAVA_INT, RW_FLAGS, rwFlags);
        return this;
    }

    /**
     * {@code aio_lio_opcode}, an unsigned 16-bit {@code CMD_*} value.
     *
     * @return {@code aio_lio_opcode}, an unsigned 16-bit {@code CMD_*} value
     */
    public int opcode() {
        return Short.toUnsignedInt(segment.get(JAVA_SHORT, OPCODE));
    }

    /**
     * Sets {@code aio_lio_opcode}; only the low 16 bits are stored, as in C.
     *
     * @param opcode a {@code CMD_*} value
     * @return this iocb
     */
    public Iocb opcode(int opcode) {
        segment.set(JAVA_SHORT, OPCODE, (short) opcode);
        return this;
    }

    /**
     * {@code aio_reqprio}, a signed 16-bit value.
     *
     * @return {@code aio_reqprio}, a signed 16-bit value
     */
    public int reqPrio() {
        return segment.get(JAVA_SHORT, REQPRIO);
    }

    /**
     * Sets {@code aio_reqprio}; with {@link #FLAG_IOPRIO} an ioprio value ({@link IoPriority}).
     *
     * @param reqPrio the value, a signed 16-bit number
     * @return this iocb
     */
    public Iocb reqPrio(int reqPrio) {
        segment.set(JAVA_SHORT, REQPRIO, (short) reqPrio);
        return this;
    }

    /**
     * {@code aio_fildes}.
     *
     * @return {@code aio_fildes}
     */
    public int fd() {
        return segment.get(JAVA_INT, FILDES);
    }

    /**
     * Sets {@code aio_fildes}, the descriptor the request acts on.
     *
     * @param fd the file descriptor the request acts on
     * @return this iocb
     */
    public Iocb fd(int fd) {
        segment.set(JAVA_INT, FILDES, fd);
        return this;
    }

    /**
     * {@code aio_buf}, an address (or poll events for {@link #CMD_POLL}).
     *
     * @return {@code aio_buf}, an address (or poll events for {@link #CMD_POLL})
     */
    public long buf() {
        return segment.get(JAVA_LONG, BUF);
    }

    /**
     * Sets {@code aio_buf} to a raw address.
     *
     * @param address a native address
     * @return this iocb
     */
    public Iocb buf(long address) {
        segment.set(JAVA_LONG, BUF, address);
        bufferRef = null;
        return this;
    }

    /**
     * Sets {@code aio_buf} to a native segment's address, keeping the segment reachable from this iocb.
     *
     * @param buffer native memory; its address is stored
     * @return this iocb
     * @throws IllegalArgumentException if the segment is a heap segment, which has no stable address
     */
    public Iocb buf(MemorySegment buffer) {
        segment.set(JAVA_LONG, BUF, nativeAddress(buffer));
        bufferRef = buffer;
        return this;
    }

    /**
     * {@code aio_nbytes}: a length, or an iovec count for the vectored commands.
     *
     * @return {@code aio_nbytes}: a length, or an iovec count for the vectored commands
     */
    public long nbytes() {
        return segment.get(JAVA_LONG, NBYTES);
    }

    /**
     * Sets {@code aio_nbytes}: a length, or an iovec count for the vectored commands.
     *
     * @param nbytes the length in bytes, or the iovec count
     * @return this iocb
     */
    public Iocb nbytes(long nbytes) {
        segment.set(JAVA_LONG, NBYTES, nbytes);
        return this;
    }

    /**
     * {@code aio_offset}, the file position.
     *
     * @return {@code aio_offset}, the file position
     */
    public long offset() {
        return segment.get(JAVA_LONG, OFFSET);
    }

    /**
     * Sets {@code aio_offset}, the file position; the kernel refuses a negative one with EINVAL.
     *
     * @param offset the file position in bytes
     * @return this iocb
     */
    public Iocb offset(long offset) {
        segment.set(JAVA_LONG, OFFSET, offset);
        return this;
    }

    /**
     * {@code aio_reserved2}, which must be zero.
     *
     * @return {@code aio_reserved2}, which must be zero
     */
    public long reserved2() {
        return segment.get(JAVA_LONG, RESERVED2);
    }

    /**
     * Sets {@code aio_reserved2}; any value but zero makes io_submit(2) fail with EINVAL.
     *
     * @param value the value; anything but zero is refused
     * @return this iocb
     */
    public Iocb reserved2(long value) {
        segment.set(JAVA_LONG, RESERVED2, value);
        return this;
    }

    /**
     * {@code aio_flags}, a set of {@code FLAG_*} values.
     *
     * @return {@code aio_flags}, a set of {@code FLAG_*} values
     */
    public int flags() {
        return segment.get(JAVA_INT, FLAGS);
    }

    /**
     * Sets {@code aio_flags}, a set of {@code FLAG_*} values.
     *
     * @param flags a set of {@code FLAG_*} values
     * @return this iocb
     */
    public Iocb flags(int flags) {
        segment.set(JAVA_INT, FLAGS, flags);
        return this;
    }

    /**
     * {@code aio_resfd}, the eventfd signalled with {@link #FLAG_RESFD}.
     *
     * @return {@code aio_resfd}, the eventfd signalled with {@link #FLAG_RESFD}
     */
    public int resFd() {
        return segment.get(JAVA_INT, RESFD);
    }

    /**
     * Sets {@code aio_resfd}; see {@link #eventFd(int)}, which also sets {@link #FLAG_RESFD}.
     *
     * @param resFd the eventfd's descriptor
     * @return this iocb
     */
    public Iocb resFd(int resFd) {
        segment.set(JAVA_INT, RESFD, resFd);
        return this;
    }

    /**
     * Adds {@link #FLAG_RESFD} and sets {@code aio_resfd}, as libaio's io_set_eventfd.
     *
     * @param eventFd the eventfd's descriptor (see {@link EventFd#fd()})
     * @return this iocb
     */
    public Iocb eventFd(int eventFd) {
        return flags(flags() | FLAG_RESFD).resFd(eventFd);
    }

    /**
     * Adds {@link #FLAG_IOPRIO} and sets {@code aio_reqprio} to an ioprio value.
     *
     * @param ioprio an ioprio value, as made by {@link IoPriority}
     * @return this iocb
     */
    public Iocb ioPriority(int ioprio) {
        return flags(flags() | FLAG_IOPRIO).reqPrio(ioprio);
    }

    /**
     * Zeroes the iocb and fills it for a read of {@code buf.byteSize()} bytes at {@code offset}.
     *
     * @param fd the file descriptor the request acts on
     * @param buf the native memory to read into or write from
     * @param offset the file position in bytes
     * @return this iocb
     */
    public Iocb prepPread(int fd, MemorySegment buf, long offset) {
        return prepRw(CMD_PREAD, fd, buf, buf.byteSize(), offset);
    }

    /**
     * Zeroes the iocb and fills it for a write of {@code buf.byteSize()} bytes at {@code offset}.
     *
     * @param fd the file descriptor the request acts on
     * @param buf the native memory to read into or write from
     * @param offset the file position in bytes
     * @return this iocb
     */
    public Iocb prepPwrite(int fd, MemorySegment buf, long offset) {
        return prepRw(CMD_PWRITE, fd, buf, buf.byteSize(), offset);
    }

    /**
     * Zeroes the iocb and fills it for a vectored read into {@code iovcnt} {@code struct iovec}s.
     *
     * @param fd the file descriptor the request acts on
     * @param iovecs an array of {@code struct iovec}, as made by {@link IoVec#array}
     * @param iovcnt how many entries of {@code iovecs} to use
     * @param offset the file position in bytes
     * @return this iocb
     */
    public Iocb prepPreadv(int fd, MemorySegment iovecs, int iovcnt, long offset) {
        return prepRw(CMD_PREADV, fd, iovecs, iovcnt, offset);
    }

    /**
     * Zeroes the iocb and fills it for a vectored write from {@code iovcnt} {@code struct iovec}s.
     *
     * @param fd the file descriptor the request acts on
     * @param iovecs an array of {@code struct iovec}, as made by {@link IoVec#array}
     * @param iovcnt how many entries of {@code iovecs} to use
     * @param offset the file position in bytes
     * @return this iocb
     */
    public Iocb prepPwritev(int fd, MemorySegment iovecs, int iovcnt, long offset) {
        return prepRw(CMD_PWRITEV, fd, iovecs, iovcnt, offset);
    }

    /**
     * Zeroes the iocb and fills it for an fsync of {@code fd}.
     *
     * @param fd the file descriptor the request acts on
     * @return this iocb
     */
    public Iocb prepFsync(int fd) {
        return clear().opcode(CMD_FSYNC).fd(fd);
    }

    /**
     * Zeroes the iocb and fills it for an fdatasync of {@code fd}.
     *
     * @param fd the file descriptor the request acts on
     * @return this iocb
     */
    public Iocb prepFdsync(int fd) {
        return clear().opcode(CMD_FDSYNC).fd(fd);
    }

    /**
     * Zeroes the iocb and fills it to wait for {@code events} ({@code POLLIN} 0x1, {@code POLLOUT} 0x4,
     * ...) on {@code fd}; the completion's {@code res} is the events that fired. The only command the
     * kernel can cancel with io_cancel(2).
     *
     * @param fd the file descriptor the request acts on
     * @param events the poll events to wait for
     * @return this iocb
     */
    public Iocb prepPoll(int fd, int events) {
        clear().opcode(CMD_POLL).fd(fd);
        segment.set(JAVA_LONG, BUF, Integer.toUnsignedLong(events));
        return this;
    }

    private Iocb prepRw(int opcode, int fd, MemorySegment buf, long nbytes, long offset) {
        long address = nativeAddress(buf);
        clear();
        opcode(opcode).fd(fd).nbytes(nbytes).offset(offset);
        segment.set(JAVA_LONG, BUF, address);
        bufferRef = buf;
        return this;
    }

    private static long nativeAddress(MemorySegment buf) {
        Objects.requireNonNull(buf, "buf");
        if (!buf.isNative()) {
            throw new IllegalArgumentException("the kernel needs native memory; a heap segment has no stable address: "
                    + "buf=" + buf);
        }
        return buf.address();
    }

    @Override
    public String toString() {
        return "Iocb[address=0x" + Long.toHexString(address()) + ", opcode=" + opcode() + ", fd=" + fd()
                + ", buf=0x" + Long.toHexString(buf()) + ", nbytes=" + nbytes() + ", offset=" + offset()
                + ", rwFlags=0x" + Integer.toHexString(rwFlags()) + ", flags=" + flags() + ", data=" + data() + "]";
    }
}
