package dev.jaio;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.jaio.internal.concurrent.CloseGuard;
import dev.jaio.internal.concurrent.DaemonThreads;
import dev.jaio.internal.linux.Arch;
import dev.jaio.internal.linux.LibC;
import dev.jaio.internal.linux.Statx;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file descriptor opened with open(2), with the flags the JDK does not offer ({@code O_DIRECT},
 * {@code O_NOATIME}), for kernel AIO.
 *
 * <p>{@link #fd()} is for building iocbs by hand. A closed {@code NativeFile} never passes its old
 * descriptor number to the kernel: Linux hands out the lowest free number at once, so a stale one
 * would act on some other file. {@link #close()} waits until no method of this object is inside a
 * call that uses the descriptor, then closes it; after that every method throws
 * {@link ClosedChannelException}.
 *
 * <p>A file that becomes unreachable without having been closed has its descriptor closed by a
 * {@link Cleaner}, as the JDK's channels do (it is not deleted, even with {@code DELETE_ON_CLOSE}). Keep
 * the {@code NativeFile} reachable while an iocb built by hand from {@link #fd()} is not yet submitted.
 *
 * <p>Thread-safe.
 */
public final class NativeFile implements Closeable {
    private static final int O_NOFOLLOW = Arch.current() == Arch.AARCH64 ? 0100000 : 0400000;
    private static final int DEFAULT_MODE = 0666;

    private final int fd;
    private final Path path;
    private final int flags;
    private final boolean deleteOnClose;
    private final CloseGuard guard = new CloseGuard();
    private volatile DirectIoAlignment alignment;

    private NativeFile(int fd, Path path, int flags, boolean deleteOnClose) {
        this.fd = fd;
        this.path = path;
        this.flags = flags;
        this.deleteOnClose = deleteOnClose;
        this.closer = new Closer(fd);
        this.cleanable = CLEANER.register(this, closer);
    }

    /** Closes the descriptors of files that became unreachable without {@link #close()}. */
    private static final Cleaner CLEANER = DaemonThreads.cleaner("jaio-file-cleaner");

    private final Closer closer;
    private final Cleaner.Cleanable cleanable;

    /**
     * Closes the descriptor exactly once: for {@link #close()}, or for the cleaner once the file is
     * unreachable. It holds the number, never the file, so that it does not keep the file reachable. A
     * request in flight keeps its file reachable (jaio's requests reference their file until they
     * complete), so the cleaner never closes a descriptor a request still uses.
     */
    private static final class Closer implements Runnable {
        private final int fd;
        private final AtomicBoolean done = new AtomicBoolean();

        Closer(int fd) {
            this.fd = fd;
        }

        /** Whether the caller won the right to close the descriptor. */
        boolean claim() {
            return done.compareAndSet(false, true);
        }

        @Override
        public void run() {
            if (claim()) {
                LibC.close(fd);
            }
        }
    }

    /**
     * Opens or creates a file, as {@link java.nio.channels.FileChannel#open(Path, OpenOption...)} does,
     * with {@link JaioOpenOption#DIRECT} (or the JDK's {@code ExtendedOpenOption.DIRECT}) for O_DIRECT and
     * {@link JaioOpenOption#NOATIME}. Without READ or WRITE the file is opened for reading.
     *
     * @param path the file to open
     * @param options how to open it, as {@link java.nio.file.StandardOpenOption} and {@link dev.jaio.JaioOpenOption}
     *     values
     * @return the open file
     * @throws java.nio.file.NoSuchFileException        the file does not exist and CREATE was not given
     * @throws java.nio.file.FileAlreadyExistsException CREATE_NEW and the file exists
     * @throws java.nio.file.AccessDeniedException      permission denied (EACCES, EPERM)
     * @throws java.nio.file.FileSystemException        the path names a directory, or anything but a
     *                                                  regular file or a block device
     * @throws AioException                             any other errno, such as EINVAL when the file
     *                                                  system refuses O_DIRECT (procfs, sysfs)
     * @throws IllegalArgumentException                 an invalid combination (APPEND with READ or
     *                                                  TRUNCATE_EXISTING)
     * @throws UnsupportedOperationException            an option NativeFile does not know
     */
    public static NativeFile open(Path path, OpenOption... options) throws IOException {
        return open(path, new HashSet<>(Arrays.asList(options)));
    }

    /**
     * Opens or creates a file with open options and, on creation, the {@code "posix:permissions"}
     * attribute (as made by {@link java.nio.file.attribute.PosixFilePermissions#asFileAttribute}); the
     * default is 0666 less the umask, as the JDK does.
     *
     * @param path the file to open
     * @param options how to open it, as {@link java.nio.file.StandardOpenOption} and {@link dev.jaio.JaioOpenOption}
     *     values
     * @param attrs file attributes to set when the file is created
     * @return the open file
     * @throws IOException                   as {@link #open(Path, OpenOption...)} does
     * @throws UnsupportedOperationException an attribute other than {@code posix:permissions} or
     *                                       {@code unix:permissions}, or an unknown option
     */
    public static NativeFile open(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        boolean read = false;
        boolean write = false;
        boolean append = false;
        boolean truncate = false;
        boolean deleteOnClose = false;
        int flags = LibC.O_CLOEXEC;
        for (OpenOption option : options) {
            Objects.requireNonNull(option, "option");
            if (option == StandardOpenOption.READ) {
                read = true;
            } else if (option == StandardOpenOption.WRITE) {
                write = true;
            } else if (option == StandardOpenOption.APPEND) {
                append = true;
                write = true;
            } else if (option == StandardOpenOption.CREATE) {
                flags |= LibC.O_CREAT;
            } else if (option == StandardOpenOption.CREATE_NEW) {
                flags |= LibC.O_CREAT | LibC.O_EXCL;
            } else if (option == StandardOpenOption.TRUNCATE_EXISTING) {
                truncate = true;
            } else if (option == StandardOpenOption.DSYNC) {
                flags |= LibC.O_DSYNC;
            } else if (option == StandardOpenOption.SYNC) {
                flags |= LibC.O_SYNC;
            } else if (option == StandardOpenOption.DELETE_ON_CLOSE) {
                deleteOnClose = true;
            } else if (option == StandardOpenOption.SPARSE) {
                continue; // a hint; Linux files are sparse already
            } else if (option == LinkOption.NOFOLLOW_LINKS) {
                flags |= O_NOFOLLOW;
            } else if (isDirectOption(option)) {
                flags |= LibC.O_DIRECT;
            } else if (option == JaioOpenOption.NOATIME) {
                flags |= LibC.O_NOATIME;
            } else if (option == JaioOpenOption.STAGE_UNALIGNED) {
                continue; // a policy of jaio's channels; files stage anyway
            } else {
                throw new UnsupportedOperationException("open option not supported by NativeFile: option=" + option);
            }
        }
        if (append && read) {
            throw new IllegalArgumentException("READ and APPEND cannot be combined");
        }
        if (append && truncate) {
            throw new IllegalArgumentException("APPEND and TRUNCATE_EXISTING cannot be combined");
        }
        if (!write) {
            // Without WRITE, creation and truncation do not apply, as for FileChannel.open.
            flags &= ~(LibC.O_CREAT | LibC.O_EXCL);
            read = true;
        } else if (truncate) {
            flags |= LibC.O_TRUNC;
        }
        flags |= read && write ? LibC.O_RDWR : write ? LibC.O_WRONLY : LibC.O_RDONLY;
        if (append) {
            flags |= LibC.O_APPEND;
        }
        int mode = modeOf(attrs);
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpath = arena.allocateFrom(path.toString());
            fd = LibC.open(cpath, flags, mode);
        }
        if (fd < 0) {
            int errno = -fd;
            String advice = null;
            if (errno == Errno.EINVAL.number() && (flags & LibC.O_DIRECT) != 0) {
                advice = "the file system does not support O_DIRECT for this file; open it without DIRECT";
            } else if (errno == Errno.EPERM.number() && (flags & LibC.O_NOATIME) != 0) {
                advice = "O_NOATIME is allowed only to the file's owner or a privileged process";
            } else if (errno == Errno.EISDIR.number()) {
                advice = null;
            }
            throw FileErrors.of("open", errno, path, -1, advice);
        }
        NativeFile file = new NativeFile(fd, path, flags, deleteOnClose);
        int type;
        try {
            type = file.fileType();
        } catch (IOException e) {
            file.close();
            throw e;
        }
        if (type != Statx.S_IFREG && type != Statx.S_IFBLK) {
            file.close();
            throw new java.nio.file.FileSystemException(path.toString(), null, "open: "
                    + (type == Statx.S_IFDIR ? "is a directory" : "not a regular file or block device: type=0"
                    + Integer.toOctalString(type)) + "; jaio does I/O on regular files and block devices only");
        }
        return file;
    }

    /**
     * Whether an option asks for O_DIRECT: {@link JaioOpenOption#DIRECT}, or the JDK's
     * {@code com.sun.nio.file.ExtendedOpenOption.DIRECT} (in {@code jdk.unsupported}, which jaio does not
     * require, so it is known by its class and name). The one answer {@link AsyncFile} uses too.
     */
    static boolean isDirectOption(OpenOption option) {
        return option == JaioOpenOption.DIRECT
                || option.getClass().getName().equals("com.sun.nio.file.ExtendedOpenOption")
                && option.toString().equals("DIRECT");
    }

    @SuppressWarnings("unchecked")
    private static int modeOf(FileAttribute<?>... attrs) {
        int mode = DEFAULT_MODE;
        for (FileAttribute<?> attr : attrs) {
            if (!attr.name().equals("posix:permissions") && !attr.name().equals("unix:permissions")) {
                throw new UnsupportedOperationException("file attribute not supported: name=" + attr.name());
            }
            mode = 0;
            for (PosixFilePermission p : (Set<PosixFilePermission>) attr.value()) {
                mode |= switch (p) {
                    case OWNER_READ -> 0400;
                    case OWNER_WRITE -> 0200;
                    case OWNER_EXECUTE -> 0100;
                    case GROUP_READ -> 040;
                    case GROUP_WRITE -> 020;
                    case GROUP_EXECUTE -> 010;
                    case OTHERS_READ -> 04;
                    case OTHERS_WRITE -> 02;
                    case OTHERS_EXECUTE -> 01;
                };
            }
        }
        return mode;
    }

    /**
     * The descriptor, for building iocbs by hand. It stays valid until {@link #close()}; an iocb that
     * names it must be submitted before then.
     *
     * @return the descriptor, for building iocbs by hand
     * @throws IllegalStateException if the file is closed
     */
    public int fd() {
        if (guard.isClosed()) {
            throw new IllegalStateException("file is closed: path=" + path);
        }
        return fd;
    }

    /**
     * The path the file was opened with.
     *
     * @return the path the file was opened with
     */
    public Path path() {
        return path;
    }

    /**
     * Whether the file was opened with O_DIRECT.
     *
     * @return whether the file was opened with O_DIRECT
     */
    public boolean isDirect() {
        return (flags & LibC.O_DIRECT) != 0;
    }

    /**
     * Whether the file was opened for reading.
     *
     * @return whether the file was opened for reading
     */
    public boolean isReadable() {
        return (flags & 3) != LibC.O_WRONLY;
    }

    /**
     * Whether the file was opened for writing.
     *
     * @return whether the file was opened for writing
     */
    public boolean isWritable() {
        return (flags & 3) != LibC.O_RDONLY;
    }

    /**
     * Whether the file was opened with O_APPEND.
     *
     * @return whether the file was opened with O_APPEND
     */
    public boolean isAppend() {
        return (flags & LibC.O_APPEND) != 0;
    }

    /**
     * The open(2) flags the file was opened with.
     *
     * @return the open(2) flags the file was opened with
     */
    public int openFlags() {
        return flags;
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return whether {@link #close()} has been called
     */
    public boolean isClosed() {
        return guard.isClosed();
    }

    /**
     * Registers a use of the descriptor, which {@link #close()} waits for; for jaio's engines, which hand
     * the descriptor to io_submit on another thread.
     *
     * @throws ClosedChannelException if the file is closed
     */
    int acquire() throws ClosedChannelException {
        if (!guard.tryAcquire()) {
            throw new ClosedChannelException();
        }
        return fd;
    }

    /** Ends a use registered by {@link #acquire()}. */
    void release() {
        guard.release();
    }

    /**
     * The file's size; for a block device, the device's size.
     *
     * @return the file's size; for a block device, the device's size
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public long size() throws IOException {
        int fd = acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = statx(fd, arena, Statx.STATX_SIZE | Statx.STATX_TYPE);
            if (fileType(st) == Statx.S_IFBLK) {
                MemorySegment size = arena.allocate(JAVA_LONG);
                check("ioctl(BLKGETSIZE64)", LibC.ioctl(fd, LibC.BLKGETSIZE64, size), -1);
                return size.get(JAVA_LONG, 0);
            }
            return st.get(JAVA_LONG, Statx.SIZE);
        } finally {
            release();
        }
    }

    /**
     * ftruncate(2): sets the file's size, cutting or extending it with zeros.
     *
     * @param size the new size in bytes
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public void truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: size=" + size);
        }
        int fd = acquire();
        try {
            check("ftruncate", LibC.ftruncate(fd, size), -1);
        } finally {
            release();
        }
    }

    /**
     * fallocate(2) with mode 0: allocates blocks for the range, extending the file if it ends beyond it.
     *
     * @param offset where the range starts, in bytes
     * @param length the range's length in bytes
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public void allocate(long offset, long length) throws IOException {
        allocate(offset, length, new FallocateMode[0]);
    }

    /**
     * fallocate(2) with the given modes. {@link FallocateMode#PUNCH_HOLE} is passed with KEEP_SIZE, as the
     * kernel requires.
     *
     * @param offset where the range starts, in bytes
     * @param length the range's length in bytes
     * @param modes the fallocate(2) modes
     * @throws AioException EOPNOTSUPP where the file system lacks the mode, ENOSPC when it is full
     */
    public void allocate(long offset, long length, FallocateMode... modes) throws IOException {
        int mode = FallocateMode.bits(modes);
        int fd = acquire();
        try {
            check("fallocate", LibC.fallocate(fd, mode, offset, length), offset);
        } finally {
            release();
        }
    }

    /**
     * fsync(2): data and metadata reach stable storage.
     *
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public void sync() throws IOException {
        int fd = acquire();
        try {
            check("fsync", LibC.fsync(fd), -1);
        } finally {
            release();
        }
    }

    /**
     * fdatasync(2): data, and the metadata needed to read it, reach stable storage.
     *
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public void dataSync() throws IOException {
        int fd = acquire();
        try {
            check("fdatasync", LibC.fdatasync(fd), -1);
        } finally {
            release();
        }
    }

    /**
     * Takes an exclusive advisory lock on the whole file without waiting (flock(2) with LOCK_NB), as a
     * journal does to keep a second writer out. Locks belong to this open file: another
     * {@code NativeFile} on the same file, in this process or another, does not get it.
     *
     * @return true if the lock was taken, false if another open file holds it
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public boolean tryLock() throws IOException {
        return tryLock(false);
    }

    /**
     * As {@link #tryLock()}, shared (readers) or exclusive.
     *
     * @param shared whether to take a shared (reader) lock rather than an exclusive one
     * @return whether the lock was taken
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public boolean tryLock(boolean shared) throws IOException {
        int fd = acquire();
        try {
            int ret = LibC.flock(fd, (shared ? LibC.LOCK_SH : LibC.LOCK_EX) | LibC.LOCK_NB);
            if (ret == -Errno.EAGAIN.number()) {
                return false;
            }
            check("flock", ret, -1);
            return true;
        } finally {
            release();
        }
    }

    /**
     * Takes an exclusive advisory lock on the whole file, waiting for it (flock(2)).
     *
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public void lock() throws IOException {
        lock(false);
    }

    /**
     * As {@link #lock()}, shared or exclusive.
     *
     * @param shared whether to take a shared (reader) lock rather than an exclusive one
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public void lock(boolean shared) throws IOException {
        int fd = acquire();
        try {
            int ret;
            do {
                ret = LibC.flock(fd, shared ? LibC.LOCK_SH : LibC.LOCK_EX);
            } while (ret == -Errno.EINTR.number());
            check("flock", ret, -1);
        } finally {
            release();
        }
    }

    /**
     * Releases a lock taken by {@link #lock()} or {@link #tryLock()}; closing the file releases it too.
     *
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public void unlock() throws IOException {
        int fd = acquire();
        try {
            check("flock", LibC.flock(fd, LibC.LOCK_UN), -1);
        } finally {
            release();
        }
    }

    /**
     * pread(2): reads into {@code dst} at {@code position}, blocking the calling thread.
     *
     * @param dst where the data goes
     * @param position the file position to start at, in bytes
     * @return bytes read, fewer than asked at end of file, 0 at or past it
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public int read(MemorySegment dst, long position) throws IOException {
        int fd = acquire();
        try {
            long n = LibC.pread(fd, nativeOf(dst), dst.byteSize(), position);
            check("pread", n, position);
            return (int) n;
        } finally {
            release();
            Reference.reachabilityFence(dst);
        }
    }

    /**
     * pwrite(2): writes {@code src} at {@code position}, blocking the calling thread.
     *
     * @param src the data to write
     * @param position the file position to start at, in bytes
     * @return the bytes written
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public int write(MemorySegment src, long position) throws IOException {
        int fd = acquire();
        try {
            long n = LibC.pwrite(fd, nativeOf(src), src.byteSize(), position);
            check("pwrite", n, position);
            return (int) n;
        } finally {
            release();
            Reference.reachabilityFence(src);
        }
    }

    private static MemorySegment nativeOf(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("native memory is required: segment=" + segment);
        }
        return segment;
    }

    /**
     * What O_DIRECT needs of requests on this file: from statx(2) {@code STATX_DIOALIGN} where the kernel
     * and file system report it, else the logical block size of the device the file lives on (or is),
     * else 4096.
     *
     * @return what O_DIRECT needs of requests on this file: from statx(2) {@code STATX_DIOALIGN} where the kernel and
     *     file system report it, else the logical block size of the device the file lives on (or is), else 4096
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public DirectIoAlignment directIoAlignment() throws IOException {
        DirectIoAlignment a = alignment;
        if (a == null) {
            alignment = a = findAlignment();
        }
        return a;
    }

    private DirectIoAlignment findAlignment() throws IOException {
        int fd = acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = statx(fd, arena, Statx.STATX_TYPE | Statx.STATX_DIOALIGN);
            int mask = st.get(JAVA_INT, Statx.MASK);
            int mem = st.get(JAVA_INT, Statx.DIO_MEM_ALIGN);
            int off = st.get(JAVA_INT, Statx.DIO_OFFSET_ALIGN);
            if ((mask & Statx.STATX_DIOALIGN) != 0 && mem > 0 && off > 0
                    && Integer.bitCount(mem) == 1 && Integer.bitCount(off) == 1) {
                return new DirectIoAlignment(mem, off);
            }
            if (fileType(st) == Statx.S_IFBLK) {
                MemorySegment size = arena.allocate(JAVA_INT);
                if (LibC.ioctl(fd, LibC.BLKSSZGET, size) == 0) {
                    int lbs = size.get(JAVA_INT, 0);
                    if (lbs > 0 && Integer.bitCount(lbs) == 1) {
                        return new DirectIoAlignment(lbs, lbs);
                    }
                }
            } else {
                int major = st.get(JAVA_INT, Statx.DEV_MAJOR);
                int minor = st.get(JAVA_INT, Statx.DEV_MINOR);
                int lbs = logicalBlockSize(major, minor);
                if (lbs > 0) {
                    return new DirectIoAlignment(lbs, lbs);
                }
            }
            return DirectIoAlignment.DEFAULT;
        } finally {
            release();
        }
    }

    /** The logical block size sysfs gives for a device or its parent disk, or -1. */
    static int logicalBlockSize(int major, int minor) {
        Path dev = Path.of("/sys/dev/block/" + major + ":" + minor);
        for (Path p : new Path[] {dev.resolve("queue/logical_block_size"), dev.resolve("../queue/logical_block_size")}) {
            try (InputStream in = Files.newInputStream(p)) {
                int v = Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
                if (v > 0 && Integer.bitCount(v) == 1) {
                    return v;
                }
            } catch (IOException | NumberFormatException e) {
                // try the next place
            }
        }
        return -1;
    }

    private int fileType() throws IOException {
        int fd = acquire();
        try (Arena arena = Arena.ofConfined()) {
            return fileType(statx(fd, arena, Statx.STATX_TYPE));
        } finally {
            release();
        }
    }

    private static int fileType(MemorySegment statx) {
        return Short.toUnsignedInt(statx.get(JAVA_SHORT, Statx.MODE)) & Statx.S_IFMT;
    }

    private MemorySegment statx(int fd, Arena arena, int mask) throws IOException {
        MemorySegment st = arena.allocate(Statx.LAYOUT);
        MemorySegment empty = arena.allocateFrom("");
        check("statx", LibC.statx(fd, empty, LibC.AT_EMPTY_PATH, mask, st), -1);
        return st;
    }

    private void check(String call, long ret, long position) throws IOException {
        if (ret < 0) {
            throw FileErrors.of(call, (int) -ret, path, position, null);
        }
    }

    /**
     * Closes the descriptor once no call is using it; idempotent. Requests already submitted to the
     * kernel hold their own reference to the open file and complete normally.
     */
    @Override
    public void close() throws IOException {
        if (!guard.closeAndAwait() || !closer.claim()) {
            return;
        }
        int ret = LibC.close(fd);
        cleanable.clean(); // deregisters; the closer has been claimed, so it does nothing more
        if (deleteOnClose) {
            Files.deleteIfExists(path);
        }
        // close(2) releases the descriptor even when it reports an error (EIO from a deferred write):
        // report it, but never close the number again.
        if (ret < 0 && ret != -Errno.EINTR.number()) {
            throw FileErrors.of("close", -ret, path, -1, "the descriptor is released; data written earlier "
                    + "may not have reached the disk");
        }
    }

    @Override
    public String toString() {
        return "NativeFile[path=" + path + ", fd=" + (isClosed() ? "closed" : fd) + (isDirect() ? ", O_DIRECT" : "") + "]";
    }
}
