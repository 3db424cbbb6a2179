package dev.jaio.uring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.aio.IoVec;
import dev.jaio.internal.concurrent.CloseGuard;
import dev.jaio.internal.concurrent.DaemonThreads;
import dev.jaio.internal.linux.Timespec;
import dev.jaio.internal.linux.LibC;
import dev.jaio.internal.linux.Mman;
import dev.jaio.internal.linux.Native;
import dev.jaio.internal.linux.UringSyscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An io_uring instance: io_uring_setup(2), its submission and completion rings mapped with mmap(2),
 * io_uring_enter(2) to submit and wait, io_uring_register(2) for buffers, files and an eventfd.
 *
 * <p>The methods mirror liburing's ({@code io_uring_get_sqe}, {@code io_uring_submit},
 * {@code io_uring_submit_and_wait}, {@code io_uring_register_buffers}, ...), without liburing: the
 * kernel gets what it is given, validates it, and its errno comes back as an {@link AioException} whose
 * message says what to do. Requests that the kernel accepts and then fails complete with
 * {@code -errno} in {@link Cqe#res()}.
 *
 * <pre>
 *   SQ ring:  head (kernel) .. tail (us)    array[i] = i    SQEs: 64-byte slots, mapped separately
 *   CQ ring:  head (us) .. tail (kernel)    cqes[]: 16-byte completions
 * </pre>
 *
 * <h2>Shared memory</h2>
 * The kernel's indices (the SQ head, the CQ tail, the SQ flags, the overflow and dropped counters) are
 * read with acquire loads, and this side's indices (the SQ tail, the CQ head) written with release
 * stores; each access says in a comment which kernel access it pairs with.
 *
 * <h2>Threads</h2>
 * As with liburing, one thread at a time submits ({@link #getSqe()}, {@link #submit()},
 * {@link #submitAndWait(int)}) and one thread at a time reaps ({@link #getCqes}); the two may be
 * different threads. {@link #close()} may be called from any thread: it waits for calls in progress
 * (a thread blocked waiting for completions notices within 100 ms), then unmaps the rings and closes the
 * descriptor once. Every later call throws {@link AioException} with {@code EBADF}, as the kernel would
 * answer, without passing the old descriptor on (the number may already name another file); an
 * {@link Sqe} of a closed ring throws {@link IllegalStateException}.
 *
 * <h2>Memory</h2>
 * This is the raw layer: the kernel reads and writes the memory a request names until its completion
 * is reaped, and keeping it allocated is the caller's job. Registered buffers are the exception: the
 * kernel may write into them until no request uses them, so {@link #registerBuffers} takes only memory
 * that the garbage collector frees (automatic and global arenas), and keeps it reachable while it is
 * registered and while requests submitted with it may still be in flight. A ring closed with requests
 * in flight and buffers registered keeps those buffers for the rest of the JVM's life rather than let
 * the kernel write into freed memory.
 */
public final class IoUring implements AutoCloseable {
    /** {@code IORING_FEAT_SINGLE_MMAP}: both rings are one mapping. */
    public static final int FEAT_SINGLE_MMAP = 1;
    /** {@code IORING_FEAT_NODROP}: completions that do not fit the CQ are kept, never dropped. */
    public static final int FEAT_NODROP = 1 << 1;
    /** {@code IORING_FEAT_SUBMIT_STABLE}: the kernel has read what an SQE names once submit returns. */
    public static final int FEAT_SUBMIT_STABLE = 1 << 2;
    /** {@code IORING_FEAT_RW_CUR_POS}: an offset of -1 reads or writes at the file position. */
    public static final int FEAT_RW_CUR_POS = 1 << 3;
    /** {@code IORING_FEAT_CUR_PERSONALITY}: requests run with the submitter's credentials. */
    public static final int FEAT_CUR_PERSONALITY = 1 << 4;
    /** {@code IORING_FEAT_FAST_POLL}: internal polling instead of worker threads for pollable files. */
    public static final int FEAT_FAST_POLL = 1 << 5;
    /** {@code IORING_FEAT_POLL_32BITS}: 32-bit poll masks. */
    public static final int FEAT_POLL_32BITS = 1 << 6;
    /** {@code IORING_FEAT_SQPOLL_NONFIXED}: SQPOLL works with unregistered files. */
    public static final int FEAT_SQPOLL_NONFIXED = 1 << 7;
    /** {@code IORING_FEAT_EXT_ARG}: io_uring_enter takes a timeout ({@code IORING_ENTER_EXT_ARG}); required here. */
    public static final int FEAT_EXT_ARG = 1 << 8;
    /** {@code IORING_FEAT_NATIVE_WORKERS}: async workers are threads of the process. */
    public static final int FEAT_NATIVE_WORKERS = 1 << 9;
    /** {@code IORING_FEAT_RSRC_TAGS}: registered resources can carry tags. */
    public static final int FEAT_RSRC_TAGS = 1 << 10;
    /** {@code IORING_FEAT_CQE_SKIP}: {@link Sqe#IOSQE_CQE_SKIP_SUCCESS} is supported. */
    public static final int FEAT_CQE_SKIP = 1 << 11;
    /** {@code IORING_FEAT_LINKED_FILE}: files of linked requests are resolved when each starts. */
    public static final int FEAT_LINKED_FILE = 1 << 12;
    /** {@code IORING_FEAT_REG_REG_RING}: a registered ring descriptor can register. */
    public static final int FEAT_REG_REG_RING = 1 << 13;
    /** {@code IORING_FEAT_RECVSEND_BUNDLE}: sends and receives of buffer bundles (6.10). */
    public static final int FEAT_RECVSEND_BUNDLE = 1 << 14;
    /** {@code IORING_FEAT_MIN_TIMEOUT}: waits with a minimum timeout (6.12). */
    public static final int FEAT_MIN_TIMEOUT = 1 << 15;
    /** {@code IORING_FEAT_RW_ATTR}: reads and writes with attributes, such as protection information (6.14). */
    public static final int FEAT_RW_ATTR = 1 << 16;
    /** {@code IORING_FEAT_NO_IOWAIT}: waits that are not accounted as iowait (6.15). */
    public static final int FEAT_NO_IOWAIT = 1 << 17;

    /** {@code IORING_ENTER_GETEVENTS}: wait for {@code min_complete} completions. */
    public static final int ENTER_GETEVENTS = 1;
    /** {@code IORING_ENTER_SQ_WAKEUP}: wake the SQPOLL thread. */
    public static final int ENTER_SQ_WAKEUP = 1 << 1;
    /** {@code IORING_ENTER_SQ_WAIT}: wait for room in the SQ (SQPOLL). */
    public static final int ENTER_SQ_WAIT = 1 << 2;
    /** {@code IORING_ENTER_EXT_ARG}: the argument is a {@code struct io_uring_getevents_arg}. */
    public static final int ENTER_EXT_ARG = 1 << 3;
    /** {@code IORING_ENTER_REGISTERED_RING}: the descriptor argument is an index of {@link #registerRingFd()}. */
    public static final int ENTER_REGISTERED_RING = 1 << 4;

    /** {@code IORING_SQ_NEED_WAKEUP}: the SQPOLL thread sleeps. */
    static final int SQ_NEED_WAKEUP = 1;
    /** {@code IORING_SQ_CQ_OVERFLOW}: completions wait in the kernel's overflow list. */
    static final int SQ_CQ_OVERFLOW = 1 << 1;
    /** {@code IORING_SQ_TASKRUN}: task work waits for this task to enter the kernel. */
    static final int SQ_TASKRUN = 1 << 2;

    static final int REGISTER_BUFFERS = 0;
    static final int UNREGISTER_BUFFERS = 1;
    static final int REGISTER_FILES = 2;
    static final int UNREGISTER_FILES = 3;
    static final int REGISTER_EVENTFD = 4;
    static final int UNREGISTER_EVENTFD = 5;
    static final int REGISTER_RING_FDS = 20;
    static final int UNREGISTER_RING_FDS = 21;
    /** {@code IO_RINGFD_REG_MAX}: slots per thread for registered ring descriptors. */
    static final int RING_FD_SLOTS = 16;
    /** {@code struct io_uring_rsrc_update}: {@code __u32 offset; __u32 resv; __u64 data;}. */
    private static final long RSRC_UPDATE_SIZE = 16;

    static final long OFF_SQ_RING = 0L;
    static final long OFF_CQ_RING = 0x8000000L;
    static final long OFF_SQES = 0x10000000L;

    /** {@code struct io_uring_getevents_arg} (24 bytes) followed by its {@code __kernel_timespec} (16). */
    static final long GETEVENTS_ARG_SIZE = 24;
    private static final long ARG_SIGMASK_SZ = 8;
    private static final long ARG_TS = 16;
    private static final long TS_OFFSET = 24;

    /** How long one wait lasts at most, so that a waiter notices {@link #close()}. */
    static final long WAIT_SLICE_NANOS = 100_000_000L;

    private static final int SUPPORTED_REQUIRED = FEAT_EXT_ARG;
    private static final int UNSUPPORTED_FLAGS = IoUringParams.SETUP_SQE128 | IoUringParams.SETUP_CQE32
            | IoUringParams.SETUP_NO_MMAP | IoUringParams.SETUP_REGISTERED_FD_ONLY;

    private static final int NEG_EINTR = -Errno.EINTR.number();
    private static final int NEG_ETIME = -Errno.ETIME.number();
    private static final int SQE_SIZE = (int) Sqe.LAYOUT.byteSize();
    private static final int CQE_SIZE = (int) Cqe.LAYOUT.byteSize();
    private static final VarHandle INT = JAVA_INT.varHandle();

    private static final Cleaner CLEANER = DaemonThreads.cleaner("jaio-io-uring-cleaner");
    /** Registered buffers of rings closed with requests in flight: kept until the JVM exits. */
    private static final Set<Object> RETAINED = ConcurrentHashMap.newKeySet();

    private final int fd;
    private final int setupFlags;
    private final int features;
    private final int sqEntries;
    private final int cqEntries;
    private final boolean sqPoll;
    private final Resources resources;
    private final Cleaner.Cleanable cleanable;
    private final CloseGuard guard = new CloseGuard(Errno.EBADF.number(),
            "this IoUring is closed, and its descriptor is not passed to the kernel again; set up a new one "
                    + "with IoUring.setup");
    private final Object closeLock = new Object();

    /** The rings' memory, valid until close: an access after that throws instead of touching unmapped pages. */
    private final Arena ringArena = Arena.ofShared();
    private final MemorySegment sq;
    private final MemorySegment cq;
    private final Sqe[] sqes;
    private final long sqHead;
    private final long sqTail;
    private final long sqFlags;
    private final long sqDropped;
    private final int sqMask;
    private final long cqHead;
    private final long cqTail;
    private final long cqOverflow;
    private final long cqCqes;
    private final int cqMask;
    /** The reaper's wait argument and timespec; only the reaping thread uses it. */
    private final MemorySegment waitArg = Arena.ofAuto().allocate(GETEVENTS_ARG_SIZE + 16, 8);
    /** The submitter's, for {@link #submitAndWait}. */
    private final MemorySegment submitWaitArg = Arena.ofAuto().allocate(GETEVENTS_ARG_SIZE + 16, 8);

    // Submitter's state.
    private int sqeTail;
    /** With SQPOLL: the tail as last published to the kernel. */
    private int publishedTail;
    private int sqHeadCache;
    // Reaper's state.
    private int cqHeadLocal;

    /** The index of {@link #registerRingFd()}, -1 when none; valid only on {@link #ringFdThread}. */
    private volatile int ringFdIndex = -1;
    /** The thread that registered the ring descriptor: the index means this ring only in its task. */
    private volatile Thread ringFdThread;
    /** io_uring_enter calls made with {@link #ENTER_REGISTERED_RING}. */
    private volatile long registeredEnters;

    /** Requests the kernel took, and completions reaped that end a request (no {@code F_MORE}). */
    private volatile long submittedTotal;
    private volatile long completedTotal;

    private IoUring(int fd, IoUringParams p, Resources resources) {
        this.fd = fd;
        this.resources = resources;
        this.setupFlags = p.flags();
        this.features = p.features();
        this.sqEntries = p.sqEntries();
        this.cqEntries = p.cqEntries();
        this.sqPoll = (setupFlags & IoUringParams.SETUP_SQPOLL) != 0;
        this.sq = MemorySegment.ofAddress(resources.sqAddress).reinterpret(resources.sqSize, ringArena, null);
        this.cq = resources.cqAddress == resources.sqAddress
                ? sq
                : MemorySegment.ofAddress(resources.cqAddress).reinterpret(resources.cqSize, ringArena, null);
        MemorySegment sqeArray = MemorySegment.ofAddress(resources.sqesAddress)
                .reinterpret(resources.sqesSize, ringArena, null);
        this.sqHead = p.sqOff("head");
        this.sqTail = p.sqOff("tail");
        this.sqFlags = p.sqOff("flags");
        this.sqDropped = p.sqOff("dropped");
        this.sqMask = sq.get(JAVA_INT, p.sqOff("ring_mask"));
        this.cqHead = p.cqOff("head");
        this.cqTail = p.cqOff("tail");
        this.cqOverflow = p.cqOff("overflow");
        this.cqCqes = p.cqOff("cqes");
        this.cqMask = cq.get(JAVA_INT, p.cqOff("ring_mask"));
        if ((setupFlags & IoUringParams.SETUP_NO_SQARRAY) == 0) {
            // The indirection array maps ring positions to SQE slots; the identity map is set once, as liburing does.
            long array = p.sqOff("array");
            for (int i = 0; i < sqEntries; i++) {
                sq.set(JAVA_INT, array + 4L * i, i);
            }
        }
        this.sqes = new Sqe[sqEntries];
        for (int i = 0; i < sqEntries; i++) {
            sqes[i] = new Sqe(sqeArray.asSlice((long) i * SQE_SIZE, SQE_SIZE));
        }
        this.sqeTail = sq.get(JAVA_INT, sqTail);
        this.publishedTail = sqeTail;
        this.sqHeadCache = sq.get(JAVA_INT, sqHead);
        this.cqHeadLocal = cq.get(JAVA_INT, cqHead);
        this.cleanable = CLEANER.register(this, resources);
    }

    /**
     * io_uring_setup(2) with {@code entries} submission queue entries and default parameters.
     *
     * @param entries the submission queue's size, 1 to 32768; the kernel rounds it up to a power of two
     *                and makes the completion queue twice as large
     * @return the ring
     * @throws AioException as {@link #setup(int, IoUringParams)}
     */
    public static IoUring setup(int entries) throws AioException {
        return setup(entries, new IoUringParams());
    }

    /**
     * io_uring_setup(2) with {@code entries} submission queue entries and the given parameters, which
     * the kernel completes (sizes, features, ring offsets).
     *
     * <p>{@code entries} reaches the kernel as the {@code unsigned int} it is there: -1 is 0xFFFFFFFF.
     *
     * @param entries the submission queue's size
     * @param params  flags ({@code IoUringParams.SETUP_*}) and their arguments
     * @return the ring
     * @throws IllegalArgumentException if {@code params} asks for SQE128, CQE32, NO_MMAP or
     *                                  REGISTERED_FD_ONLY, which this layer does not support
     * @throws AioException             EINVAL (entries 0 or too large, unknown or inconsistent flags,
     *                                  non-zero {@code resv}), EFAULT, EMFILE, ENFILE, ENOMEM, EPERM
     *                                  ({@code kernel.io_uring_disabled}, a security policy), ENOSYS (no
     *                                  io_uring, or a seccomp filter), EOPNOTSUPP (a kernel older than
     *                                  5.11, without {@link #FEAT_EXT_ARG}), or an error of mmap(2)
     */
    public static IoUring setup(int entries, IoUringParams params) throws AioException {
        Objects.requireNonNull(params, "params");
        int unsupported = params.flags() & UNSUPPORTED_FLAGS;
        if (unsupported != 0) {
            throw new IllegalArgumentException("setup flags not supported by this raw layer (it maps 64-byte SQEs "
                    + "and 16-byte CQEs itself): flags=0x" + Integer.toHexString(unsupported));
        }
        if (!Native.isSupportedPlatform()) {
            throw new AioException("io_uring_setup", Errno.ENOSYS.number(),
                    Native.unavailableReason().orElse("") + "; " + UringAdvice.UNAVAILABLE);
        }
        long ret = UringSyscalls.ioUringSetup(entries, params.segment().address());
        Reference.reachabilityFence(params);
        if (ret < 0) {
            throw error("io_uring_setup", ret);
        }
        int fd = (int) ret;
        String missing = missingFeatures(params.features());
        if (missing != null) {
            LibC.close(fd);
            throw new AioException("io_uring_setup", Errno.EOPNOTSUPP.number(), missing);
        }
        Resources resources = new Resources(fd);
        try {
            resources.map(params);
            return new IoUring(fd, params, resources);
        } catch (AioException | RuntimeException | Error e) {
            resources.run();
            throw e;
        }
    }

    /** Null when {@code features} has what this layer needs, else what is missing and why. */
    static String missingFeatures(int features) {
        if ((features & SUPPORTED_REQUIRED) != SUPPORTED_REQUIRED) {
            return "the kernel lacks IORING_FEAT_EXT_ARG (Linux 5.11), which timed waits need: features=0x"
                    + Integer.toHexString(features) + "; use kernel AIO (dev.jaio.aio.AioContext) on this kernel";
        }
        return null;
    }

    /**
     * Whether io_uring can be used here: a ring can be set up, on a kernel with the features this
     * layer needs. Asks the kernel each time (a setup and a close), since {@code kernel.io_uring_disabled}
     * can change.
     *
     * @return true when {@link #unavailabilityCause()} is empty
     */
    public static boolean isAvailable() {
        return unavailabilityCause().isEmpty();
    }

    /**
     * Why io_uring cannot be used here, or empty when it can: not Linux on x86_64 or aarch64,
     * {@code kernel.io_uring_disabled}, a seccomp filter or an old kernel (ENOSYS or EPERM from
     * io_uring_setup), a kernel without {@link #FEAT_EXT_ARG}.
     *
     * @return the reason, with what to do
     */
    public static Optional<String> unavailabilityCause() {
        if (!Native.isSupportedPlatform()) {
            return Native.unavailableReason();
        }
        IoUringParams params = new IoUringParams();
        long ret = UringSyscalls.ioUringSetup(1, params.segment().address());
        Reference.reachabilityFence(params);
        if (ret >= 0) {
            LibC.close((int) ret);
            return Optional.ofNullable(missingFeatures(params.features()));
        }
        int errno = (int) -ret;
        return Optional.of("io_uring_setup failed: " + Errno.nameOf(errno) + " (" + Errno.describe(errno) + "): "
                + (errno == Errno.EPERM.number() ? UringAdvice.disabledAdvice()
                        : errno == Errno.ENOSYS.number() ? UringAdvice.UNAVAILABLE
                        : UringAdvice.forError("io_uring_setup", errno)));
    }

    /**
     * The ring's descriptor; valid until {@link #close()}.
     *
     * @return the descriptor
     */
    public int fd() {
        return fd;
    }

    /**
     * The submission queue's size.
     *
     * @return {@code sq_entries}
     */
    public int sqEntries() {
        return sqEntries;
    }

    /**
     * The completion queue's size.
     *
     * @return {@code cq_entries}
     */
    public int cqEntries() {
        return cqEntries;
    }

    /**
     * The kernel's features.
     *
     * @return a set of {@code FEAT_*}
     */
    public int features() {
        return features;
    }

    /**
     * The flags the ring was set up with.
     *
     * @return a set of {@code IoUringParams.SETUP_*}
     */
    public int setupFlags() {
        return setupFlags;
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return true once closing has begun
     */
    public boolean isClosed() {
        return guard.isClosed();
    }

    /**
     * {@code io_uring_get_sqe}: the next free submission queue entry, zeroed, or {@code null} when the
     * submission queue is full (submit, and wait for the kernel to consume entries).
     *
     * @return the entry, to fill before the next {@link #submit()}
     * @throws AioException EBADF once the ring is closed
     */
    public Sqe getSqe() throws AioException {
        if (guard.isClosed()) {
            throw guard.closedError("io_uring_get_sqe");
        }
        int tail = sqeTail;
        if (tail - sqHeadCache >= sqEntries) {
            // Pairs with the kernel's smp_store_release of the SQ head once it has read the entries.
            sqHeadCache = (int) INT.getAcquire(sq, sqHead);
            if (tail - sqHeadCache >= sqEntries) {
                return null;
            }
        }
        Sqe sqe = sqes[tail & sqMask];
        sqe.clear();
        sqeTail = tail + 1;
        return sqe;
    }

    /**
     * How many entries were handed out by {@link #getSqe()} and not yet consumed by the kernel.
     *
     * @return the count
     */
    public int sqReady() {
        // Pairs with the kernel's release store of the SQ head.
        return sqeTail - (int) INT.getAcquire(sq, sqHead);
    }

    /**
     * How many completions wait in the completion queue.
     *
     * @return the count
     */
    public int cqReady() {
        // Pairs with the kernel's smp_store_release of the CQ tail after it wrote the entries.
        return (int) INT.getAcquire(cq, cqTail) - cqHeadLocal;
    }

    /**
     * {@code io_uring_submit}: io_uring_enter(2) with the entries filled since the last submit.
     *
     * @return how many entries the kernel consumed (it may stop early; the rest stay queued); with
     *         {@code SETUP_SQPOLL}, how many were handed to the kernel's SQ thread
     * @throws AioException EBADF once closed; EBADFD (the ring is disabled), EBUSY or EAGAIN (no room or
     *                      resources: reap first), EINVAL, ENXIO
     */
    public int submit() throws AioException {
        return submitAndWait(0);
    }

    /**
     * {@code io_uring_submit_and_wait}: submits, then waits until at least {@code waitNr} completions are
     * in the completion queue (a signal's EINTR is retried). The completions are then reaped with
     * {@link #getCqes}.
     *
     * @param waitNr how many completions to wait for; 0 does not wait
     * @return how many entries the kernel consumed
     * @throws AioException as {@link #submit()}
     */
    public int submitAndWait(int waitNr) throws AioException {
        acquire("io_uring_enter");
        try {
            // Release: the entries written by the prep calls happen before the kernel sees the new tail;
            // pairs with the kernel's smp_load_acquire of the SQ tail.
            INT.setRelease(sq, sqTail, sqeTail);
            int toSubmit = sqeTail - (int) INT.getAcquire(sq, sqHead);
            int consumed = 0;
            if (sqPoll) {
                // The SQ thread takes the entries by itself: count those published by this call only.
                int published = sqeTail - publishedTail;
                publishedTail = sqeTail;
                // liburing's io_uring_smp_mb(): the tail store is visible before the flags are read; pairs with
                // the SQ thread's full barrier between setting NEED_WAKEUP and its last look at the tail.
                VarHandle.fullFence();
                int flags = (int) INT.getAcquire(sq, sqFlags);
                if ((flags & SQ_NEED_WAKEUP) != 0) {
                    enter(toSubmit, 0, ENTER_SQ_WAKEUP);
                }
                consumed = published;
                submittedTotal += published;
            } else if (waitNr > 0) {
                // Submit and start waiting in one call, for at most one slice so that close() is noticed.
                while (true) {
                    long ret = waitSlice(submitWaitArg, toSubmit, waitNr, WAIT_SLICE_NANOS);
                    if (ret >= 0) {
                        consumed = (int) ret;
                        break;
                    }
                    if (ret != NEG_ETIME && ret != NEG_EINTR) {
                        throw error("io_uring_enter", ret);
                    }
                    // The kernel answers the wait's ETIME or EINTR only when it consumed nothing.
                    if (toSubmit == 0 || guard.isClosed()) {
                        break;
                    }
                }
                submittedTotal += consumed;
            } else if (toSubmit > 0 || needsFlush()) {
                long ret = enter(toSubmit, 0, needsFlush() ? ENTER_GETEVENTS : 0);
                consumed = (int) ret;
                submittedTotal += consumed;
            }
            while (waitNr > 0 && cqReady() < waitNr) {
                if (guard.isClosed()) {
                    throw guard.closedError("io_uring_enter");
                }
                long ret = waitSlice(submitWaitArg, 0, waitNr, WAIT_SLICE_NANOS);
                if (ret < 0 && ret != NEG_ETIME && ret != NEG_EINTR) {
                    throw error("io_uring_enter", ret);
                }
            }
            return consumed;
        } finally {
            release();
        }
    }

    /** io_uring_enter(2) with no wait argument, EINTR retried; throws on any other error. */
    private long enter(int toSubmit, int minComplete, int flags) throws AioException {
        while (true) {
            int index = enterIndex();
            long ret = index >= 0
                    ? UringSyscalls.ioUringEnter(index, toSubmit, minComplete, flags | ENTER_REGISTERED_RING, 0, 0)
                    : UringSyscalls.ioUringEnter(fd, toSubmit, minComplete, flags, 0, 0);
            if (ret >= 0) {
                return ret;
            }
            if (ret != NEG_EINTR) {
                throw error("io_uring_enter", ret);
            }
        }
    }

    /** Whether the kernel holds completions or task work that only an io_uring_enter brings to the CQ. */
    private boolean needsFlush() {
        // Pairs with the kernel's atomic_or of the SQ flags.
        int flags = (int) INT.getAcquire(sq, sqFlags);
        return (flags & (SQ_CQ_OVERFLOW | SQ_TASKRUN)) != 0
                || (setupFlags & IoUringParams.SETUP_DEFER_TASKRUN) != 0;
    }

    /**
     * Waits for at least {@code minNr} completions and returns up to {@code maxNr}, reaping them from
     * the completion queue.
     *
     * <p>A {@code null} timeout waits without limit, {@link Duration#ZERO} (or a negative one) never
     * blocks, and any other timeout returns early only with {@code minNr} completions in hand: a signal's
     * EINTR is retried with the time that remains.
     *
     * @param minNr   how many to wait for, 0 to {@code maxNr}
     * @param maxNr   how many to return at most, at least 1
     * @param timeout how long to wait
     * @return the completions, in the order the kernel posted them
     * @throws IllegalArgumentException if {@code minNr < 0}, {@code maxNr < 1} or {@code minNr > maxNr}
     * @throws AioException             EBADF once closed (unless completions were reaped, which are returned),
     *                                  EBUSY, EBADFD
     */
    public List<Cqe> getCqes(int minNr, int maxNr, Duration timeout) throws AioException {
        if (maxNr < 1 || minNr < 0 || minNr > maxNr) {
            throw new IllegalArgumentException("0 <= minNr <= maxNr and maxNr >= 1 are required: minNr=" + minNr
                    + " maxNr=" + maxNr);
        }
        CqeArray into = CqeArray.allocate(Math.min(maxNr, Math.max(minNr, cqEntries)));
        int n = getCqes(minNr, into, Timespec.timeoutNanos(timeout));
        List<Cqe> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(into.get(i));
        }
        return list;
    }

    /**
     * Reaps into a reusable array, allocating nothing: waits up to {@code timeoutNanos} (negative:
     * without limit, 0: not at all) for at least {@code minNr} completions and stores up to
     * {@code into.capacity()} of them, advancing the completion queue past them.
     *
     * @param minNr        how many to wait for, 0 to {@code into.capacity()}
     * @param into         where the completions go
     * @param timeoutNanos how long to wait
     * @return how many completions were stored at the start of {@code into}
     * @throws IllegalArgumentException if {@code minNr} is negative or more than {@code into.capacity()}
     * @throws AioException             as {@link #getCqes(int, int, Duration)}
     */
    public int getCqes(int minNr, CqeArray into, long timeoutNanos) throws AioException {
        int max = into.capacity();
        if (minNr < 0 || minNr > max) {
            throw new IllegalArgumentException("minNr must be 0 to into.capacity(): minNr=" + minNr
                    + " capacity=" + max);
        }
        acquire("io_uring_enter");
        try {
            int got = reap(into, 0, max);
            if (got >= minNr && (got > 0 || !needsFlush())) {
                return got;
            }
            if (minNr == 0 || timeoutNanos == 0) {
                // Bring overflowed completions and pending task work to the CQ, without waiting.
                enter(0, 0, ENTER_GETEVENTS);
                return got + reap(into, got, max - got);
            }
            final long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
            while (true) {
                long slice = WAIT_SLICE_NANOS;
                if (timeoutNanos > 0) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return got;
                    }
                    slice = Math.min(slice, remaining);
                }
                long ret = waitSlice(waitArg, 0, minNr - got, slice);
                got += reap(into, got, max - got);
                if (got >= minNr) {
                    return got;
                }
                if (ret < 0 && ret != NEG_ETIME && ret != NEG_EINTR) {
                    if (got > 0) {
                        return got; // hand over what was reaped; the error shows on the next call
                    }
                    throw error("io_uring_enter", ret);
                }
                if (guard.isClosed()) {
                    if (got > 0) {
                        return got;
                    }
                    throw guard.closedError("io_uring_enter");
                }
            }
        } finally {
            release();
            Reference.reachabilityFence(into);
        }
    }

    /**
     * One io_uring_enter(2) that submits {@code toSubmit} entries, then waits up to {@code nanos} until
     * {@code minComplete} completions are in the CQ, with an {@code io_uring_getevents_arg} in {@code arg}
     * (its timespec follows it).
     */
    private long waitSlice(MemorySegment arg, int toSubmit, int minComplete, long nanos) {
        MemorySegment ts = arg.asSlice(TS_OFFSET, 16);
        arg.set(JAVA_LONG, 0, 0L);                         // sigmask: none
        arg.set(JAVA_INT, ARG_SIGMASK_SZ, 0);
        arg.set(JAVA_LONG, ARG_TS, ts.address());
        ts.set(JAVA_LONG, 0, nanos / 1_000_000_000L);
        ts.set(JAVA_LONG, 8, nanos % 1_000_000_000L);
        int index = enterIndex();
        long ret = index >= 0
                ? UringSyscalls.ioUringEnter(index, toSubmit, minComplete,
                        ENTER_GETEVENTS | ENTER_EXT_ARG | ENTER_REGISTERED_RING, arg.address(), GETEVENTS_ARG_SIZE)
                : UringSyscalls.ioUringEnter(fd, toSubmit, minComplete, ENTER_GETEVENTS | ENTER_EXT_ARG,
                        arg.address(), GETEVENTS_ARG_SIZE);
        Reference.reachabilityFence(arg);
        return ret;
    }

    /**
     * The registered index to enter with, or -1 for the descriptor: the index names this ring only in the
     * task that registered it, so any other thread enters with the descriptor.
     */
    private int enterIndex() {
        int index = ringFdIndex;
        if (index < 0 || ringFdThread != Thread.currentThread()) {
            return -1;
        }
        registeredEnters++;
        return index;
    }

    /** Copies up to {@code max} ready completions into {@code into} at {@code at}, and advances the CQ head. */
    private int reap(CqeArray into, int at, int max) {
        int head = cqHeadLocal;
        // Pairs with the kernel's smp_store_release of the CQ tail after it wrote the entries.
        int tail = (int) INT.getAcquire(cq, cqTail);
        int n = Math.min(tail - head, max);
        if (n <= 0) {
            return 0;
        }
        MemorySegment dst = into.segment();
        int index = head & cqMask;
        int first = Math.min(n, cqEntries - index);
        MemorySegment.copy(cq, cqCqes + (long) index * CQE_SIZE, dst, (long) at * CQE_SIZE, (long) first * CQE_SIZE);
        if (n > first) {
            MemorySegment.copy(cq, cqCqes, dst, (long) (at + first) * CQE_SIZE, (long) (n - first) * CQE_SIZE);
        }
        // Release: the copies above happen before the kernel may reuse the slots; pairs with the kernel's
        // load of the CQ head when it looks for room.
        INT.setRelease(cq, cqHead, head + n);
        cqHeadLocal = head + n;
        int ended = 0;
        for (int i = at; i < at + n; i++) {
            if ((into.flags(i) & Cqe.F_MORE) == 0) {
                ended++;
            }
        }
        completedTotal += ended;
        if (resources.hasRetired && completedTotal >= submittedTotal) {
            resources.dropRetired();
        }
        return n;
    }

    /**
     * How many completions the kernel could not post: {@code cq_overflow}. With {@link #FEAT_NODROP}
     * the kernel keeps completions that did not fit and posts them once there is room; this counts only
     * those it had to drop.
     *
     * @return the kernel's counter
     * @throws AioException EBADF once closed
     */
    public int cqOverflow() throws AioException {
        acquire("io_uring_cq_overflow");
        try {
            // Pairs with the kernel's WRITE_ONCE of the counter.
            return (int) INT.getAcquire(cq, cqOverflow);
        } finally {
            release();
        }
    }

    /**
     * Whether completions wait in the kernel's overflow list ({@code IORING_SQ_CQ_OVERFLOW}): the CQ was
     * full when they were posted; {@link #getCqes} brings them in.
     *
     * @return true while the kernel holds overflowed completions
     * @throws AioException EBADF once closed
     */
    public boolean cqOverflowPending() throws AioException {
        acquire("io_uring_cq_overflow");
        try {
            return ((int) INT.getAcquire(sq, sqFlags) & SQ_CQ_OVERFLOW) != 0;
        } finally {
            release();
        }
    }

    /**
     * How many submission queue entries the kernel dropped as invalid (an index out of range in the SQ
     * array): {@code sq_dropped}.
     *
     * @return the kernel's counter
     * @throws AioException EBADF once closed
     */
    public int sqDropped() throws AioException {
        acquire("io_uring_sq_dropped");
        try {
            // Pairs with the kernel's WRITE_ONCE of the counter.
            return (int) INT.getAcquire(sq, sqDropped);
        } finally {
            release();
        }
    }

    /**
     * Requests submitted whose final completion has not been reaped yet. A request with
     * {@link Sqe#IOSQE_CQE_SKIP_SUCCESS} that succeeds posts none, and stays counted.
     *
     * @return the count
     */
    public long inFlight() {
        return submittedTotal - completedTotal;
    }

    // ---- io_uring_register(2) -----------------------------------------------------------------------

    /**
     * {@code io_uring_register_buffers}: registers buffers for {@link Sqe#prepReadFixed} and
     * {@link Sqe#prepWriteFixed}, their index being their position here. The kernel pins their pages.
     *
     * <p>Each buffer must be native memory that only the garbage collector frees (an automatic or the
     * global arena): the ring keeps it reachable while it is registered and while requests may still use
     * it, so the kernel never writes into memory that was freed. An empty call reaches the kernel, which
     * answers EINVAL.
     *
     * @param buffers the buffers
     * @throws IllegalArgumentException if a buffer is on the heap or of an arena that can be closed
     * @throws AioException             EBUSY (buffers are registered), EINVAL (none, too many, an empty or
     *                                  too long one), EFAULT (an address outside the process), ENOMEM,
     *                                  EOPNOTSUPP (file-backed memory), EBADF once closed
     */
    public void registerBuffers(MemorySegment... buffers) throws AioException {
        List<MemorySegment> list = List.of(buffers);
        for (MemorySegment b : list) {
            if (!b.isNative()) {
                throw new IllegalArgumentException("a registered buffer must be native memory: buffer=" + b);
            }
            if (!freedOnlyByGc(b)) {
                throw new IllegalArgumentException("a registered buffer must be memory that only the garbage "
                        + "collector frees (Arena.ofAuto(), Arena.global(), a direct ByteBuffer): the kernel writes "
                        + "into it until no request uses it, and a closed arena would free it first: buffer=" + b);
            }
        }
        acquire("io_uring_register");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iovecs = arena.allocate(IoVec.LAYOUT, Math.max(1, list.size()));
            for (int i = 0; i < list.size(); i++) {
                IoVec.set(iovecs, i, list.get(i));
            }
            long ret = UringSyscalls.ioUringRegister(fd, REGISTER_BUFFERS, iovecs.address(), list.size());
            if (ret < 0) {
                throw error("io_uring_register", ret);
            }
            resources.register(list);
        } finally {
            release();
            Reference.reachabilityFence(list);
        }
    }

    /**
     * {@code io_uring_unregister_buffers}. The buffers stay reachable until the requests in flight now
     * have completed and been reaped.
     *
     * @throws AioException ENXIO when no buffers are registered, EBADF once closed
     */
    public void unregisterBuffers() throws AioException {
        acquire("io_uring_register");
        try {
            long ret = UringSyscalls.ioUringRegister(fd, UNREGISTER_BUFFERS, 0, 0);
            if (ret < 0) {
                throw error("io_uring_register", ret);
            }
            resources.unregister(inFlight() > 0);
        } finally {
            release();
        }
    }

    /**
     * {@code io_uring_register_files}: registers descriptors for {@link Sqe#IOSQE_FIXED_FILE}, their
     * index being their position here (-1 leaves a slot empty). The kernel holds its own reference to
     * each file, so closing a descriptor afterwards leaves the registered file usable.
     *
     * @param fds the descriptors
     * @throws AioException EBUSY (files are registered), EINVAL (none), EBADF (a descriptor is not open,
     *                      or the ring is closed), EMFILE (more than the kernel or RLIMIT_NOFILE allows)
     */
    public void registerFiles(int... fds) throws AioException {
        acquire("io_uring_register");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(JAVA_INT, Math.max(1, fds.length));
            MemorySegment.copy(fds, 0, array, JAVA_INT, 0, fds.length);
            long ret = UringSyscalls.ioUringRegister(fd, REGISTER_FILES, array.address(), fds.length);
            if (ret < 0) {
                throw error("io_uring_register", ret);
            }
        } finally {
            release();
        }
    }

    /**
     * {@code io_uring_unregister_files}.
     *
     * @throws AioException ENXIO when no files are registered, EBADF once closed
     */
    public void unregisterFiles() throws AioException {
        acquire("io_uring_register");
        try {
            long ret = UringSyscalls.ioUringRegister(fd, UNREGISTER_FILES, 0, 0);
            if (ret < 0) {
                throw error("io_uring_register", ret);
            }
        } finally {
            release();
        }
    }

    /**
     * {@code io_uring_register_ring_fd}: registers the ring's descriptor with the calling thread
     * ({@code IORING_REGISTER_RING_FDS}), in the first free slot, so that this thread's later
     * io_uring_enter calls pass the slot's index with {@link #ENTER_REGISTERED_RING} and the kernel skips
     * the descriptor lookup. Other threads go on entering with the descriptor.
     *
     * @return the slot's index, 0 to 15
     * @throws IllegalStateException if the calling thread is virtual (the kernel keeps the slots per
     *                               task, and a virtual thread moves between carriers), or a descriptor of
     *                               this ring is registered already
     * @throws AioException          EBUSY (the thread's 16 slots are taken), EINVAL (a kernel before 5.18),
     *                               EBADF once closed
     */
    public int registerRingFd() throws AioException {
        return registerRingFd(-1);
    }

    /**
     * As {@link #registerRingFd()}, in a given slot of the calling thread's table.
     *
     * @param slot the slot, 0 to 15, or -1 for the first free one
     * @return the slot's index
     * @throws IllegalStateException as {@link #registerRingFd()}
     * @throws AioException          EINVAL (a slot outside 0 to 15), EBUSY (the slot is taken), EBADF once
     *                               closed
     */
    public int registerRingFd(int slot) throws AioException {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("a ring descriptor is registered per kernel task, which a virtual thread "
                    + "is not: call registerRingFd on a platform thread: thread=" + Thread.currentThread());
        }
        if (ringFdIndex >= 0) {
            throw new IllegalStateException("this ring's descriptor is registered already: index=" + ringFdIndex);
        }
        acquire("io_uring_register");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment update = arena.allocate(RSRC_UPDATE_SIZE, 8);
            update.set(JAVA_INT, 0, slot);       // offset: -1 (0xFFFFFFFF) asks for any free slot
            update.set(JAVA_LONG, 8, fd);        // data: the ring's descriptor
            long ret = UringSyscalls.ioUringRegister(fd, REGISTER_RING_FDS, update.address(), 1);
            if (ret < 0) {
                throw error("io_uring_register", ret);
            }
            if (ret != 1) {
                throw new IllegalStateException("IORING_REGISTER_RING_FDS registered none: ret=" + ret);
            }
            int index = update.get(JAVA_INT, 0);
            ringFdThread = Thread.currentThread();
            ringFdIndex = index;
            return index;
        } finally {
            release();
        }
    }

    /**
     * {@code io_uring_unregister_ring_fd}: frees the slot of {@link #registerRingFd()}; later enters use
     * the descriptor. Does nothing when no descriptor is registered.
     *
     * @throws IllegalStateException if called on another thread than the one that registered (the slot
     *                               is in that thread's table)
     * @throws AioException          EBADF once closed
     */
    public void unregisterRingFd() throws AioException {
        acquire("io_uring_register");
        try {
            unregisterRingFdLocked();
        } finally {
            release();
        }
    }

    private void unregisterRingFdLocked() throws AioException {
        int index = ringFdIndex;
        if (index < 0) {
            return;
        }
        if (ringFdThread != Thread.currentThread()) {
            throw new IllegalStateException("the ring descriptor is registered in the table of another thread, "
                    + "which alone can unregister it: thread=" + ringFdThread);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment update = arena.allocate(RSRC_UPDATE_SIZE, 8);
            update.set(JAVA_INT, 0, index);
            long ret = UringSyscalls.ioUringRegister(fd, UNREGISTER_RING_FDS, update.address(), 1);
            if (ret < 0) {
                throw error("io_uring_register", ret);
            }
            ringFdIndex = -1;
            ringFdThread = null;
        }
    }

    /**
     * The slot of {@link #registerRingFd()}, or -1 when the descriptor is not registered.
     *
     * @return the index
     */
    public int registeredRingFd() {
        return ringFdIndex;
    }

    /**
     * How many io_uring_enter calls passed the registered index instead of the descriptor.
     *
     * @return the count
     */
    public long registeredRingEnters() {
        return registeredEnters;
    }

    /**
     * {@code io_uring_register_eventfd}: the kernel adds 1 to the eventfd ({@code dev.jaio.aio.EventFd})
     * for completions it posts, so that an event loop can wait for them with poll or epoll.
     *
     * @param eventFd an eventfd's descriptor
     * @throws AioException EBUSY (one is registered), EBADF (not open, or the ring is closed), EINVAL
     *                      (not an eventfd)
     */
    public void registerEventFd(int eventFd) throws AioException {
        acquire("io_uring_register");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            value.set(JAVA_INT, 0, eventFd);
            long ret = UringSyscalls.ioUringRegister(fd, REGISTER_EVENTFD, value.address(), 1);
            if (ret < 0) {
                throw error("io_uring_register", ret);
            }
        } finally {
            release();
        }
    }

    /**
     * {@code io_uring_unregister_eventfd}.
     *
     * @throws AioException ENXIO when none is registered, EBADF once closed
     */
    public void unregisterEventFd() throws AioException {
        acquire("io_uring_register");
        try {
            long ret = UringSyscalls.ioUringRegister(fd, UNREGISTER_EVENTFD, 0, 0);
            if (ret < 0) {
                throw error("io_uring_register", ret);
            }
        } finally {
            release();
        }
    }

    /**
     * Closes the ring: waits for calls in progress on other threads (a waiting {@link #getCqes} returns
     * within 100 ms), unmaps the rings and closes the descriptor, once. The kernel cancels what is in
     * flight as it tears the ring down. Idempotent; every later call throws {@link AioException} with
     * {@code EBADF}. A descriptor registered with {@link #registerRingFd()} is unregistered when the
     * registering thread closes; closed on another thread, the kernel keeps the ring until the
     * registering thread exits or calls {@link #unregisterRingFd()} before.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (!guard.closeAndAwait()) {
                return;
            }
            if (ringFdIndex >= 0 && ringFdThread == Thread.currentThread()) {
                // The slot holds a reference to the ring's file: free it, or the ring lives as long as the thread.
                try {
                    unregisterRingFdLocked();
                } catch (AioException e) {
                    // Only the kernel's EINVAL for a bad index is possible, and the index came from it.
                }
            }
            ringFdIndex = -1;
            if (inFlight() > 0) {
                resources.retainForever();
            } else {
                resources.settle();
            }
            ringArena.close();
            cleanable.clean();
        }
    }

    private void acquire(String syscall) throws AioException {
        guard.acquire(syscall);
    }

    private void release() {
        guard.release();
    }

    private static AioException error(String syscall, long ret) {
        int errno = (int) -ret;
        return new AioException(syscall, errno, UringAdvice.forError(syscall, errno));
    }

    /**
     * Whether a segment's memory is freed only once the segment is unreachable (automatic and global
     * arenas, direct buffers), as {@code AsyncFile} decides it; no public API answers this, and a test
     * pins the answer for the arenas this JDK has.
     */
    static boolean freedOnlyByGc(MemorySegment segment) {
        return dev.jaio.internal.memory.MemoryLifetime.freedOnlyByGc(segment);
    }

    /** Whether buffers unregistered while requests were in flight are still held; for tests. */
    boolean holdsRetiredBuffers() {
        return resources.hasRetired;
    }

    /** How many buffer sets closed rings left to the JVM's lifetime; for tests. */
    static int retainedCount() {
        return RETAINED.size();
    }

    @Override
    public String toString() {
        return "IoUring[fd=" + fd + ", sqEntries=" + sqEntries + ", cqEntries=" + cqEntries + ", features=0x"
                + Integer.toHexString(features) + (isClosed() ? ", closed" : "") + "]";
    }

    /**
     * The ring's mappings, descriptor and registered buffers; released once, by {@link #close()} or, for a
     * ring never closed, by the cleaner (which keeps the buffers, as it cannot know what is in flight).
     */
    static final class Resources implements Runnable {
        final int fd;
        long sqAddress;
        long sqSize;
        long cqAddress;
        long cqSize;
        long sqesAddress;
        long sqesSize;
        private final Object lock = new Object();
        private List<MemorySegment> registered = List.of();
        private final List<MemorySegment> retired = new ArrayList<>();
        volatile boolean hasRetired;
        /** Whether the buffers' fate is decided: retained for good, or free to go with the ring. */
        private boolean settled;

        Resources(int fd) {
            this.fd = fd;
        }

        void map(IoUringParams p) throws AioException {
            int sqEntries = p.sqEntries();
            int cqEntries = p.cqEntries();
            sqSize = p.sqOff("array") + 4L * sqEntries;
            cqSize = p.cqOff("cqes") + (long) CQE_SIZE * cqEntries;
            boolean single = (p.features() & FEAT_SINGLE_MMAP) != 0;
            if (single) {
                sqSize = Math.max(sqSize, cqSize);
                cqSize = sqSize;
            }
            int prot = Mman.PROT_READ | Mman.PROT_WRITE;
            int flags = Mman.MAP_SHARED | Mman.MAP_POPULATE;
            sqAddress = mapped(Mman.mmap(sqSize, prot, flags, fd, OFF_SQ_RING));
            cqAddress = single ? sqAddress : mapped(Mman.mmap(cqSize, prot, flags, fd, OFF_CQ_RING));
            sqesSize = (long) SQE_SIZE * sqEntries;
            sqesAddress = mapped(Mman.mmap(sqesSize, prot, flags, fd, OFF_SQES));
        }

        static long mapped(long ret) throws AioException {
            if (ret < 0 && ret >= -4095) {
                throw error("mmap", ret);
            }
            return ret;
        }

        void register(List<MemorySegment> buffers) {
            synchronized (lock) {
                registered = buffers;
            }
        }

        void unregister(boolean inFlight) {
            synchronized (lock) {
                if (inFlight) {
                    retired.addAll(registered);
                    hasRetired = !retired.isEmpty();
                }
                registered = List.of();
            }
        }

        void dropRetired() {
            synchronized (lock) {
                retired.clear();
                hasRetired = false;
            }
        }

        void retainForever() {
            synchronized (lock) {
                if (!registered.isEmpty() || !retired.isEmpty()) {
                    List<MemorySegment> all = new ArrayList<>(registered);
                    all.addAll(retired);
                    RETAINED.add(Collections.unmodifiableList(all));
                }
                settled = true;
            }
        }

        /** Marks a close with nothing in flight: the buffers may go with the ring. */
        void settle() {
            synchronized (lock) {
                settled = true;
            }
        }

        @Override
        public void run() {
            synchronized (lock) {
                if (!settled) {
                    // The cleaner cannot know what is in flight: keep the buffers rather than risk a write into freed memory.
                    retainForever();
                }
            }
            if (sqesAddress > 0) {
                Mman.munmap(sqesAddress, sqesSize);
            }
            if (cqAddress > 0 && cqAddress != sqAddress) {
                Mman.munmap(cqAddress, cqSize);
            }
            if (sqAddress > 0) {
                Mman.munmap(sqAddress, sqSize);
            }
            LibC.close(fd);
        }
    }
}
