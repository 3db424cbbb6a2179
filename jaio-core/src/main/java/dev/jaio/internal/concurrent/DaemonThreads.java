package dev.jaio.internal.concurrent;

import java.lang.ref.Cleaner;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way jaio makes its threads: named platform daemons, so that none keeps the JVM alive. The
 * engines' threads come from {@code dev.jaio.internal.engine.Threads}, which marks them on top of this;
 * the kernel objects' cleaners from {@link #cleaner(String)}; executors' threads from {@link #factory(String)}.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /**
     * An unstarted daemon thread.
     *
     * @param name its name
     * @param task what it runs
     * @return the thread
     */
    public static Thread unstarted(String name, Runnable task) {
        return Thread.ofPlatform().daemon().name(name).unstarted(task);
    }

    /**
     * A factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ..., for executors.
     *
     * @param prefix the names' prefix
     * @return the factory
     */
    public static ThreadFactory factory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> unstarted(prefix + "-" + n.incrementAndGet(), r);
    }

    /**
     * A cleaner whose thread is a daemon named {@code name}.
     *
     * @param name the cleaner thread's name
     * @return the cleaner
     */
    public static Cleaner cleaner(String name) {
        return Cleaner.create(r -> unstarted(name, r));
    }
}
