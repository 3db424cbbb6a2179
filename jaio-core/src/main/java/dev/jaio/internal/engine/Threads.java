package dev.jaio.internal.engine;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way the engines make threads: named platform daemons, marked as engine threads so that
 * {@link #isEngineThread()} knows them (an engine thread must never wait for the engine).
 */
public final class Threads {
    private Threads() {
    }

    private static final ThreadLocal<Boolean> ENGINE_THREAD = new ThreadLocal<>();

    /**
     * An unstarted engine thread.
     *
     * @param name its name
     * @param task what it runs
     * @return the thread, a daemon, not started
     */
    public static Thread newThread(String name, Runnable task) {
        return dev.jaio.internal.concurrent.DaemonThreads.unstarted(name, () -> {
            ENGINE_THREAD.set(Boolean.TRUE);
            task.run();
        });
    }

    /**
     * A factory of engine threads named {@code prefix-1}, {@code prefix-2}, ..., for executors.
     *
     * @param prefix the names' prefix
     * @return the factory
     */
    public static ThreadFactory daemonFactory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> newThread(prefix + "-" + n.incrementAndGet(), r);
    }

    /**
     * Whether the calling thread was made here.
     *
     * @return true on an engine thread of any engine
     */
    public static boolean isEngineThread() {
        return ENGINE_THREAD.get() == Boolean.TRUE;
    }
}
