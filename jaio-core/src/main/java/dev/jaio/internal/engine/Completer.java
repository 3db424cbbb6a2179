package dev.jaio.internal.engine;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Finishes requests: counts them, releases their admission, and runs their completion on the
 * configured executor, in batches so that one reap costs one hand-off. With no executor, completions
 * run on the calling engine thread.
 */
public final class Completer {
    private static final System.Logger LOG = System.getLogger(Completer.class.getName());

    private final EngineCounters counters;
    private final Admission admission;
    private final Executor executor;
    private IoRequest[] batch = new IoRequest[64];
    private long[] results = new long[64];
    private int size;

    public Completer(EngineCounters counters, Admission admission, Executor executor) {
        this.counters = counters;
        this.admission = admission;
        this.executor = executor;
    }

    /** Accounts for a finished request; its completion runs at once or at the next {@link #flush()}. */
    public void finish(IoRequest r, long result, boolean batched) {
        account(counters, admission, r, result);
        if (executor == null) {
            run(r, result);
        } else if (!batched) {
            handOff(new IoRequest[] {r}, new long[] {result}, 1);
        } else {
            if (size == batch.length) {
                batch = java.util.Arrays.copyOf(batch, size * 2);
                results = java.util.Arrays.copyOf(results, size * 2);
            }
            batch[size] = r;
            results[size++] = result;
        }
    }

    /** Hands the batch collected since the last flush to the executor. Engine thread only. */
    public void flush() {
        if (size == 0) {
            return;
        }
        IoRequest[] rs = java.util.Arrays.copyOf(batch, size);
        long[] res = java.util.Arrays.copyOf(results, size);
        java.util.Arrays.fill(batch, 0, size, null);
        int n = size;
        size = 0;
        handOff(rs, res, n);
    }

    private void handOff(IoRequest[] rs, long[] res, int n) {
        Runnable task = () -> {
            for (int i = 0; i < n; i++) {
                run(rs[i], res[i]);
            }
        };
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run(); // the executor was shut down: complete here rather than lose the results
        }
    }

    /**
     * Runs a request with a blocking syscall on the calling thread and finishes it: its completion runs
     * on {@code executor}, or here when that is null or refuses. Never leaves the request unanswered.
     */
    public static void runBlocking(EngineCounters counters, Admission admission, IoRequest r, Executor executor) {
        r.rwFlags &= ~dev.jaio.aio.Iocb.RWF_NOWAIT;
        long res;
        try {
            res = r.runBlocking();
        } catch (Throwable t) {
            abort(counters, admission, r, t);
            return;
        }
        account(counters, admission, r, res);
        if (executor == null) {
            run(r, res);
            return;
        }
        try {
            executor.execute(() -> run(r, res));
        } catch (RejectedExecutionException e) {
            run(r, res);
        }
    }

    public static void account(EngineCounters counters, Admission admission, IoRequest r, long result) {
        counters.recordLatency(System.nanoTime() - r.startNanos);
        if (result < 0) {
            counters.failed.increment();
        } else {
            counters.completed.increment();
        }
        if (r.admitted) {
            r.admitted = false;
            admission.release();
        }
    }

    public static void run(IoRequest r, long result) {
        try {
            r.complete(result);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "a request's completion threw; the engine goes on", t);
        }
    }

    public static void abort(EngineCounters counters, Admission admission, IoRequest r, Throwable cause) {
        counters.failed.increment();
        if (r.admitted) {
            r.admitted = false;
            admission.release();
        }
        try {
            r.abort(cause);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "a request's abort threw; the engine goes on", t);
        }
    }
}
