package dev.jaio.internal.engine;

/**
 * When an event loop hands the requests that completions issued to the kernel: at once, or gathered
 * with others into one io_submit. Decided from what the loop sees, with no option for the user.
 *
 * <p>The loop handles the completions of one reap (one io_getevents, or one read of the ring) in a row,
 * a few microseconds apart. The follow-ups they issue are gathered and go to the kernel together when
 * the reap is handled, or sooner, as soon as {@link #batch()} of them wait, so that the device never
 * waits long for a large reap's first follow-up. A reap of one completion submits its follow-up at once,
 * as fio does; a reap of several submits them in fewer io_submit calls than fio makes. An io_submit of
 * three or more iocbs is also one block-layer plug (fs/aio.c's {@code AIO_PLUG_THRESHOLD}), so the
 * device is notified once for the batch: on a virtual disk that notification is an exit to the host,
 * the largest single cost of a request.
 */
public final class SubmitPolicy {
    private final boolean always;
    private final int batch;

    /**
     * @param depth  the loop's slots, the most requests it keeps in the kernel
     * @param always submit every follow-up at once ({@code submitEagerly})
     */
    public SubmitPolicy(int depth, boolean always) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be positive: depth=" + depth);
        }
        this.always = always;
        this.batch = Math.min(8, Math.max(4, depth / 4));
    }

    /**
     * Whether the {@code waiting} requests issued since the last submit go to the kernel now.
     *
     * @param waiting    requests ready to submit
     * @param moreReaped whether completions of the same reap are still to be handled
     */
    public boolean submitNow(int waiting, boolean moreReaped) {
        return waiting > 0 && (always || !moreReaped || waiting >= batch);
    }

    /** The most follow-ups that wait for the rest of their reap: 4, or a quarter of the depth up to 8. */
    public int batch() {
        return batch;
    }
}
