package dev.jaio.internal.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters an engine keeps on its hot path: cheap enough to leave on (striped adders, and a latency
 * histogram of 4 sub-buckets per power of two, so a percentile is known within about 19%).
 */
public final class EngineCounters {
    private static final int SUB_BITS = 2;
    private static final int BUCKETS = 64 << SUB_BITS;

    public final LongAdder submitted = new LongAdder();
    public final LongAdder completed = new LongAdder();
    public final LongAdder failed = new LongAdder();
    public final LongAdder blockingFallbacks = new LongAdder();
    // Requests finished on their callers' threads, kept apart from the three above so that an inline
    // request costs one striped increment; the snapshot adds them in.
    private final LongAdder inlineCompleted = new LongAdder();
    private final LongAdder inlineFailed = new LongAdder();
    // Striped per bucket: callers finishing inline requests on many threads record at once, and most of
    // them land in the same bucket.
    private final LongAdder[] latency = newBuckets();
    private final LongAdder latencySum = new LongAdder();

    /** Requests accepted and not yet finished. */
    public long inFlight() {
        return Math.max(0, submitted.sum() - completed.sum() - failed.sum());
    }

    /**
     * Counts a request its file finished on the calling thread without the engine (a buffered transfer
     * the kernel did at once with RWF_NOWAIT): as submitted, completed or failed, and inline.
     *
     * @param startNanos {@link System#nanoTime()} when the request was issued
     * @param failed     whether it finished with an error
     */
    public void recordInline(long startNanos, boolean failed) {
        countInline(failed);
        recordLatency(System.nanoTime() - startNanos);
    }

    /**
     * Counts a request finished on its caller's thread, as {@link #recordInline} does, without timing it.
     *
     * @param failed whether it finished with an error
     */
    public void countInline(boolean failed) {
        (failed ? inlineFailed : inlineCompleted).increment();
    }

    public void recordLatency(long nanos) {
        if (nanos < 0) {
            nanos = 0;
        }
        latency[bucket(nanos)].increment();
        latencySum.add(nanos);
    }

    private static LongAdder[] newBuckets() {
        LongAdder[] b = new LongAdder[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            b[i] = new LongAdder();
        }
        return b;
    }

    public static int bucket(long v) {
        if (v < (1L << SUB_BITS)) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) ((v >>> (exp - SUB_BITS)) & ((1 << SUB_BITS) - 1));
        return ((exp - SUB_BITS + 1) << SUB_BITS) + sub;
    }

    /** The upper bound of the values in a bucket. */
    public static long bucketUpperBound(int b) {
        if (b < (1 << SUB_BITS)) {
            return b;
        }
        int exp = (b >>> SUB_BITS) + SUB_BITS - 1;
        int sub = b & ((1 << SUB_BITS) - 1);
        long base = 1L << exp;
        long step = 1L << (exp - SUB_BITS);
        return base + (sub + 1) * step - 1;
    }

    /**
     * A snapshot: counts, the backend's kernel calls, and latency mean and percentiles in nanoseconds.
     *
     * @param inFlight requests accepted and not yet finished
     * @param kernel   the backend's kernel calls
     * @return the snapshot
     */
    public Snapshot snapshot(long inFlight, KernelCalls kernel) {
        long[] counts = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] = latency[i].sum();
            total += counts[i];
        }
        long inlineOk = inlineCompleted.sum();
        long inlineBad = inlineFailed.sum();
        return new Snapshot(submitted.sum() + inlineOk + inlineBad, completed.sum() + inlineOk,
                failed.sum() + inlineBad, inFlight, kernel, blockingFallbacks.sum(), inlineOk + inlineBad,
                total == 0 ? 0 : latencySum.sum() / total,
                percentile(counts, total, 0.50), percentile(counts, total, 0.99), percentile(counts, total, 0.999));
    }

    private static long percentile(long[] counts, long total, double q) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return bucketUpperBound(i);
            }
        }
        return bucketUpperBound(counts.length - 1);
    }

    /**
     * @param submitted         requests accepted by the engine
     * @param completed         requests finished successfully
     * @param failed            requests finished with an error
     * @param inFlight          requests accepted and not yet finished
     * @param kernel            the backend's kernel calls ({@link KernelCalls#NONE} for the thread pool)
     * @param blockingFallbacks requests handed to a blocking thread (buffered I/O that would block)
     * @param inline            requests finished on the issuing thread without the engine (counted in
     *                          submitted and completed or failed too)
     * @param latencyMeanNanos  mean time from issue to completion
     * @param latencyP50Nanos   median, as the upper bound of its histogram bucket
     * @param latencyP99Nanos   99th percentile, likewise
     * @param latencyP999Nanos  99.9th percentile, likewise
     */
    public record Snapshot(long submitted, long completed, long failed, long inFlight, KernelCalls kernel,
                           long blockingFallbacks, long inline, long latencyMeanNanos, long latencyP50Nanos,
                           long latencyP99Nanos, long latencyP999Nanos) {
    }
}
