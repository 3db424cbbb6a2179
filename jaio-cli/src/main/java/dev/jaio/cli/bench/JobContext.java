package dev.jaio.cli.bench;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What an engine needs to run one job.
 *
 * @param workload the job's description
 * @param control  when to issue and whether a request counts
 * @param requests offsets and directions
 * @param stats    where each thread records its completions
 * @param index    the job's number, from 0
 */
public record JobContext(Workload workload, JobControl control, RequestSource requests, StatsRegistry stats,
                         int index) {
    /** Fills a write buffer with bytes that do not compress or deduplicate to nothing. */
    static void fillPattern(MemorySegment buffer, long seed) {
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (long i = 0; i + 8 <= buffer.byteSize(); i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, i, x);
        }
    }

    /** The alignment for buffers: what O_DIRECT asks, and never less than a page. */
    static int bufferAlignment(int directAlignment) {
        return Math.max(4096, directAlignment);
    }

    /** The buffer alignment for {@code w}'s file: asks the file system when the workload is O_DIRECT. */
    static int bufferAlignment(Workload w) throws java.io.IOException {
        if (!w.direct()) {
            return bufferAlignment(1);
        }
        try (dev.jaio.NativeFile f = dev.jaio.NativeFile.open(w.file(), java.nio.file.StandardOpenOption.READ)) {
            return bufferAlignment(f.directIoAlignment().strictest());
        }
    }
}
