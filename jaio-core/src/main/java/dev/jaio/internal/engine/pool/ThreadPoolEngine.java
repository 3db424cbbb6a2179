package dev.jaio.internal.engine.pool;

import dev.jaio.internal.engine.Backend;
import dev.jaio.internal.engine.BaseEngine;
import dev.jaio.internal.engine.Completer;
import dev.jaio.internal.engine.EngineConfig;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.engine.KernelCalls;
import dev.jaio.internal.engine.Threads;

import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The engine used where kernel AIO is unusable: a fixed pool of platform threads doing the same
 * requests with blocking pread, pwrite, preadv2, pwritev2, fsync and fdatasync on the same descriptors,
 * so results and errors are the same.
 */
public final class ThreadPoolEngine extends BaseEngine {
    private final ThreadPoolExecutor pool;
    private final Executor completionExecutor;

    /**
     * Starts a pool of {@code config.poolThreads()} threads (made on demand, ended after 30 idle seconds).
     * Completions run on {@code config.completionExecutor()}, or with none on the pool thread that did
     * the request.
     *
     * @param config the engine's configuration
     */
    public ThreadPoolEngine(EngineConfig config) {
        super(config);
        int threads = config.poolThreads();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Threads.daemonFactory(config.name() + "-io"));
        this.pool.allowCoreThreadTimeOut(true);
        this.completionExecutor = config.completionExecutor();
    }

    @Override
    public Backend backend() {
        return Backend.THREAD_POOL;
    }

    @Override
    protected void dispatch(IoRequest r, boolean engineThread) {
        try {
            pool.execute(() -> run(r));
        } catch (RejectedExecutionException e) {
            Completer.abort(counters(), admission(), r, new ClosedChannelException());
        }
    }

    private void run(IoRequest r) {
        if (r.cancelledByClose()) {
            Completer.abort(counters(), admission(), r, new AsynchronousCloseException());
            return;
        }
        Completer.runBlocking(counters(), admission(), r, completionExecutor);
    }

    @Override
    public KernelCalls kernelCalls() {
        return KernelCalls.NONE;
    }

    @Override
    protected void shutdown(boolean onEngineThread) {
        shutdownAndAwait(pool, onEngineThread);
    }
}
