package dev.jaio.cli.bench;

import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * What one thread saw: completion latencies in nanoseconds (HdrHistogram, 3 significant digits) and
 * counts of the measured requests per direction, plus running totals that a progress line may read
 * from another thread. Written by one thread only.
 */
public final class IoStats {
    private final Histogram readLatency = newHistogram();
    private final Histogram writeLatency = newHistogram();
    private long readIos;
    private long readBytes;
    private long writeIos;
    private long writeBytes;
    private long lastCompletion = Long.MIN_VALUE;
    private final AtomicLong progressIos = new AtomicLong();
    private final AtomicLong progressBytes = new AtomicLong();

    static Histogram newHistogram() {
        return new Histogram(3);
    }

    /**
     * Records one completed request.
     *
     * @param read      whether it was a read
     * @param bytes     bytes it transferred
     * @param issued    when it was issued ({@link System#nanoTime()})
     * @param completed when its completion was seen
     * @param measured  whether it was issued after the ramp
     */
    public void record(boolean read, long bytes, long issued, long completed, boolean measured) {
        // Single writer: lazySet publishes the totals to the progress thread without a full fence.
        progressIos.lazySet(progressIos.get() + 1);
        progressBytes.lazySet(progressBytes.get() + bytes);
        if (!measured) {
            return;
        }
        lastCompletion = completed;
        long lat = Math.max(1, completed - issued);
        if (read) {
            readIos++;
            readBytes += bytes;
            readLatency.recordValue(lat);
        } else {
            writeIos++;
            writeBytes += bytes;
            writeLatency.recordValue(lat);
        }
    }

    long progressIos() {
        return progressIos.get();
    }

    long progressBytes() {
        return progressBytes.get();
    }

    /** When the last measured request completed, or {@link Long#MIN_VALUE}. */
    long lastCompletion() {
        return lastCompletion;
    }

    void addTo(DirectionTotals read, DirectionTotals write) {
        read.add(readIos, readBytes, readLatency);
        write.add(writeIos, writeBytes, writeLatency);
    }

    /** Totals of one direction over several threads. */
    static final class DirectionTotals {
        long ios;
        long bytes;
        final Histogram latency = newHistogram();

        void add(long n, long b, Histogram h) {
            ios += n;
            bytes += b;
            latency.add(h);
        }
    }
}
