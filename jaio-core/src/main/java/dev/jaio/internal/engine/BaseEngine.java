package dev.jaio.internal.engine;

import dev.jaio.internal.concurrent.CloseGuard;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What every backend does the same way: the close guard, admission and counting at submission, and a
 * close that runs once. A backend says where an admitted request goes ({@link #dispatch}) and how its
 * threads stop ({@link #shutdown}).
 */
public abstract class BaseEngine implements Engine {
    private final EngineCounters counters = new EngineCounters();
    private final CloseGuard guard = new CloseGuard();
    private final Admission admission;
    private final Object closeLock = new Object();
    private boolean closed;

    /**
     * Sets up admission as {@code config} says.
     *
     * @param config the engine's configuration
     */
    protected BaseEngine(EngineConfig config) {
        this.admission = new Admission(config.maxOutstanding(), config.failFast());
    }

    @Override
    public final void submit(IoRequest r) {
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
            dispatch(r, engineThread);
        } finally {
            guard.release();
        }
    }

    /**
     * Hands an admitted, counted request to the backend, which completes or aborts it exactly once.
     * Runs while the engine cannot close.
     *
     * @param r            the request
     * @param engineThread whether the caller is one of the engine's threads
     */
    protected abstract void dispatch(IoRequest r, boolean engineThread);

    @Override
    public boolean isEngineThread() {
        return Threads.isEngineThread();
    }

    @Override
    public final long inFlight() {
        return counters.inFlight();
    }

    @Override
    public final EngineCounters counters() {
        return counters;
    }

    /**
     * The admission every request of this engine passes.
     *
     * @return the admission
     */
    protected final Admission admission() {
        return admission;
    }

    @Override
    public final void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            guard.closeAndAwait(); // no submit is in progress after this, and none starts
            shutdown(isEngineThread());
        }
    }

    /**
     * Finishes what is in flight and stops the backend's threads; called once, by {@link #close()}.
     *
     * @param onEngineThread whether close runs on one of the engine's threads, which must not wait for
     *                       its own executor
     */
    protected abstract void shutdown(boolean onEngineThread);

    /**
     * Shuts an executor down and, unless on one of the engine's threads, waits up to a minute for it.
     *
     * @param executor       the executor
     * @param onEngineThread whether not to wait
     */
    protected static void shutdownAndAwait(ExecutorService executor, boolean onEngineThread) {
        executor.shutdown();
        if (onEngineThread) {
            return;
        }
        try {
            executor.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for a thread to end, uninterruptibly (the interrupt is kept for the caller).
     *
     * @param t the thread
     */
    protected static void join(Thread t) {
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
}
