package dev.jaio.internal.engine;

/**
 * How often a backend entered the kernel to submit and to wait, and how it reaped completions, summed
 * over its contexts or rings; all zero for a backend with no queue in the kernel (the thread pool).
 *
 * @param submitCalls    calls that submitted: io_submit, or io_uring_enter with SQEs
 * @param waitCalls      calls that waited or reaped: io_getevents, or io_uring_enter waiting for CQEs
 * @param ringEvents     completions read from a ring in user space
 * @param syscallEvents  completions copied out by io_getevents
 */
public record KernelCalls(long submitCalls, long waitCalls, long ringEvents, long syscallEvents) {
    /** A backend that never calls the kernel's queue. */
    public static final KernelCalls NONE = new KernelCalls(0, 0, 0, 0);

    /**
     * The sum of this and {@code other}, for an engine with several contexts.
     *
     * @param other another context's counts
     * @return the field-by-field sum
     */
    public KernelCalls plus(KernelCalls other) {
        return new KernelCalls(submitCalls + other.submitCalls, waitCalls + other.waitCalls,
                ringEvents + other.ringEvents, syscallEvents + other.syscallEvents);
    }
}
