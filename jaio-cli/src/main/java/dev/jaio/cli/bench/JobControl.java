package dev.jaio.cli.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * When the jobs of a run may issue another request, and whether a request counts: the ramp, the
 * runtime, the {@code size} limit of a run that is not time based, and a stop on the first failure.
 * Thread-safe: every engine thread asks it before each request.
 */
public final class JobControl {
    private final long startNanos;
    private final long measureStartNanos;
    private final long endNanos;
    private final long ioLimit;
    private final AtomicLong issuedMeasured = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopped;

    /**
     * Starts the clock now.
     *
     * @param w       the workload, for its ramp, runtime and size
     * @param jobs    jobs sharing this control; a run that is not time based issues {@code size} bytes per job
     */
    public JobControl(Workload w, int jobs) {
        startNanos = System.nanoTime();
        measureStartNanos = startNanos + w.rampNanos();
        endNanos = w.runtimeNanos() > 0 ? measureStartNanos + w.runtimeNanos() : Long.MAX_VALUE;
        ioLimit = w.timeBased() ? Long.MAX_VALUE : w.blocks() * jobs;
    }

    /**
     * Whether a request may be issued at {@code now} ({@link System#nanoTime()}); after the first
     * {@code false} every later call answers {@code false}.
     */
    public boolean tryIssue(long now) {
        if (stopped) {
            return false;
        }
        if (endNanos != Long.MAX_VALUE && now - endNanos >= 0) {
            stopped = true;
            return false;
        }
        if (ioLimit != Long.MAX_VALUE && now - measureStartNanos >= 0 && issuedMeasured.incrementAndGet() > ioLimit) {
            stopped = true;
            return false;
        }
        return true;
    }

    /** Whether a request issued at {@code issueNanos} falls in the measured period (after the ramp). */
    public boolean measuring(long issueNanos) {
        return issueNanos - measureStartNanos >= 0;
    }

    /** Stops issuing; requests in flight still complete. */
    public void stop() {
        stopped = true;
    }

    /** Whether issuing has stopped. */
    public boolean stopped() {
        return stopped;
    }

    /** Records the first failure and stops issuing. */
    public void fail(Throwable t) {
        failure.compareAndSet(null, t);
        stopped = true;
    }

    /** The first failure, or {@code null}. */
    public Throwable failure() {
        return failure.get();
    }

    /** When the run started. */
    public long startNanos() {
        return startNanos;
    }

    /** When measuring starts: the end of the ramp. */
    public long measureStartNanos() {
        return measureStartNanos;
    }

    /** When issuing stops for lack of time, or {@link Long#MAX_VALUE}. */
    public long endNanos() {
        return endNanos;
    }
}
