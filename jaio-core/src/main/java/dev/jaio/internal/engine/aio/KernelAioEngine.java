package dev.jaio.internal.engine.aio;

import dev.jaio.internal.engine.Backend;
import dev.jaio.internal.engine.EngineConfig;
import dev.jaio.internal.engine.IoOp;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.engine.LoopEngine;
import dev.jaio.internal.engine.SubmitPolicy;
import dev.jaio.internal.engine.Threads;

import dev.jaio.aio.AioContext;
import dev.jaio.AioException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The kernel AIO engine: one or more {@link EventLoop}s, each with its own context and thread, and a
 * few blocking threads for buffered requests that would block a loop.
 */
public final class KernelAioEngine extends LoopEngine<EventLoop> {
    private final ExecutorService blocking;

    /**
     * Creates the contexts and starts the loops, as {@code config} says: {@code contexts} contexts of
     * {@code queueDepth} requests each, {@code blockingThreads}, and {@code submitEagerly} for every loop's
     * {@link SubmitPolicy}.
     *
     * @param config the engine's configuration
     * @throws AioException when io_setup fails (kernel AIO unusable here, aio-max-nr exhausted) or eventfd2 does
     */
    public KernelAioEngine(EngineConfig config) throws AioException {
        super(config);
        int depth = config.queueDepth();
        this.blocking = Executors.newFixedThreadPool(config.blockingThreads(),
                Threads.daemonFactory(config.name() + "-blocking"));
        EventLoop[] loops = new EventLoop[config.contexts()];
        try {
            for (int i = 0; i < loops.length; i++) {
                AioContext ctx = AioContext.setup(depth + 1);
                try {
                    loops[i] = new EventLoop(this, ctx, depth, blocking,
                            new SubmitPolicy(depth, config.submitEagerly()), config.name() + "-loop-" + i);
                } catch (AioException e) {
                    ctx.close();
                    throw e;
                }
            }
        } catch (AioException e) {
            for (EventLoop l : loops) {
                if (l != null) {
                    l.discard();
                }
            }
            blocking.shutdownNow();
            abandon();
            throw e;
        }
        adopt(loops);
        for (EventLoop l : loops) {
            l.start();
        }
    }

    @Override
    public Backend backend() {
        return Backend.KERNEL_AIO;
    }

    @Override
    protected void dispatch(IoRequest r, boolean engineThread) {
        EventLoop loop = pick(engineThread);
        if (r.blockingOnly || r.op == IoOp.FALLOCATE) { // fs/aio.c has no fallocate command
            loop.runBlocking(r);
        } else {
            loop.offer(r);
        }
    }

    @Override
    protected void afterLoops(boolean onEngineThread) {
        shutdownAndAwait(blocking, onEngineThread);
    }
}
