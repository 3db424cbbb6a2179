package dev.jaio.internal.concurrent;

import dev.jaio.AioException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the calls that are using a native resource (a file descriptor, a context id, a mapping) and
 * lets {@link #closeAndAwait()} wait until none is, so that the resource is released only when no
 * thread can still pass it to the kernel.
 *
 * <p>{@link #tryAcquire()} fails once closing has begun; every successful acquire must be paired with
 * one {@link #release()}. Lock-free: one CAS to acquire, one atomic decrement to release.
 */
public final class CloseGuard {
    private static final int CLOSED = 0x8000_0000;

    private final AtomicInteger state = new AtomicInteger();
    private final int closedErrno;
    private final String closedAdvice;

    /** A guard whose owner reports closing itself (an engine, a file). */
    public CloseGuard() {
        this(0, null);
    }

    /**
     * A guard for a kernel object whose calls fail with {@code closedErrno} once it is closed, the way
     * the kernel would answer a stale descriptor or id (which is never passed to it).
     *
     * @param closedErrno  the errno of a call after close
     * @param closedAdvice what the caller should do, for the exception's message
     */
    public CloseGuard(int closedErrno, String closedAdvice) {
        this.closedErrno = closedErrno;
        this.closedAdvice = closedAdvice;
    }

    /**
     * Registers a use by {@code syscall}, or refuses it once closing has begun.
     *
     * @param syscall the call about to use the resource, for the exception
     * @throws AioException {@link #closedError} when the resource is closing or closed
     */
    public void acquire(String syscall) throws AioException {
        if (!tryAcquire()) {
            throw closedError(syscall);
        }
    }

    /**
     * The error of a call on the closed resource: the errno and advice given to the constructor.
     *
     * @param syscall the call
     * @return the exception, to throw
     */
    public AioException closedError(String syscall) {
        return new AioException(syscall, closedErrno, closedAdvice);
    }

    /** Registers a use; false when the resource is closing or closed. */
    public boolean tryAcquire() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Ends a use registered by {@link #tryAcquire()}. */
    public void release() {
        state.decrementAndGet();
    }

    /**
     * Ends a use, and answers whether it was the last one of a guard that is closing: the caller that
     * gets true may release the resource (when {@link #markClosed()} was used instead of waiting).
     */
    public boolean releaseLast() {
        return state.decrementAndGet() == CLOSED;
    }

    /** Stops new uses without waiting for those in progress. */
    public void markClosed() {
        state.getAndUpdate(s -> s | CLOSED);
    }

    /** How many uses are in progress. */
    public int inUse() {
        return state.get() & ~CLOSED;
    }

    /** Whether closing has begun. */
    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Stops new uses and waits for those in progress to end.
     *
     * @return true for the call that closed the guard, false if it was already closed (that call still
     *         waits until no use is in progress)
     */
    public boolean closeAndAwait() {
        int before = state.getAndUpdate(s -> s | CLOSED);
        awaitValue(state, CLOSED);
        return (before & CLOSED) == 0;
    }

    /** Waits, spinning briefly and then parking, until {@code counter} holds {@code expected}. */
    public static void awaitValue(AtomicInteger counter, int expected) {
        for (int spins = 0; counter.get() != expected; spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
    }
}
