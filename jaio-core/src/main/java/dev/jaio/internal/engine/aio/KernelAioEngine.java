package dev.jaio.internal.engine.aio;

import dev.jaio.internal.engine.Admission;
import dev.jaio.internal.engine.Completer;
import dev.jaio.internal.engine.Engine;
import dev.jaio.internal.engine.EngineCounters;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.engine.Threads;

import dev.jaio.aio.AioContext;
import dev.jaio.AioException;
import dev.jaio.internal.concurrent.CloseGuard;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The kernel AIO engine: one or more {@link EventLoop}s, each with its own context and thread. */
public final class KernelAioEngine implements Engine {
    private static final System.Logger LOG = System.getLogger(KernelAioEngine.class.getName());

    private final EventLoop[] loops;
    private final AtomicInteger next = new AtomicInteger();
    private final EngineCounters counters = new EngineCounters();
    private final CloseGuard guard = new CloseGuard();
    final Admission admission;
    final ExecutorService blocking;
    final Executor completionExecutor;
    final boolean submitEagerly;
    private final ExecutorService ownedCompletionExecutor;
    private final Object closeLock = new Object();
    private boolean closed;

    /**
     * Creates the contexts and starts the loops.
     *
     * @param contexts           how many contexts and loop threads
     * @param depth              requests in the kernel at once, per context
     * @param maxOutstanding     requests accepted and not finished, across the engine
     * @param failFast           whether callers past {@code maxOutstanding} fail instead of waiting
     * @param completionExecutor where completions run; null for an engine-owned thread pool, and
     *                           {@code Runnable::run} for the loop thread itself
     * @param blockingThreads    threads for buffered requests that would block
     * @param submitEagerly      whether every request issued by a completion is submitted before the next
     *                           completion is handled, rather than as {@link SubmitPolicy} decides
     * @throws AioException when io_setup fails (kernel AIO unusable here, aio-max-nr exhausted)
     */
    public KernelAioEngine(int contexts, int depth, int maxOutstanding, boolean failFast, Executor completionExecutor,
                           int blockingThreads, boolean submitEagerly, String name) throws AioException {
        this.submitEagerly = submitEagerly;
        this.admission = new Admission(maxOutstanding, failFast);
        this.blocking = Executors.newFixedThreadPool(blockingThreads, Threads.daemonFactory(name + "-blocking"));
        if (completionExecutor == null) {
            this.ownedCompletionExecutor = Executors.newCachedThreadPool(Threads.daemonFactory(name + "-completion"));
            this.completionExecutor = ownedCompletionExecutor;
        } else {
            this.ownedCompletionExecutor = null;
            this.completionExecutor = isDirect(completionExecutor) ? null : completionExecutor;
        }
        this.loops = new EventLoop[contexts];
        try {
            for (int i = 0; i < contexts; i++) {
                AioContext ctx = AioContext.setup(depth + 1);
                try {
                    loops[i] = new EventLoop(this, ctx, depth, name + "-loop-" + i);
                } catch (java.io.IOException e) {
                    ctx.close();
                    throw e instanceof AioException ae ? ae : new AioException("eventfd2", dev.jaio.Errno.EIO.number(), e.getMessage());
                }
            }
        } catch (AioException e) {
            for (EventLoop l : loops) {
                if (l != null) {
                    l.context().close();
                }
            }
            blocking.shutdownNow();
            if (ownedCompletionExecutor != null) {
                ownedCompletionExecutor.shutdownNow();
            }
            throw e;
        }
        for (EventLoop l : loops) {
            l.thread.start();
        }
    }

    private static boolean isDirect(Executor executor) {
        // Runnable::run (or any executor that runs on the calling thread) is detected by running a probe.
        Thread caller = Thread.currentThread();
        Thread[] ran = new Thread[1];
        try {
            executor.execute(() -> ran[0] = Thread.currentThread());
        } catch (RuntimeException e) {
            return false;
        }
        return ran[0] == caller;
    }

    @Override
    public void submit(IoRequest r) {
        if (!guard.tryAcquire()) {
            Completer.abort(counters, admission, r, new ClosedChannelException());
            return;
        }
        try {
            boolean engineThread = isEngineThread();
            r.startNanos = System.nanoTime();
            counters.submitted.increment();
            try {
                r.admitted = admission.admit(engineThread);
            } catch (RejectedExecutionException full) {
                Completer.abort(counters, admission, r, full);
                return;
            }
            EventLoop loop = loops.length == 1 ? loops[0] : pick(engineThread);
            if (r.blockingOnly) {
                loop.runBlocking(r);
            } else {
                loop.offer(r);
            }
        } finally {
            guard.release();
        }
    }

    private EventLoop pick(boolean engineThread) {
        if (engineThread) {
            for (EventLoop l : loops) {
                if (l.isLoopThread()) {
                    return l; // keep a completion's follow-up on its own loop: no wake-up needed
                }
            }
        }
        return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    }

    @Override
    public boolean isEngineThread() {
        Thread t = Thread.currentThread();
        for (EventLoop l : loops) {
            if (l.thread == t) {
                return true;
            }
        }
        return Threads.isEngineThread(t);
    }

    @Override
    public long inFlight() {
        return counters.inFlight();
    }

    @Override
    public EngineCounters counters() {
        return counters;
    }

    /** The io_submit and io_getevents counts of the engine's contexts, summed. */
    public AioContext.Counters contextCounters() {
        long a = 0, b = 0, c = 0, d = 0, e = 0;
        for (EventLoop l : loops) {
            AioContext.Counters k = l.context().counters();
            a += k.submitCalls();
            b += k.submitted();
            c += k.getEventsCalls();
            d += k.ringEvents();
            e += k.syscallEvents();
        }
        return new AioContext.Counters(a, b, c, d, e);
    }

    void loopFailed(EventLoop loop, Throwable t) {
        LOG.log(System.Logger.Level.ERROR, "jaio event loop " + loop.thread.getName() + " failed", t);
    }

    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            guard.closeAndAwait();
            for (EventLoop l : loops) {
                l.stop();
            }
            boolean self = isEngineThread();
            for (EventLoop l : loops) {
                if (l.thread != Thread.currentThread()) {
                    join(l.thread);
                }
            }
            blocking.shutdown();
            if (!self) {
                awaitQuietly(blocking);
            }
            if (ownedCompletionExecutor != null) {
                ownedCompletionExecutor.shutdown();
                if (!self) {
                    awaitQuietly(ownedCompletionExecutor);
                }
            }
        }
    }

    private static void join(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(ExecutorService e) {
        try {
            e.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}
