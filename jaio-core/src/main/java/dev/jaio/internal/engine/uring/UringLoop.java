package dev.jaio.internal.engine.uring;

import dev.jaio.internal.engine.Completer;
import dev.jaio.internal.engine.EngineLoop;
import dev.jaio.internal.engine.IoOp;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.engine.KernelCalls;
import dev.jaio.internal.engine.SubmitPolicy;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.aio.EventFd;
import dev.jaio.aio.Iocb;
import dev.jaio.uring.CqeArray;
import dev.jaio.uring.IoUring;
import dev.jaio.uring.IoUringParams;
import dev.jaio.uring.Sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One io_uring and the thread that drives it: it moves requests from an incoming queue into SQEs and
 * hands each turn's SQEs to the kernel with one io_uring_enter, which also waits for completions. The
 * follow-ups that a large reap's completions issue go in sooner, a batch at a time, as
 * {@link SubmitPolicy} decides (see {@link #submitMidReap()}).
 *
 * <pre>
 *  callers ──offer──▶ incoming ──▶ pending ──SQEs, io_uring_enter──▶ kernel ──CQ──▶ completions
 *                       │                                               ▲
 *                       └─ eventfd write when the loop sleeps ──────────┘ (a READ SQE on the eventfd)
 * </pre>
 *
 * <p>The wake-up is a READ SQE on a blocking eventfd, always in flight while the loop runs: a caller
 * that finds the loop asleep writes the eventfd once, the read completes, and its CQE ends the loop's
 * wait. A read rather than a POLL_ADD: its completion also empties the counter, so waking costs the
 * loop no extra read(2); and {@code IORING_OP_MSG_RING} would need a ring on the waking side.
 *
 * <p>The ring is set up on the loop thread, which is the only thread that ever enters it: that is what
 * {@code SETUP_SINGLE_ISSUER} requires, and with {@code SETUP_DEFER_TASKRUN} completions are posted only
 * when this thread waits, so a busy turn costs one io_uring_enter that both submits and waits.
 *
 * <p>Counting keeps the CQ from overflowing: at most {@code depth} requests plus the wake-up read are in
 * the kernel, and the CQ holds at least that many; a request holds its slot, and stays reachable from
 * its slot with the buffer it names, until its CQE is reaped.
 *
 * <p>Registered memory: a region given with {@link #registerBuffers} is registered (on this thread, as
 * {@code SINGLE_ISSUER} wants) as buffer 0, and a read or write whose buffer lies inside it goes in as
 * {@code READ_FIXED} or {@code WRITE_FIXED}. When registration fails the requests go in as plain reads
 * and writes and {@link #fixedBuffersFallback()} says why. Unregistering waits until no fixed request is
 * in the kernel (or in the SQ). Where the kernel has {@code FEAT_REG_REG_RING}, the loop also registers
 * the ring's descriptor with its thread and enters with the index.
 */
final class UringLoop extends EngineLoop {
    private static final long WAKE_TOKEN = -1L;
    private static final int NEG_EINTR = -Errno.EINTR.number();
    private static final int NEG_EAGAIN = -Errno.EAGAIN.number();
    private static final int MAX_RW = 0x7ffff000; // the kernel's MAX_RW_COUNT: longer requests are short anyway
    /** Requests of loops that died with requests in the kernel: kept reachable, with their buffers, for good. */
    private static final Set<Object> RETAINED = ConcurrentHashMap.newKeySet();

    private final int setupFlags;
    private final SubmitPolicy policy;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment wakeBuffer;
    /** Slots (or -1 for the wake-up) whose SQEs are filled and not yet consumed by the kernel, in SQ order. */
    private int[] unsubmitted;
    private int unsubmittedHead;
    private int unsubmittedSize;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    private IoUring ring;
    private CqeArray cqes;
    private int inKernel;
    /** Whether the wake-up read is filled or in the kernel; re-filled with the next turn after its CQE. */
    private boolean wakeArmed;
    private volatile long enterCalls;
    private volatile long waits;
    private volatile long cqesReaped;
    /** Work for the loop thread from other threads (registration), run at the start of a turn. */
    private final ConcurrentLinkedQueue<Runnable> control = new ConcurrentLinkedQueue<>();
    /** The registered region's bounds (loop thread only); both 0 when fixed requests are off. */
    private long fixedBase;
    private long fixedEnd;
    /** Written by the loop thread only; volatile for {@link #buffersRegistered()}. */
    private volatile boolean buffersRegistered;
    private boolean unregisterPending;
    private boolean[] fixedSlot;
    /** Fixed requests filled and not yet completed. */
    private int fixedInKernel;
    private volatile long fixedRequests;
    private volatile String fixedFallback;

    UringLoop(UringEngine engine, int depth, int setupFlags, SubmitPolicy policy, String name)
            throws AioException {
        // Blocking: a READ on a non-blocking eventfd would complete at once with -EAGAIN instead of waiting.
        super(engine, depth, name, EventFd.EFD_CLOEXEC);
        this.setupFlags = setupFlags;
        this.policy = policy;
        this.wakeBuffer = arena.allocate(8, 8);
    }

    /**
     * Registers {@code region} with this loop's ring, on its thread; the future completes once done, or
     * once it failed, the reason then being {@link #fixedBuffersFallback()}.
     */
    CompletableFuture<Void> registerBuffers(MemorySegment region) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        runOnLoop(() -> {
            try {
                if (!buffersRegistered && !unregisterPending) {
                    ring.registerBuffers(region);
                    buffersRegistered = true;
                    fixedBase = region.address();
                    fixedEnd = region.address() + region.byteSize();
                    fixedFallback = null;
                }
            } catch (AioException | RuntimeException e) {
                fixedFallback = "registering " + region.byteSize() + " bytes with the ring failed, so reads and "
                        + "writes of pool buffers go in as plain READ/WRITE: " + e.getMessage();
            } finally {
                done.complete(null);
            }
        });
        return done;
    }

    /** Stops fixed requests at once and unregisters the region once none is in the kernel. */
    void unregisterBuffers() {
        runOnLoop(() -> {
            fixedBase = 0;
            fixedEnd = 0;
            if (buffersRegistered) {
                unregisterPending = true;
                unregisterWhenDrained();
            }
        });
    }

    private void unregisterWhenDrained() {
        if (unregisterPending && fixedInKernel == 0 && !ring.isClosed()) {
            unregisterPending = false;
            buffersRegistered = false;
            try {
                ring.unregisterBuffers();
            } catch (AioException e) {
                // ENXIO (none registered) is the only answer left: nothing is registered either way.
            }
        }
    }

    private void runOnLoop(Runnable task) {
        control.offer(task);
        if (!thread().isAlive() && ready.isDone()) {
            runControl(); // the loop is gone: the tasks see a closed ring and say so
            return;
        }
        wakeIfAsleep();
    }

    private void runControl() {
        Runnable t;
        while ((t = control.poll()) != null) {
            t.run();
        }
    }

    /** Why requests do not go in as fixed ones, or null when they do (or nothing was registered). */
    String fixedBuffersFallback() {
        return fixedFallback;
    }

    /** Whether the region is registered with the ring now. */
    boolean buffersRegistered() {
        return buffersRegistered;
    }

    /** io_uring_enter calls that passed the registered ring index (0 once the ring is gone). */
    long registeredRingEnters() {
        IoUring r = ring;
        return r == null ? 0 : r.registeredRingEnters();
    }

    /** Requests that went in as READ_FIXED or WRITE_FIXED. */
    long fixedRequests() {
        return fixedRequests;
    }

    /** The ring's setup flags, once {@link #ready} has completed. */
    int ringSetupFlags() {
        return ring.setupFlags();
    }

    @Override
    public void run() {
        try {
            ring = setup(depth, setupFlags);
            cqes = CqeArray.allocate(arena, ring.cqEntries());
            unsubmitted = new int[depth + 1];
            fixedSlot = new boolean[depth];
            if ((ring.features() & IoUring.FEAT_REG_REG_RING) != 0
                    && !"false".equals(System.getProperty("jaio.uring.ringFd"))) {
                try {
                    ring.registerRingFd(); // this thread alone enters the ring: skip the descriptor lookup
                } catch (AioException | IllegalStateException e) {
                    // The descriptor works as well, a little slower: go on with it.
                }
            }
        } catch (Throwable t) {
            wakeup.close();
            arena.close();
            ready.completeExceptionally(t);
            return;
        }
        ready.complete(null);
        boolean clean = false;
        try {
            loop();
            clean = true;
        } catch (Throwable t) {
            failUnsubmitted(t);
            died(t);
        } finally {
            if (buffersRegistered && clean) {
                try {
                    ring.unregisterBuffers(); // nothing is in the kernel any more
                } catch (AioException e) {
                    // Closing the ring unregisters them as well.
                }
                buffersRegistered = false;
            }
            ring.close();
            runControl();
            wakeup.close();
            if (clean) {
                arena.close();
            } else {
                // The kernel may still write into requests' buffers and the wake-up buffer: keep them all.
                RETAINED.add(slots());
                RETAINED.add(arena);
            }
        }
    }

    /**
     * Sets up a ring for {@code depth} requests and the wake-up: the SQ holds them all, and the CQ (at
     * least as large) can take every completion of what may be in the kernel at once.
     */
    static IoUring setup(int depth, int flags) throws AioException {
        int entries = Math.min(depth + 1, 32768);
        IoUringParams p = new IoUringParams().flags(flags | IoUringParams.SETUP_CQSIZE)
                .cqEntries(Math.max(2 * entries, depth + 1));
        IoUring ring = IoUring.setup(entries, p);
        if (ring.cqEntries() < depth + 1) {
            ring.close();
            throw new IllegalStateException("the kernel made a CQ smaller than asked: cqEntries=" + ring.cqEntries()
                    + " depth=" + depth);
        }
        return ring;
    }

    private void loop() throws AioException {
        while (true) {
            runControl();
            unregisterWhenDrained();
            drainIncoming();
            fill();
            int n = ring.cqReady() > 0 ? ring.getCqes(0, cqes, 0L) : 0;
            if (n > 0) {
                submit();
                handle(n);
                continue;
            }
            if (stopping() && inKernel == 0 && !hasIncoming() && pending.isEmpty() && !wakeArmed) {
                break;
            }
            sleeping(true);
            if (hasIncoming() || !control.isEmpty() || (stopping() && !pending.isEmpty())) {
                sleeping(false);
                submit();
                continue;
            }
            // One io_uring_enter: this turn's SQEs go in, and the thread waits for a completion (at the
            // latest the wake-up read's, when a caller offers a request or the engine stops).
            int before = unsubmittedSize;
            int consumed;
            try {
                consumed = ring.submitAndWait(1);
            } catch (AioException e) {
                sleeping(false);
                if (!isShortOfResources(e)) {
                    throw e;
                }
                shortOfResources();
                continue;
            }
            sleeping(false);
            consumedSqes(consumed, before);
            waits++;
            n = ring.getCqes(0, cqes, 0L);
            handle(n);
        }
    }

    /** Fills SQEs for the wake-up (when it is not armed) and for pending requests, as slots allow. */
    private void fill() throws AioException {
        if (stopping()) {
            abortPending();
            return;
        }
        if (!wakeArmed) {
            nextSqe().prepRead(wakeup.fd(), wakeBuffer, 0).userData(WAKE_TOKEN);
            wakeArmed = true;
            pushUnsubmitted(-1);
        }
        while (hasFreeSlot()) {
            IoRequest r = nextPending();
            if (r == null) {
                break;
            }
            Sqe sqe = nextSqe();
            int slot = occupy(r);
            if (isFixed(r)) {
                prepFixed(sqe, r).userData(slot);
                fixedSlot[slot] = true;
                fixedInKernel++;
                fixedRequests++;
            } else {
                prep(sqe, r).userData(slot);
            }
            inKernel++;
            pushUnsubmitted(slot);
        }
    }

    /** The next free SQE; when the SQ is full (a queue depth beyond its 32768 entries), submits first. */
    private Sqe nextSqe() throws AioException {
        Sqe sqe = ring.getSqe();
        while (sqe == null) {
            submit();
            sqe = ring.getSqe();
        }
        return sqe;
    }

    /** Fills an SQE for a request; every {@link dev.jaio.internal.engine.IoOp} has its opcode here. */
    static Sqe prep(Sqe sqe, IoRequest r) {
        // io_uring tries without blocking and punts to its workers by itself: RWF_NOWAIT would only turn
        // a cache miss into -EAGAIN.
        int flags = r.rwFlags & ~Iocb.RWF_NOWAIT;
        return switch (r.op) {
            case READ -> sqe.prepRead(r.fd, r.buffer.address(), (int) Math.min(r.length, MAX_RW), r.position)
                    .rwFlags(flags);
            case WRITE -> sqe.prepWrite(r.fd, r.buffer.address(), (int) Math.min(r.length, MAX_RW),
                    r.position).rwFlags(flags);
            case READV -> sqe.prepReadv(r.fd, r.buffer, (int) r.length, r.position).rwFlags(flags);
            case WRITEV -> sqe.prepWritev(r.fd, r.buffer, (int) r.length, r.position).rwFlags(flags);
            case FSYNC -> sqe.prepFsync(r.fd, 0);
            case FDSYNC -> sqe.prepFsync(r.fd, Sqe.FSYNC_DATASYNC);
            // The mode as it is: its bits are not RWF_* flags (FALLOC_FL_COLLAPSE_RANGE is RWF_NOWAIT's 8).
            case FALLOCATE -> sqe.prepFallocate(r.fd, r.rwFlags, r.position, r.length);
        };
    }

    /** Whether {@code r} is a read or write whose buffer lies inside the registered region. */
    private boolean isFixed(IoRequest r) {
        if (fixedEnd == 0 || (r.op != IoOp.READ && r.op != IoOp.WRITE)) {
            return false;
        }
        long address = r.buffer.address();
        return address >= fixedBase && address + Math.min(r.length, MAX_RW) <= fixedEnd;
    }

    private static Sqe prepFixed(Sqe sqe, IoRequest r) {
        int flags = r.rwFlags & ~Iocb.RWF_NOWAIT;
        int len = (int) Math.min(r.length, MAX_RW);
        // prepRead/prepWrite with the opcode changed: the same fields as prepReadFixed, without a slice per request.
        Sqe s = r.op == IoOp.READ
                ? sqe.prepRead(r.fd, r.buffer.address(), len, r.position).opcode(Sqe.OP_READ_FIXED)
                : sqe.prepWrite(r.fd, r.buffer.address(), len, r.position).opcode(Sqe.OP_WRITE_FIXED);
        return s.bufIndex(0).rwFlags(flags);
    }

    private void pushUnsubmitted(int slot) {
        unsubmitted[(unsubmittedHead + unsubmittedSize) % unsubmitted.length] = slot;
        unsubmittedSize++;
    }

    /** Submits the filled SQEs without waiting. EAGAIN and EBUSY leave them in the SQ for the next turn. */
    private void submit() throws AioException {
        int before = unsubmittedSize;
        if (before == 0) {
            return;
        }
        int consumed;
        try {
            consumed = ring.submit();
        } catch (AioException e) {
            if (!isShortOfResources(e)) {
                throw e;
            }
            shortOfResources();
            return;
        }
        consumedSqes(consumed, before);
    }

    /**
     * EAGAIN (the kernel could not allocate for the requests) or EBUSY (completions it could not post):
     * io_uring_enter(2) says to reap and retry; the SQEs stay queued, in order.
     */
    private static boolean isShortOfResources(AioException e) {
        return e.errno() == Errno.EAGAIN.number() || e.errno() == Errno.EBUSY.number();
    }

    private void shortOfResources() {
        enterCalls++;
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L); // a moment for memory to free up
    }

    private void consumedSqes(int consumed, int before) {
        if (before > 0) {
            enterCalls++;
        }
        consumed = Math.min(consumed, unsubmittedSize);
        unsubmittedHead = (unsubmittedHead + consumed) % unsubmitted.length;
        unsubmittedSize -= consumed;
    }

    private void handle(int n) {
        cqesReaped += n;
        for (int i = 0; i < n; i++) {
            long data = cqes.userData(i);
            int res = cqes.res(i);
            if (data == WAKE_TOKEN) {
                if (res < 0 && res != NEG_EINTR && res != NEG_EAGAIN) {
                    throw new IllegalStateException("the wake-up read on the eventfd failed: "
                            + Errno.nameOf(-res) + "; the loop cannot go on");
                }
                wakeArmed = false; // filled again with the next turn, unless the loop is stopping
                continue;
            }
            int slot = (int) data;
            IoRequest r = release(slot);
            if (fixedSlot[slot]) {
                fixedSlot[slot] = false;
                fixedInKernel--;
            }
            inKernel--;
            completer.finish(r, res, true);
            if (i < n - 1) {
                submitMidReap();
            }
        }
        completer.flush();
    }

    /**
     * Hands the follow-ups gathered so far in this reap to the kernel once {@link SubmitPolicy#batch()} of
     * them wait. The last ones go in with the turn's io_uring_enter, which also waits.
     *
     * <p>Why, as measured on this project's virtio disk with 4 KiB random {@code O_DIRECT} reads at iodepth
     * 32: its completions come back in bursts of up to about 30, and one io_uring_enter of all their
     * follow-ups hands the disk a burst that it serves more slowly than the same requests in batches of 8
     * (iostat's time per request at the disk, {@code bench/compare-fio.sh --uring}: 587-629 µs against
     * fio's 412-466 µs before, 465-472 µs against 389-446 µs after; IOPS 0.89 of fio's before, 1.10 after).
     * The README's io_uring section has the runs.
     */
    private void submitMidReap() {
        if (hasIncoming()) {
            drainIncoming();
        }
        if (hasFreeSlot() && policy.submitNow(pending.size(), true)) {
            try {
                fill();
                submit();
            } catch (AioException e) {
                // The SQEs stay in the ring, and the turn's own io_uring_enter meets the error again once
                // the rest of this reap is handled: its completions are already off the ring, and an error
                // here would leave their callers unanswered.
            }
        }
    }

    /**
     * SQEs the kernel never consumed will not complete: their requests fail here. Those in the kernel
     * stay unanswered rather than be reported done while the kernel may still write their buffers.
     */
    private void failUnsubmitted(Throwable cause) {
        while (unsubmittedSize > 0) {
            int slot = unsubmitted[unsubmittedHead];
            unsubmittedHead = (unsubmittedHead + 1) % unsubmitted.length;
            unsubmittedSize--;
            if (slot >= 0 && inSlot(slot) != null) {
                IoRequest r = release(slot);
                inKernel--;
                Completer.abort(counters, admission, r, cause);
            }
        }
    }

    /** The ring, for tests that look at its counters; entered by the loop thread only. */
    IoUring ring() {
        return ring;
    }

    /**
     * io_uring_enter calls that submitted, io_uring_enter calls that waited, and CQEs
     * reaped (the wake-up's included); every CQE is read from the ring, none by syscall.
     */
    @Override
    public KernelCalls kernelCalls() {
        return new KernelCalls(enterCalls, waits, cqesReaped, 0);
    }
}
