package dev.jaio.internal.engine.aio;

/**
 * When an event loop hands the requests that completions issued to the kernel: at once, or gathered
 * with others into one io_submit. Decided from what the loop sees, with no option for the user.
 *
 * <p>While fewer than half of the loop's slots are in the kernel the device is running short, and a
 * follow-up request waiting for the end of the loop's turn is I/O the device could already be doing:
 * each one is submitted at once, as fio does. Above that, follow-ups are gathered until {@link #batch()}
 * of them wait (a quarter of the depth, at most 8), so that a well-stocked queue costs fewer io_submit
 * calls; what a reap leaves goes to the kernel with the loop's next turn, with anything other threads
 * queued meanwhile.
 */
final class SubmitPolicy {
    private final boolean always;
    private final int lowWater;
    private final int batch;

    /**
     * @param depth  the loop's slots, the most requests it keeps in the kernel
     * @param always submit every follow-up at once, whatever the queue holds ({@code submitEagerly})
     */
    SubmitPolicy(int depth, boolean always) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be positive: depth=" + depth);
        }
        this.always = always;
        this.lowWater = Math.max(1, depth / 2);
        this.batch = Math.max(1, Math.min(8, depth / 4));
    }

    /**
     * Whether the {@code waiting} requests issued since the last submit go to the kernel now.
     *
     * @param inKernel requests in the kernel now
     * @param waiting  requests ready to submit
     */
    boolean submitNow(int inKernel, int waiting) {
        return waiting > 0 && (always || inKernel < lowWater || waiting >= batch);
    }

    /** Follow-ups gathered into one io_submit while the queue is at least half full. */
    int batch() {
        return batch;
    }

    /** Below this many requests in the kernel, every follow-up is submitted at once. */
    int lowWater() {
        return lowWater;
    }
}
