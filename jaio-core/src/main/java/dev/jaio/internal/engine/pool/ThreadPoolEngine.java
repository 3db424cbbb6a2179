package dev.jaio.internal.engine.pool;

import dev.jaio.internal.engine.Admission;
import dev.jaio.internal.engine.Completer;
import dev.jaio.internal.engine.Engine;
import dev.jaio.internal.engine.EngineCounters;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.engine.Threads;

import dev.jaio.internal.concurrent.CloseGuard;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The engine used where kernel AIO is unusable: a fixed pool of platform threads doing the same
 * requests with blocking pread, pwrite, preadv2, pwritev2, fsync and fdatasync on the same descriptors,
 * so results and errors are the same.
 */
public final class ThreadPoolEngine implements Engine {
    private final ThreadPoolExecutor pool;
    private final EngineCounters counters = new EngineCounters();
    private final Admission admission;
    private final Executor completionExecutor;
    private final CloseGuard guard = new CloseGuard();

    /**
     * @param threads            pool threads, the number of requests executed at once
     * @param maxOutstanding     requests accepted and not finished
     * @param failFast           whether callers past {@code maxOutstanding} fail instead of waiting
     * @param completionExecutor where completions run; null for the pool thread that did the request
     */
    public ThreadPoolEngine(int threads, int maxOutstanding, boolean failFast, Executor completionExecutor, String name) {
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Threads.daemonFactory(name + "-io"));
        this.pool.allowCoreThreadTimeOut(true);
        this.admission = new Admission(maxOutstanding, failFast);
        this.completionExecutor = completionExecutor;
    }

    @Override
    public void submit(IoRequest r) {
        if (!guard.tryAcquire()) {
            Completer.abort(counters, admission, r, new ClosedChannelException());
            return;
        }
        try {
            r.startNanos = System.nanoTime();
            counters.submitted.increment();
            try {
                r.admitted = admission.admit(isEngineThread());
            } catch (RejectedExecutionException full) {
                Completer.abort(counters, admission, r, full);
                return;
            }
            pool.execute(() -> run(r));
        } catch (RejectedExecutionException e) {
            Completer.abort(counters, admission, r, new ClosedChannelException());
        } finally {
            guard.release();
        }
    }

    private void run(IoRequest r) {
        if (r.cancelledByClose()) {
            Completer.abort(counters, admission, r, new java.nio.channels.AsynchronousCloseException());
            return;
        }
        Completer.runBlocking(counters, admission, r, completionExecutor);
    }

    @Override
    public boolean isEngineThread() {
        return Threads.isEngineThread(Thread.currentThread());
    }

    @Override
    public long inFlight() {
        return counters.inFlight();
    }

    @Override
    public EngineCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        guard.closeAndAwait();
        pool.shutdown();
        if (!isEngineThread()) {
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The pool, for tests. */
    ExecutorService pool() {
        return pool;
    }
}
