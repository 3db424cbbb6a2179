package dev.jaio.cli.bench;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One job's description, in fio's terms.
 *
 * @param file         the file to do I/O on; it exists and holds at least {@code size} bytes
 * @param size         the region of the file the I/O covers, a multiple of {@code blockSize}
 * @param rw           direction and order
 * @param rwmixread    percentage of reads in a mixed workload
 * @param blockSize    bytes per request
 * @param iodepth      requests kept in flight per job
 * @param direct       whether to open the file with O_DIRECT
 * @param runtimeNanos how long to measure; 0 for no limit
 * @param rampNanos    how long to run before measuring
 * @param timeBased    whether to keep going over the file until the runtime is over (else stop after
 *                     {@code size} bytes or the runtime, whichever comes first)
 * @param numjobs      jobs run at once, each with its own engine and iodepth
 * @param engine       how the I/O is done
 * @param heapBuffers  whether the thread engines use heap {@code ByteBuffer}s ({@code --mem=heap}) rather
 *                     than native memory
 */
public record Workload(Path file, long size, RwMode rw, int rwmixread, int blockSize, int iodepth, boolean direct,
                       long runtimeNanos, long rampNanos, boolean timeBased, int numjobs, EngineKind engine,
                       boolean heapBuffers) {
    /** A workload with native buffers. */
    public Workload(Path file, long size, RwMode rw, int rwmixread, int blockSize, int iodepth, boolean direct,
                    long runtimeNanos, long rampNanos, boolean timeBased, int numjobs, EngineKind engine) {
        this(file, size, rw, rwmixread, blockSize, iodepth, direct, runtimeNanos, rampNanos, timeBased, numjobs, engine,
                false);
    }

    /** Checks the fields against each other. */
    public Workload {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(rw, "rw");
        Objects.requireNonNull(engine, "engine");
        if (blockSize <= 0) {
            throw new IllegalArgumentException("bs must be positive: bs=" + blockSize);
        }
        if (size < blockSize) {
            throw new IllegalArgumentException("size must hold at least one block: size=" + size + ", bs=" + blockSize);
        }
        if (iodepth < 1 || iodepth > 65536) {
            throw new IllegalArgumentException("iodepth must be in 1..65536: iodepth=" + iodepth);
        }
        if (numjobs < 1 || numjobs > 1024) {
            throw new IllegalArgumentException("numjobs must be in 1..1024: numjobs=" + numjobs);
        }
        if (rwmixread < 0 || rwmixread > 100) {
            throw new IllegalArgumentException("rwmixread must be in 0..100: rwmixread=" + rwmixread);
        }
        if (runtimeNanos < 0 || rampNanos < 0) {
            throw new IllegalArgumentException("times must not be negative: runtime=" + runtimeNanos + ", ramp_time="
                    + rampNanos);
        }
        if (timeBased && runtimeNanos == 0) {
            throw new IllegalArgumentException("time_based needs a runtime: runtime=0");
        }
        size = size - size % blockSize;
    }

    /** Blocks in the region. */
    public long blocks() {
        return size / blockSize;
    }

    /** A copy with another engine. */
    public Workload withEngine(EngineKind e) {
        return new Workload(file, size, rw, rwmixread, blockSize, iodepth, direct, runtimeNanos, rampNanos, timeBased,
                numjobs, e, heapBuffers);
    }

    /** A copy with another iodepth. */
    public Workload withIodepth(int d) {
        return new Workload(file, size, rw, rwmixread, blockSize, d, direct, runtimeNanos, rampNanos, timeBased,
                numjobs, engine, heapBuffers);
    }

    /** A copy with another block size. */
    public Workload withBlockSize(int bs) {
        return new Workload(file, size, rw, rwmixread, bs, iodepth, direct, runtimeNanos, rampNanos, timeBased,
                numjobs, engine, heapBuffers);
    }

    /** A copy with another direction and order. */
    public Workload withRw(RwMode mode) {
        return new Workload(file, size, mode, rwmixread, blockSize, iodepth, direct, runtimeNanos, rampNanos,
                timeBased, numjobs, engine, heapBuffers);
    }

    /** A copy with another job count. */
    public Workload withNumjobs(int n) {
        return new Workload(file, size, rw, rwmixread, blockSize, iodepth, direct, runtimeNanos, rampNanos, timeBased,
                n, engine, heapBuffers);
    }

    /** A short name for reports: {@code randread-4k-qd32-aio}. */
    public String label() {
        return rw.fioName() + "-" + Units.formatBytes(blockSize).toLowerCase(java.util.Locale.ROOT).replace("ib", "")
                + "-qd" + iodepth + (numjobs > 1 ? "-j" + numjobs : "") + "-" + engine.cliName()
                + (heapBuffers ? "-heap" : "");
    }
}
