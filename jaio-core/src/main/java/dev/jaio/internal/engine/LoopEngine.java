package dev.jaio.internal.engine;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An engine of event loops, each with its own kernel queue (an AIO context, an io_uring) and thread:
 * what the kernel AIO and io_uring backends share. It spreads requests over the loops, keeping a
 * completion's follow-up on its own loop; owns the completion executor when none is given; and on
 * close stops the loops, which abort what they have not handed to the kernel and wait for the rest.
 *
 * <p>A backend builds its loops in its constructor, after this one, and hands them to
 * {@link #adopt(EngineLoop[])} before it starts them.
 *
 * @param <L> the backend's loop
 */
public abstract class LoopEngine<L extends EngineLoop> extends BaseEngine {
    private static final System.Logger LOG = System.getLogger(LoopEngine.class.getName());

    private final AtomicInteger next = new AtomicInteger();
    private final Executor completionExecutor;
    private final ExecutorService ownedCompletionExecutor;
    private L[] loops;

    /**
     * Sets up admission and the completion executor: {@code config.completionExecutor()}, or with none a
     * cached pool the engine owns; an executor that runs tasks on the calling thread ({@code Runnable::run})
     * becomes none at all, so that completions run on the loop without a hand-off.
     *
     * @param config the engine's configuration
     */
    protected LoopEngine(EngineConfig config) {
        super(config);
        Executor given = config.completionExecutor();
        if (given == null) {
            this.ownedCompletionExecutor = Executors.newCachedThreadPool(
                    Threads.daemonFactory(config.name() + "-completion"));
            this.completionExecutor = ownedCompletionExecutor;
        } else {
            this.ownedCompletionExecutor = null;
            this.completionExecutor = runsOnCaller(given) ? null : given;
        }
    }

    private static boolean runsOnCaller(Executor executor) {
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

    /**
     * Where the loops run completions: null for the loop thread itself.
     *
     * @return the executor, or null
     */
    final Executor completionExecutor() {
        return completionExecutor;
    }

    /**
     * Takes the backend's loops, before any of them starts; called once, by the backend's constructor.
     *
     * @param loops the loops, all built
     */
    protected final void adopt(L[] loops) {
        this.loops = loops;
    }

    /**
     * The backend's loops.
     *
     * @return the array given to {@link #adopt(EngineLoop[])}
     */
    public final L[] loops() {
        return loops;
    }

    /**
     * Undoes this constructor's work when the backend's constructor fails: stops the owned completion
     * executor. The backend closes its own loops' resources.
     */
    protected final void abandon() {
        if (ownedCompletionExecutor != null) {
            ownedCompletionExecutor.shutdownNow();
        }
    }

    /**
     * The loop for a request: the caller's own loop when a completion issues it there (no wake-up
     * needed), else the next in turn.
     *
     * @param engineThread whether the caller is an engine thread
     * @return the loop
     */
    protected final L pick(boolean engineThread) {
        if (loops.length == 1) {
            return loops[0];
        }
        if (engineThread) {
            for (L l : loops) {
                if (l.isLoopThread()) {
                    return l;
                }
            }
        }
        return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    }

    @Override
    public final KernelCalls kernelCalls() {
        KernelCalls sum = KernelCalls.NONE;
        for (L l : loops) {
            sum = sum.plus(l.kernelCalls());
        }
        return sum;
    }

    /**
     * Logs a loop that died; the loop fails what it still holds.
     *
     * @param loop the loop
     * @param t    why
     */
    final void loopFailed(EngineLoop loop, Throwable t) {
        LOG.log(System.Logger.Level.ERROR, "jaio " + backend() + " loop " + loop.thread().getName() + " failed", t);
    }

    @Override
    protected final void shutdown(boolean onEngineThread) {
        for (L l : loops) {
            l.stop();
        }
        for (L l : loops) {
            if (l.thread() != Thread.currentThread()) {
                join(l.thread());
            }
        }
        afterLoops(onEngineThread);
        if (ownedCompletionExecutor != null) {
            shutdownAndAwait(ownedCompletionExecutor, onEngineThread);
        }
    }

    /**
     * Stops what the backend has besides its loops, once they have ended (or, closed from a loop's own
     * callback, been asked to end).
     *
     * @param onEngineThread whether close runs on an engine thread
     */
    protected void afterLoops(boolean onEngineThread) {
    }
}
