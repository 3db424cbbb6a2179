package dev.jaio.internal.engine.aio;

import dev.jaio.internal.engine.Completer;
import dev.jaio.internal.engine.EngineLoop;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.engine.KernelCalls;
import dev.jaio.internal.engine.SubmitPolicy;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jaio.aio.AioContext;
import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.aio.EventFd;
import dev.jaio.aio.IoEventArray;
import dev.jaio.aio.Iocb;
import dev.jaio.internal.linux.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ExecutorService;

/**
 * One kernel AIO context and the thread that drives it: it moves requests from an incoming queue into
 * iocbs, submits them with io_submit, and reaps completions from the ring.
 *
 * <p>Submission adapts to what the loop sees. Requests that other threads queued since the last turn go
 * to the kernel together, in one io_submit. Requests that completions issue on the loop itself (the
 * next read of a chain) are gathered while the rest of their reap is handled and then submitted
 * together, or sooner once a batch of them waits, as {@link SubmitPolicy} decides.
 *
 * <pre>
 *  callers ──offer──▶ incoming ──▶ pending ──io_submit──▶ kernel ──ring──▶ completions
 *                       │                                    ▲
 *                       └─ eventfd write when the loop sleeps ┘ (a POLL iocb on the eventfd)
 * </pre>
 *
 * <p>The loop sleeps in io_getevents; a POLL iocb on an eventfd is always in flight, so a caller that
 * finds the loop asleep wakes it with one eventfd write. Iocbs live in one native array owned by the
 * loop, one per slot; a request occupies a slot from submission until its event is reaped.
 */
final class EventLoop extends EngineLoop {
    private static final long WAKE_TOKEN = -1L;
    private static final long NEG_EAGAIN = -Errno.EAGAIN.number();
    private static final long NEG_EOPNOTSUPP = -Errno.EOPNOTSUPP.number();

    private final AioContext ctx;
    private final Arena arena = Arena.ofShared();
    private final Iocb pollIocb;
    private final Iocb[] iocbs;
    private final MemorySegment pointers;
    private final int[] batchSlots;
    private final IoEventArray events;
    private final ExecutorService blocking;
    private final SubmitPolicy policy;
    private int inKernel;
    /** Whether the wake-up POLL is in the kernel; re-armed with the next batch, or alone before sleeping. */
    private boolean pollArmed;

    /**
     * @param engine   the engine
     * @param ctx      the context this loop owns and closes
     * @param blocking the threads for buffered requests that would block
     * @param policy   when follow-ups are submitted
     * @param name     the thread's name
     */
    EventLoop(KernelAioEngine engine, AioContext ctx, int depth, ExecutorService blocking, SubmitPolicy policy,
              String name) throws AioException {
        super(engine, depth, name, EventFd.EFD_NONBLOCK);
        this.ctx = ctx;
        this.blocking = blocking;
        this.policy = policy;
        MemorySegment array = arena.allocate(Iocb.LAYOUT, depth + 1);
        this.pollIocb = Iocb.wrap(array.asSlice(depth * Iocb.LAYOUT.byteSize(), Iocb.LAYOUT.byteSize()));
        this.iocbs = new Iocb[depth];
        for (int i = 0; i < depth; i++) {
            iocbs[i] = Iocb.wrap(array.asSlice(i * Iocb.LAYOUT.byteSize(), Iocb.LAYOUT.byteSize()));
        }
        this.pointers = arena.allocate(JAVA_LONG, depth + 1);
        this.batchSlots = new int[depth + 1];
        this.events = IoEventArray.allocate(arena, depth + 1);
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
                if (stopping() && inKernel == 0 && !hasIncoming()) {
                    break;
                }
                if (!pollArmed && !stopping()) {
                    armWakeup();
                }
                sleeping(true);
                if (hasIncoming() || stopping()) {
                    sleeping(false);
                    if (!stopping() || inKernel == 0) {
                        continue;
                    }
                }
                n = ctx.getEvents(1, events, -1L);
                sleeping(false);
                handle(n);
            }
        } catch (Throwable t) {
            died(t);
        } finally {
            ctx.close(); // cancels the wakeup POLL, waits for anything left in the kernel
            wakeup.close();
            arena.close();
        }
    }

    private void armWakeup() throws AioException {
        pollIocb.prepPoll(wakeup.fd(), LibC.POLLIN).data(WAKE_TOKEN);
        ctx.submit(pollIocb);
        pollArmed = true;
    }

    private boolean submitPending() throws AioException {
        if (stopping() && !pending.isEmpty()) {
            return abortPending();
        }
        if (pending.isEmpty() || !hasFreeSlot()) {
            return false;
        }
        int count = 0;
        while (count < depth && hasFreeSlot()) {
            IoRequest r = nextPending();
            if (r == null) {
                break;
            }
            int slot = occupy(r);
            fill(iocbs[slot], r).data(slot);
            pointers.setAtIndex(JAVA_LONG, count, iocbs[slot].address());
            batchSlots[count++] = slot;
        }
        if (count == 0) {
            return false;
        }
        if (!pollArmed) {
            // Re-arm the wake-up POLL in the same io_submit as the batch.
            pollIocb.prepPoll(wakeup.fd(), LibC.POLLIN).data(WAKE_TOKEN);
            pointers.setAtIndex(JAVA_LONG, count, pollIocb.address());
            batchSlots[count++] = -1;
        }
        int done = 0;
        while (done < count) {
            try {
                int k = ctx.submit(done == 0 ? pointers : pointers.asSlice(done * 8L), count - done);
                for (int i = done; i < done + k; i++) {
                    if (batchSlots[i] < 0) {
                        pollArmed = true;
                    } else {
                        inKernel++;
                    }
                }
                done += k;
            } catch (AioException e) {
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
        return true;
    }

    /** Fills an iocb for a request; every {@link dev.jaio.internal.engine.IoOp} has its command here. */
    static Iocb fill(Iocb iocb, IoRequest r) {
        return switch (r.op) {
            case READ -> transfer(iocb, Iocb.CMD_PREAD, r);
            case WRITE -> transfer(iocb, Iocb.CMD_PWRITE, r);
            case READV -> transfer(iocb, Iocb.CMD_PREADV, r);
            case WRITEV -> transfer(iocb, Iocb.CMD_PWRITEV, r);
            case FSYNC -> iocb.prepFsync(r.fd);
            case FDSYNC -> iocb.prepFdsync(r.fd);
            // fs/aio.c has no fallocate command: KernelAioEngine.submit sends it to a blocking thread.
            case FALLOCATE -> throw new IllegalStateException("fallocate has no iocb command: " + r.op);
        };
    }

    private static Iocb transfer(Iocb iocb, int command, IoRequest r) {
        return iocb.clear().opcode(command).fd(r.fd).buf(r.buffer.address()).nbytes(r.length).offset(r.position)
                .rwFlags(r.rwFlags);
    }

    private void handle(int n) throws AioException {
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
            boolean nowait = (r.rwFlags & Iocb.RWF_NOWAIT) != 0;
            if ((res == NEG_EAGAIN || res == NEG_EOPNOTSUPP) && nowait) {
                if (res == NEG_EOPNOTSUPP) {
                    r.nowaitUnsupported();
                }
                runBlocking(r);
            } else if (res > 0 && res < r.length && nowait && r.op.singleBuffer()) {
                // RWF_NOWAIT stopped at what was cached: a blocking thread does the rest, so that only end
                // of file makes a read short, as with a plain pread.
                r.done = res;
                runBlocking(r);
            } else {
                completer.finish(r, res, true);
            }
            if (hasIncoming()) {
                drainIncoming();
            }
            if (hasFreeSlot() && policy.submitNow(pending.size(), i < n - 1)) {
                // The follow-ups of this reap, together; completions stay gathered for one hand-off per
                // reap (the flush below).
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

    @Override
    public KernelCalls kernelCalls() {
        AioContext.Counters k = ctx.counters();
        return new KernelCalls(k.submitCalls(), k.getEventsCalls(), k.ringEvents(), k.syscallEvents());
    }

    /** Releases the context, eventfd and memory of a loop that is never started. */
    void discard() {
        ctx.close();
        wakeup.close();
        arena.close();
    }
}
