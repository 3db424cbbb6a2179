package dev.jaio.internal.engine;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for the engines' threads, which are daemons and are marked as engine threads. */
public final class Threads {
    private Threads() {
    }

    private static final ThreadLocal<Boolean> ENGINE_THREAD = new ThreadLocal<>();

    public static ThreadFactory daemonFactory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> Thread.ofPlatform().daemon().name(prefix + "-" + n.incrementAndGet()).unstarted(() -> {
            ENGINE_THREAD.set(Boolean.TRUE);
            r.run();
        });
    }

    public static boolean isEngineThread(Thread t) {
        return t == Thread.currentThread() && ENGINE_THREAD.get() == Boolean.TRUE;
    }
}
