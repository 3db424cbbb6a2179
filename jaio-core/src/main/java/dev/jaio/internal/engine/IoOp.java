package dev.jaio.internal.engine;

/**
 * The operations a {@link IoRequest} can ask of an engine, each with what the layers above and the
 * backends need to know of it in one place: the syscall it stands for (named in errors), whether it
 * moves data and which way, whether its buffer is an {@code iovec} array, and what it asks of the
 * Flight Recorder.
 *
 * <p>Adding an operation: its command in the kernel mirror, one constant here, and the backends' prep
 * methods, which switch on this enum without a {@code default} so that the compiler names every
 * backend that does not handle it yet.
 */
public enum IoOp {
    /** {@code pread(2)}: one buffer, at a position. */
    READ("pread", Direction.READ, false),
    /** {@code pwrite(2)}: one buffer, at a position. */
    WRITE("pwrite", Direction.WRITE, false),
    /** {@code preadv(2)}: a {@code struct iovec} array, at a position. */
    READV("preadv", Direction.READ, true),
    /** {@code pwritev(2)}: a {@code struct iovec} array, at a position. */
    WRITEV("pwritev", Direction.WRITE, true),
    /** {@code fsync(2)}: data and metadata to stable storage. */
    FSYNC("fsync", Direction.FORCE, false),
    /** {@code fdatasync(2)}: data (and the metadata needed to read it back) to stable storage. */
    FDSYNC("fdatasync", Direction.FORCE, false),
    /**
     * {@code fallocate(2)}: blocks for a range ({@link IoRequest#position}, {@link IoRequest#length}), with
     * the mode in {@link IoRequest#rwFlags}. Kernel AIO has no command for it: it runs on a blocking thread.
     */
    FALLOCATE("fallocate", Direction.ALLOCATE, false);

    /** Which way an operation moves data; also which Flight Recorder event it records. */
    public enum Direction {
        /** From the file into memory. */
        READ,
        /** From memory into the file. */
        WRITE,
        /** No data: the file's data to stable storage. */
        FORCE,
        /** No data: blocks of the file allocated, zeroed or freed. */
        ALLOCATE
    }

    private final String syscall;
    private final Direction direction;
    private final boolean vectored;

    IoOp(String syscall, Direction direction, boolean vectored) {
        this.syscall = syscall;
        this.direction = direction;
        this.vectored = vectored;
    }

    /**
     * The syscall the operation stands for, as errors name it.
     *
     * @return for example {@code "pread"}
     */
    public String syscall() {
        return syscall;
    }

    /**
     * Which way the operation moves data.
     *
     * @return the direction
     */
    public Direction direction() {
        return direction;
    }

    /**
     * Whether the operation moves data from the file into memory.
     *
     * @return true for READ and READV
     */
    public boolean reads() {
        return direction == Direction.READ;
    }

    /**
     * Whether the operation moves data from memory into the file.
     *
     * @return true for WRITE and WRITEV
     */
    public boolean writes() {
        return direction == Direction.WRITE;
    }

    /**
     * Whether the request's buffer is a {@code struct iovec} array and its length the number of iovecs.
     *
     * @return true for READV and WRITEV
     */
    public boolean vectored() {
        return vectored;
    }

    /**
     * Whether the operation moves one buffer's bytes, so that a short transfer can be resumed from a
     * byte count.
     *
     * @return true for READ and WRITE
     */
    public boolean singleBuffer() {
        return (direction == Direction.READ || direction == Direction.WRITE) && !vectored;
    }

    /**
     * Whether a force also writes the file's metadata (fsync rather than fdatasync).
     *
     * @return true for FSYNC only
     */
    public boolean syncsMetadata() {
        return this == FSYNC;
    }
}
