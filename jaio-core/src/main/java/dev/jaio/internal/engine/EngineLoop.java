package dev.jaio.internal.engine;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.aio.EventFd;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What an event loop of a {@link LoopEngine} is made of, whatever its kernel queue: the incoming queue
 * other threads offer to and the pending list the loop submits from, an eventfd that wakes the loop when
 * it sleeps, the slots of the requests in the kernel (each request stays reachable from its slot, with
 * the buffer it names, until its completion is reaped), and the thread. The backend's loop runs the
 * turns: it fills its queue's entries from {@link #pending}, enters the kernel, and reaps.
 *
 * <pre>
 *  callers ──offer──▶ incoming ──drainIncoming──▶ pending ──backend──▶ kernel ──▶ completer
 *                       │                                                ▲
 *                       └─ wakeup eventfd write when the loop sleeps ────┘
 * </pre>
 */
public abstract class EngineLoop implements Runnable {
    private final LoopEngine<?> engine;
    private final ConcurrentLinkedQueue<IoRequest> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final Thread thread;
    private final IoRequest[] inflight;
    private final int[] freeSlots;
    private int freeTop;
    private volatile boolean stopping;

    /** Requests the loop took from {@link #incoming} (or its own follow-ups), in the order to submit them. */
    protected final ArrayDeque<IoRequest> pending = new ArrayDeque<>();
    /** Written once by a caller that finds the loop asleep; the backend keeps a wait on it in the kernel. */
    protected final EventFd wakeup;
    /** Finishes the loop's requests. */
    protected final Completer completer;
    /** The engine's counters. */
    protected final EngineCounters counters;
    /** The engine's admission, which finished requests release. */
    protected final Admission admission;
    /** The most requests the loop keeps in the kernel, its slots. */
    protected final int depth;

    /**
     * Creates the wake-up eventfd and the thread (not started).
     *
     * @param engine       the engine the loop belongs to
     * @param depth        slots: the most requests in the kernel at once
     * @param name         the thread's name
     * @param eventFdFlags {@code EFD_*} flags of the wake-up eventfd
     * @throws AioException when eventfd2 fails
     */
    protected EngineLoop(LoopEngine<?> engine, int depth, String name, int eventFdFlags) throws AioException {
        this.engine = engine;
        this.depth = depth;
        this.counters = engine.counters();
        this.admission = engine.admission();
        this.completer = new Completer(counters, admission, engine.completionExecutor());
        try {
            this.wakeup = EventFd.create(0, eventFdFlags);
        } catch (IOException e) {
            throw e instanceof AioException ae ? ae : new AioException("eventfd2", Errno.EIO.number(), e.getMessage());
        }
        this.inflight = new IoRequest[depth];
        this.freeSlots = new int[depth];
        for (int i = 0; i < depth; i++) {
            freeSlots[i] = depth - 1 - i;
        }
        this.freeTop = depth;
        this.thread = Threads.newThread(name, this);
    }

    /** Starts the loop's thread. */
    public final void start() {
        thread.start();
    }

    /**
     * The loop's thread.
     *
     * @return the thread
     */
    public final Thread thread() {
        return thread;
    }

    /**
     * Whether the caller is this loop's thread.
     *
     * @return true on the loop thread
     */
    public final boolean isLoopThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Queues a request from any thread, waking the loop if it sleeps. On the loop thread itself (a
     * completion issuing its follow-up) the request goes straight to {@link #pending}: no queue node, no
     * wake-up.
     *
     * @param r the request, admitted and counted
     */
    public final void offer(IoRequest r) {
        if (isLoopThread() && !stopping()) {
            pending.add(r);
            return;
        }
        incoming.offer(r);
        wakeIfAsleep();
    }

    /** Wakes the loop if it sleeps and this is another thread: after queueing work for it. */
    protected final void wakeIfAsleep() {
        if (!isLoopThread() && sleeping.get() && sleeping.compareAndSet(true, false)) {
            wake();
        }
    }

    private void wake() {
        try {
            wakeup.write(1);
        } catch (IOException e) {
            // Only possible once the eventfd is closed, when the loop is gone.
        }
    }

    /** Asks the loop to finish: what is queued is aborted, what is in the kernel completes. */
    public final void stop() {
        stopping = true;
        sleeping.set(false);
        wake();
    }

    /**
     * Whether {@link #stop()} was called.
     *
     * @return true once stopping
     */
    protected final boolean stopping() {
        return stopping;
    }

    /**
     * Says whether the loop is about to sleep, so that {@link #offer} knows to wake it. The loop sets
     * true, checks {@link #hasIncoming()} once more, and sets false when it wakes.
     *
     * @param asleep whether the loop is going to sleep
     */
    protected final void sleeping(boolean asleep) {
        sleeping.set(asleep);
    }

    /**
     * Whether other threads offered requests the loop has not taken yet.
     *
     * @return true when {@link #incoming} holds any
     */
    protected final boolean hasIncoming() {
        return !incoming.isEmpty();
    }

    /**
     * Moves what other threads offered to {@link #pending}; once stopping, aborts it instead.
     *
     * @return whether there was any
     */
    protected final boolean drainIncoming() {
        boolean any = false;
        IoRequest r;
        while ((r = incoming.poll()) != null) {
            if (stopping) {
                abortClosed(r);
            } else {
                pending.add(r);
            }
            any = true;
        }
        return any;
    }

    /**
     * Aborts every pending request with {@link AsynchronousCloseException}, as a stopping loop does.
     *
     * @return whether there was any
     */
    protected final boolean abortPending() {
        boolean any = false;
        IoRequest r;
        while ((r = pending.poll()) != null) {
            abortClosed(r);
            any = true;
        }
        return any;
    }

    /**
     * The next pending request to hand to the kernel, aborting on the way those whose owner is closing.
     *
     * @return the request, or null when none is pending
     */
    protected final IoRequest nextPending() {
        IoRequest r;
        while ((r = pending.poll()) != null && r.cancelledByClose()) {
            abortClosed(r);
        }
        return r;
    }

    /**
     * Aborts a request that will not be started because the engine or its file is closing.
     *
     * @param r the request
     */
    protected final void abortClosed(IoRequest r) {
        Completer.abort(counters, admission, r, new AsynchronousCloseException());
    }

    /**
     * Whether a slot is free for another request in the kernel.
     *
     * @return true when fewer than {@link #depth} requests hold slots
     */
    protected final boolean hasFreeSlot() {
        return freeTop > 0;
    }

    /**
     * Gives a request a slot, which it holds (and which keeps it reachable) until {@link #release}.
     *
     * @param r the request
     * @return the slot, the request's token in the kernel's completion
     */
    protected final int occupy(IoRequest r) {
        int slot = freeSlots[--freeTop];
        inflight[slot] = r;
        return slot;
    }

    /**
     * Frees a slot once its request's completion is reaped, or the kernel refused it.
     *
     * @param slot the slot
     * @return the request that held it
     */
    protected final IoRequest release(int slot) {
        IoRequest r = inflight[slot];
        inflight[slot] = null;
        freeSlots[freeTop++] = slot;
        return r;
    }

    /**
     * The request in a slot, or null when the slot is free.
     *
     * @param slot the slot
     * @return its request
     */
    protected final IoRequest inSlot(int slot) {
        return inflight[slot];
    }

    /**
     * Logs that the loop died and fails what it holds outside the kernel: the pending and incoming
     * requests. Requests in the kernel stay in their slots, unanswered, rather than be reported done
     * while the kernel may still write their buffers.
     *
     * @param cause why the loop died
     */
    protected final void died(Throwable cause) {
        engine.loopFailed(this, cause);
        IoRequest r;
        while ((r = pending.poll()) != null) {
            Completer.abort(counters, admission, r, cause);
        }
        while ((r = incoming.poll()) != null) {
            Completer.abort(counters, admission, r, cause);
        }
    }

    /**
     * The slots' requests, for a loop that died with requests in the kernel and must keep them
     * reachable for good.
     *
     * @return the slot array itself
     */
    protected final Object slots() {
        return inflight;
    }

    /**
     * How often this loop entered the kernel.
     *
     * @return its counts
     */
    public abstract KernelCalls kernelCalls();
}
