package dev.jaio.cli.bench;

import org.HdrHistogram.Histogram;

/**
 * What one job measured.
 *
 * @param workload     what ran
 * @param index        the job's number, from 0
 * @param read         the reads
 * @param write        the writes
 * @param runtimeNanos the measured period, from the end of the ramp to the last completion
 * @param elapsedNanos the whole run, ramp included
 * @param cpu          CPU time over the measured period (the process's, shared evenly among the jobs)
 * @param peakPlatformThreads the most live platform threads of the JVM at once during the run (all jobs;
 *                     {@code ThreadMXBean.getPeakThreadCount()}, which counts no virtual thread)
 * @param engineStats  the counters of the job's jaio engine at the end of the run, or null for an engine
 *                     that is not jaio's
 */
public record JobResult(Workload workload, int index, Direction read, Direction write, long runtimeNanos,
                        long elapsedNanos, CpuUsage cpu, int peakPlatformThreads, dev.jaio.AioEngine.Stats engineStats) {
    /**
     * One direction's numbers.
     *
     * @param ios     requests completed
     * @param bytes   bytes transferred
     * @param latency completion latency in nanoseconds, from the call that issued the request to the
     *                completion reaching the benchmark
     */
    public record Direction(long ios, long bytes, Histogram latency) {
        /** Requests per second over {@code runtimeNanos}. */
        public double iops(long runtimeNanos) {
            return runtimeNanos > 0 ? ios * 1e9 / runtimeNanos : 0;
        }

        /** Bytes per second over {@code runtimeNanos}. */
        public double bytesPerSecond(long runtimeNanos) {
            return runtimeNanos > 0 ? bytes * 1e9 / runtimeNanos : 0;
        }
    }

    /** Reads and writes per second. */
    public double totalIops() {
        return read.iops(runtimeNanos) + write.iops(runtimeNanos);
    }

    /** Requests completed per millisecond of CPU time (user and system); 0 when none was measured. */
    public double iosPerCpuMs() {
        long cpuNanos = cpu.totalNanos();
        return cpuNanos > 0 ? (read.ios() + write.ios()) / (cpuNanos / 1e6) : 0;
    }

    /** CPU use in percent of one CPU, user and system. */
    public double cpuPercent() {
        return runtimeNanos > 0 ? 100.0 * cpu.totalNanos() / runtimeNanos : 0;
    }

    /** Latency of reads and writes together. */
    public Histogram combinedLatency() {
        Histogram h = IoStats.newHistogram();
        h.add(read.latency());
        h.add(write.latency());
        return h;
    }
}
