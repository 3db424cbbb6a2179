package dev.jaio.internal.engine.aio;

import dev.jaio.internal.engine.Admission;
import dev.jaio.internal.engine.Completer;
import dev.jaio.internal.engine.EngineCounters;
import dev.jaio.internal.engine.IoRequest;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jaio.aio.AioContext;
import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.aio.EventFd;
import dev.jaio.aio.IoEventArray;
import dev.jaio.aio.Iocb;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One kernel AIO context and the thread that drives it: it moves requests from an incoming queue into
 * iocbs, submits them with io_submit, and reaps completions from the ring.
 *
 * <p>Submission adapts to what the loop sees. Requests that other threads queued since the last turn go
 * to the kernel together, in one io_submit. A request that a completion issues on the loop itself (the
 * next read of a chain) is submitted before the next completion is handled, or gathered with others,
 * as {@link SubmitPolicy} decides from how full the kernel's queue is.
 *
 * <pre>
 *  callers ──offer──▶ incoming ──▶ pending ──io_submit──▶ kernel ──ring──▶ completions
 *                       │                                    ▲
 *                       └─ eventfd write when the loop sleeps ┘ (a POLL iocb on the eventfd)
 * </pre>
 *
 * <p>The loop sleeps in io_getevents; a POLL iocb on an eventfd is always in flight, so a caller that
 * finds the loop asleep wakes it with one eventfd write. Iocbs live in one native array owned by the
 * loop, one per slot; a request occupies a slot from submission until its event is reaped, and the
 * request object (with the buffer it references) stays reachable from {@link #inflight} until then.
 */
final class EventLoop implements Runnable {
    private static final long WAKE_TOKEN = -1L;
    private static final int POLLIN = 0x1;

    private final KernelAioEngine engine;
    private final AioContext ctx;
    private final int depth;
    private final ConcurrentLinkedQueue<IoRequest> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final EventFd wakeup;
    private final Arena arena = Arena.ofShared();
    private final Iocb pollIocb;
    private final Iocb[] slots;
    private final IoRequest[] inflight;
    private final int[] freeSlots;
    private int freeTop;
    private final MemorySegment pointers;
    private final int[] batchSlots;
    private final IoEventArray events;
    private final ArrayDeque<IoRequest> pending = new ArrayDeque<>();
    private final Completer completer;
    private final EngineCounters counters;
    private final Admission admission;
    private final ExecutorService blocking;
    final Thread thread;
    private final SubmitPolicy policy;
    private volatile boolean stopping;
    private int inKernel;
    /** Whether the wake-up POLL is in the kernel; re-armed with the next batch, or alone before sleeping. */
    private boolean pollArmed;

    EventLoop(KernelAioEngine engine, AioContext ctx, int depth, String name) throws java.io.IOException {
        this.engine = engine;
        this.ctx = ctx;
        this.depth = depth;
        this.counters = engine.counters();
        this.admission = engine.admission;
        this.blocking = engine.blocking;
        this.completer = new Completer(counters, admission, engine.completionExecutor);
        this.policy = new SubmitPolicy(depth, engine.submitEagerly);
        this.wakeup = EventFd.create(0, EventFd.EFD_NONBLOCK);
        MemorySegment iocbs = arena.allocate(Iocb.LAYOUT, depth + 1);
        this.pollIocb = Iocb.wrap(iocbs.asSlice(depth * Iocb.LAYOUT.byteSize(), Iocb.LAYOUT.byteSize()));
        this.slots = new Iocb[depth];
        this.inflight = new IoRequest[depth];
        this.freeSlots = new int[depth];
        for (int i = 0; i < depth; i++) {
            slots[i] = Iocb.wrap(iocbs.asSlice(i * Iocb.LAYOUT.byteSize(), Iocb.LAYOUT.byteSize()));
            freeSlots[i] = depth - 1 - i;
        }
        this.freeTop = depth;
        this.pointers = arena.allocate(JAVA_LONG, depth + 1);
        this.batchSlots = new int[depth + 1];
        this.events = IoEventArray.allocate(arena, depth + 1);
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this);
    }

    /**
     * Queues a request from any thread, waking the loop if it sleeps; on the loop thread itself the
     * request goes straight to the list the loop submits from.
     */
    void offer(IoRequest r) {
        if (Thread.currentThread() == thread && !stopping) {
            // A completion on the loop issuing its follow-up: straight to the loop's own list, no
            // queue node, no wake-up.
            pending.add(r);
            return;
        }
        incoming.offer(r);
        if (Thread.currentThread() != thread && sleeping.get() && sleeping.compareAndSet(true, false)) {
            wake();
        }
    }

    private void wake() {
        try {
            wakeup.write(1);
        } catch (java.io.IOException e) {
            // Only possible once the eventfd is closed, when the loop is gone.
        }
    }

    void stop() {
        stopping = true;
        sleeping.set(false);
        wake();
    }

    @Override
    public void run() {
        try {
            armWakeup();
            while (true) {
                boolean progress = drainIncoming();
                progress |= submitPending();
                completer.flush(); // requests the kernel refused at submission
                int n = ctx.getEvents(0, events, 0L);
                if (n > 0) {
                    handle(n);
                    progress = true;
                }
                if (progress) {
                    continue;
                }
                if (stopping && inKernel == 0 && incoming.isEmpty()) {
                    break;
                }
                if (!pollArmed && !stopping) {
                    armWakeup();
                }
                sleeping.set(true);
                if (!incoming.isEmpty() || stopping) {
                    sleeping.set(false);
                    if (!stopping || inKernel == 0) {
                        continue;
                    }
                }
                n = ctx.getEvents(1, events, -1L);
                sleeping.set(false);
                handle(n);
            }
        } catch (Throwable t) {
            engine.loopFailed(this, t);
            failEverything(t);
        } finally {
            ctx.close(); // cancels the wakeup POLL, waits for anything left in the kernel
            wakeup.close();
            arena.close();
        }
    }

    private void armWakeup() throws AioException {
        pollIocb.prepPoll(wakeup.fd(), POLLIN).data(WAKE_TOKEN);
        ctx.submit(pollIocb);
        pollArmed = true;
    }

    private boolean drainIncoming() {
        boolean any = false;
        IoRequest r;
        while ((r = incoming.poll()) != null) {
            if (stopping) {
                Completer.abort(counters, admission, r, new AsynchronousCloseException());
            } else {
                pending.add(r);
            }
            any = true;
        }
        return any;
    }

    private boolean submitPending() throws AioException {
        if (stopping && !pending.isEmpty()) {
            IoRequest r;
            while ((r = pending.poll()) != null) {
                Completer.abort(counters, admission, r, new AsynchronousCloseException());
            }
            return true;
        }
        if (pending.isEmpty() || freeTop == 0) {
            return false;
        }
        int count = 0;
        while (count < depth && freeTop > 0) {
            IoRequest r = pending.poll();
            if (r == null) {
                break;
            }
            if (r.cancelledByClose()) {
                Completer.abort(counters, admission, r, new AsynchronousCloseException());
                continue;
            }
            int slot = freeSlots[--freeTop];
            fill(slots[slot], r).data(slot);
            inflight[slot] = r;
            pointers.setAtIndex(JAVA_LONG, count, slots[slot].address());
            batchSlots[count++] = slot;
        }
        if (count == 0) {
            return false;
        }
        if (!pollArmed) {
            // Re-arm the wake-up POLL in the same io_submit as the batch.
            pollIocb.prepPoll(wakeup.fd(), POLLIN).data(WAKE_TOKEN);
            pointers.setAtIndex(JAVA_LONG, count, pollIocb.address());
            batchSlots[count++] = -1;
        }
        int done = 0;
        while (done < count) {
            try {
                int k = ctx.submit(done == 0 ? pointers : pointers.asSlice(done * 8L), count - done);
                counters.submitCalls.increment();
                for (int i = done; i < done + k; i++) {
                    if (batchSlots[i] < 0) {
                        pollArmed = true;
                    } else {
                        inKernel++;
                    }
                }
                done += k;
            } catch (AioException e) {
                counters.submitCalls.increment();
                if (e.errno() == Errno.EAGAIN.number() && inKernel > 0) {
                    // The ring is full: keep the rest, in order, for after the next reap.
                    for (int i = count - 1; i >= done; i--) {
                        if (batchSlots[i] >= 0) {
                            pending.addFirst(release(batchSlots[i]));
                        }
                    }
                    break;
                }
                if (batchSlots[done] < 0) {
                    throw e; // the wake-up POLL itself was refused: the loop cannot go on
                }
                // The kernel refused the first remaining iocb: finish it and go on with the others.
                IoRequest r = release(batchSlots[done++]);
                if (e.errno() == Errno.EOPNOTSUPP.number() && (r.rwFlags & Iocb.RWF_NOWAIT) != 0) {
                    r.nowaitUnsupported();
                    runBlocking(r);
                } else {
                    completer.finish(r, -e.errno(), true);
                }
            }
        }
        return count > 0;
    }

    private IoRequest release(int slot) {
        IoRequest r = inflight[slot];
        inflight[slot] = null;
        freeSlots[freeTop++] = slot;
        return r;
    }

    private static Iocb fill(Iocb iocb, IoRequest r) {
        switch (r.op) {
            case IoRequest.READ -> iocb.clear().opcode(Iocb.CMD_PREAD);
            case IoRequest.WRITE -> iocb.clear().opcode(Iocb.CMD_PWRITE);
            case IoRequest.READV -> iocb.clear().opcode(Iocb.CMD_PREADV);
            case IoRequest.WRITEV -> iocb.clear().opcode(Iocb.CMD_PWRITEV);
            case IoRequest.FSYNC -> {
                return iocb.prepFsync(r.fd);
            }
            case IoRequest.FDSYNC -> {
                return iocb.prepFdsync(r.fd);
            }
            default -> throw new IllegalStateException("unknown op: op=" + r.op);
        }
        return iocb.fd(r.fd).buf(r.buffer.address()).nbytes(r.length).offset(r.position).rwFlags(r.rwFlags);
    }

    private void handle(int n) throws AioException {
        counters.reapCalls.increment();
        boolean rearm = false;
        for (int i = 0; i < n; i++) {
            long data = events.data(i);
            long res = events.res(i);
            if (data == WAKE_TOKEN) {
                rearm = true;
                continue;
            }
            IoRequest r = release((int) data);
            inKernel--;
            if ((res == -Errno.EAGAIN.number() || res == -Errno.EOPNOTSUPP.number())
                    && (r.rwFlags & Iocb.RWF_NOWAIT) != 0) {
                if (res == -Errno.EOPNOTSUPP.number()) {
                    r.nowaitUnsupported();
                }
                runBlocking(r);
            } else if (res > 0 && res < r.length && (r.rwFlags & Iocb.RWF_NOWAIT) != 0
                    && (r.op == IoRequest.READ || r.op == IoRequest.WRITE)) {
                // RWF_NOWAIT stopped at what was cached: a blocking thread does the rest, so that only end
                // of file makes a read short, as with a plain pread.
                r.done = res;
                runBlocking(r);
            } else {
                completer.finish(r, res, true);
            }
            if (!incoming.isEmpty()) {
                drainIncoming();
            }
            if (freeTop > 0 && policy.submitNow(inKernel, pending.size())) {
                // Completions stay gathered for one hand-off per reap (the flush below).
                submitPending();
            }
        }
        completer.flush();
        if (rearm) {
            pollArmed = false;
            wakeupDrain(); // one read takes the whole counter
        }
    }

    private void wakeupDrain() {
        try {
            wakeup.read();
        } catch (java.io.IOException e) {
            // The eventfd is closed only when the loop ends.
        }
    }

    /** Runs a request that would block the loop (buffered I/O the kernel could not do at once) on a pool thread. */
    void runBlocking(IoRequest r) {
        counters.blockingFallbacks.increment();
        try {
            blocking.execute(() -> Completer.runBlocking(counters, admission, r, null));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            Completer.runBlocking(counters, admission, r, null); // the engine is closing: finish it here
        }
    }

    private void failEverything(Throwable cause) {
        IoRequest r;
        while ((r = pending.poll()) != null) {
            Completer.abort(counters, admission, r, cause);
        }
        while ((r = incoming.poll()) != null) {
            Completer.abort(counters, admission, r, cause);
        }
    }

    /** Requests in this loop's incoming queue and pending list are counted by the engine, not here. */
    boolean isLoopThread() {
        return Thread.currentThread() == thread;
    }

    AioContext context() {
        return ctx;
    }
}
