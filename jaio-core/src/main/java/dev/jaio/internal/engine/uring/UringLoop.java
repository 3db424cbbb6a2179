package dev.jaio.internal.engine.uring;

import dev.jaio.internal.engine.Completer;
import dev.jaio.internal.engine.EngineLoop;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.engine.KernelCalls;

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

/**
 * One io_uring and the thread that drives it: it moves requests from an incoming queue into SQEs and
 * hands each turn's SQEs to the kernel with one io_uring_enter, which also waits for completions.
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
 */
final class UringLoop extends EngineLoop {
    private static final long WAKE_TOKEN = -1L;
    private static final int NEG_EINTR = -Errno.EINTR.number();
    private static final int NEG_EAGAIN = -Errno.EAGAIN.number();
    private static final int MAX_RW = 0x7ffff000; // the kernel's MAX_RW_COUNT: longer requests are short anyway
    /** Requests of loops that died with requests in the kernel: kept reachable, with their buffers, for good. */
    private static final Set<Object> RETAINED = ConcurrentHashMap.newKeySet();

    private final int setupFlags;
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

    UringLoop(UringEngine engine, int depth, int setupFlags, String name) throws AioException {
        // Blocking: a READ on a non-blocking eventfd would complete at once with -EAGAIN instead of waiting.
        super(engine, depth, name, EventFd.EFD_CLOEXEC);
        this.setupFlags = setupFlags;
        this.wakeBuffer = arena.allocate(8, 8);
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
            ring.close();
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
            if (hasIncoming() || (stopping() && !pending.isEmpty())) {
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
            prep(sqe, r).userData(slot);
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
        };
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
            IoRequest r = release((int) data);
            inKernel--;
            completer.finish(r, res, true);
        }
        completer.flush();
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
