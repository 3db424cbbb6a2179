package dev.jaio.cli.bench;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the next request goes and which way: sequential offsets wrap around the region, random ones are
 * uniform over its blocks; mixed workloads read {@code rwmixread} percent of the time. Thread-safe.
 */
public final class RequestSource {
    private final long blocks;
    private final long blockSize;
    private final RwMode rw;
    private final int rwmixread;
    private final AtomicLong next = new AtomicLong();

    /** A source for one job of {@code w}. */
    public RequestSource(Workload w) {
        this.blocks = w.blocks();
        this.blockSize = w.blockSize();
        this.rw = w.rw();
        this.rwmixread = w.rwmixread();
    }

    /** The offset of the next request, a multiple of the block size below the region's size. */
    public long nextOffset() {
        long block = rw.random() ? ThreadLocalRandom.current().nextLong(blocks) : next.getAndIncrement() % blocks;
        return block * blockSize;
    }

    /** Whether the next request reads. */
    public boolean nextIsRead() {
        if (!rw.mixed()) {
            return rw.reads();
        }
        return ThreadLocalRandom.current().nextInt(100) < rwmixread;
    }
}
