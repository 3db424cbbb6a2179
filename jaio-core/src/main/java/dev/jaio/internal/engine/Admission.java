package dev.jaio.internal.engine;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Back-pressure: at most {@code limit} requests accepted and not yet finished. A caller beyond the limit
 * waits for a completion, or with fail-fast gets {@link RejectedExecutionException}; an engine thread
 * (a completion callback issuing the next request) never waits, since it is the thread that would
 * have to free the slot.
 */
public final class Admission {
    private final Semaphore permits;
    private final int limit;
    private final boolean failFast;

    public Admission(int limit, boolean failFast) {
        this.permits = new Semaphore(limit);
        this.limit = limit;
        this.failFast = failFast;
    }

    /** Takes a permit; false when the caller is an engine thread that went past the limit without one. */
    public boolean admit(boolean engineThread) {
        if (permits.tryAcquire()) {
            return true;
        }
        if (engineThread) {
            return false;
        }
        if (failFast) {
            throw new RejectedExecutionException("the engine's queue is full: " + limit
                    + " requests are outstanding; wait for completions, or build the engine with a larger queueDepth "
                    + "or with waiting instead of failing fast");
        }
        permits.acquireUninterruptibly();
        return true;
    }

    public void release() {
        permits.release();
    }
}
