package dev.jaio.cli.bench;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The {@link IoStats} of every thread of one job, one per thread, made on first use. */
public final class StatsRegistry {
    private final List<IoStats> all = new CopyOnWriteArrayList<>();
    private final ThreadLocal<IoStats> perThread = ThreadLocal.withInitial(() -> {
        IoStats s = new IoStats();
        all.add(s);
        return s;
    });

    private volatile dev.jaio.AioEngine.Stats engineStats;

    /** Keeps the counters of the job's jaio engine at the end of its run. */
    public void engineStats(dev.jaio.AioEngine.Stats stats) {
        this.engineStats = stats;
    }

    /** The counters of the job's jaio engine, or null for an engine that is not jaio's. */
    public dev.jaio.AioEngine.Stats engineStats() {
        return engineStats;
    }

    /** The calling thread's stats. */
    public IoStats forCurrentThread() {
        return perThread.get();
    }

    /** Requests completed so far, ramp included, for progress lines. */
    public long progressIos() {
        long n = 0;
        for (IoStats s : all) {
            n += s.progressIos();
        }
        return n;
    }

    /** Bytes transferred so far, ramp included. */
    public long progressBytes() {
        long n = 0;
        for (IoStats s : all) {
            n += s.progressBytes();
        }
        return n;
    }

    List<IoStats> all() {
        return all;
    }
}
