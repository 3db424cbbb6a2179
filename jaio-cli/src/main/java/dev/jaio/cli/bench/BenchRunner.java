package dev.jaio.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the jobs of one workload at once, each on its own thread with its own engine, and gathers what
 * they measured. The calling thread keeps time: it takes the CPU usage at the end of the ramp and at the
 * end, and draws the progress line.
 */
public final class BenchRunner {
    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** The size of a warm-up's scratch file: laid out in a moment. */
    private static final long WARMUP_FILE_SIZE = 16L << 20;

    private BenchRunner() {
    }

    /**
     * Runs {@code w}.
     *
     * @param progress where to draw a live progress line (carriage returns, no newlines), or {@code null}
     * @return one result per job
     * @throws BenchException when a job failed: the first failure is its cause
     */
    public static List<JobResult> run(Workload w, PrintStream progress) throws BenchException, InterruptedException {
        int jobs = w.numjobs();
        JobControl control = new JobControl(w, jobs);
        StatsRegistry[] stats = new StatsRegistry[jobs];
        CountDownLatch done = new CountDownLatch(jobs);
        List<Thread> threads = new ArrayList<>();
        CpuUsage cpuStart = w.rampNanos() == 0 ? CpuUsage.now() : null;
        java.lang.management.ThreadMXBean threadBean = java.lang.management.ManagementFactory.getThreadMXBean();
        threadBean.resetPeakThreadCount();
        for (int i = 0; i < jobs; i++) {
            stats[i] = new StatsRegistry();
            JobContext job = new JobContext(w, control, new RequestSource(w), stats[i], i);
            BenchEngine engine = BenchEngine.of(w.engine());
            threads.add(Thread.ofPlatform().name("jaio-bench-job-" + i).start(() -> {
                try {
                    engine.run(job);
                } catch (Throwable t) {
                    control.fail(t);
                } finally {
                    done.countDown();
                }
            }));
        }
        long lastIos = 0;
        long lastBytes = 0;
        long lastTick = control.startNanos();
        boolean drew = false;
        try {
            while (true) {
                long now = System.nanoTime();
                long wait = PROGRESS_INTERVAL_NANOS;
                if (cpuStart == null) {
                    long toMeasure = control.measureStartNanos() - now;
                    if (toMeasure <= 0) {
                        cpuStart = CpuUsage.now();
                    } else {
                        wait = Math.min(wait, toMeasure);
                    }
                }
                if (done.await(wait, TimeUnit.NANOSECONDS)) {
                    break;
                }
                now = System.nanoTime();
                if (progress != null && now - lastTick >= PROGRESS_INTERVAL_NANOS) {
                    long ios = 0;
                    long bytes = 0;
                    for (StatsRegistry s : stats) {
                        ios += s.progressIos();
                        bytes += s.progressBytes();
                    }
                    double seconds = (now - lastTick) / 1e9;
                    progress.print("\r" + progressLine(w, control, now, (ios - lastIos) / seconds,
                            (bytes - lastBytes) / seconds));
                    progress.flush();
                    drew = true;
                    lastIos = ios;
                    lastBytes = bytes;
                    lastTick = now;
                }
            }
        } catch (InterruptedException e) {
            control.stop();
            done.await();
            throw e;
        } finally {
            if (drew) {
                progress.print("\r" + " ".repeat(100) + "\r");
                progress.flush();
            }
        }
        long end = System.nanoTime();
        CpuUsage cpuEnd = CpuUsage.now();
        for (Thread t : threads) {
            t.join();
        }
        int peakThreads = threadBean.getPeakThreadCount();
        if (control.failure() != null) {
            throw new BenchException(w, control.failure());
        }
        if (cpuStart == null) {
            cpuStart = cpuEnd; // the run ended within the ramp: nothing was measured
        }
        // The measured period ends with the last completion, not after the engines closed their files and
        // contexts (io_destroy waits for an RCU grace period, tens of milliseconds).
        long lastCompletion = Long.MIN_VALUE;
        for (StatsRegistry s : stats) {
            for (IoStats st : s.all()) {
                lastCompletion = Math.max(lastCompletion, st.lastCompletion());
            }
        }
        long measuredEnd = lastCompletion == Long.MIN_VALUE ? end : lastCompletion;
        long runtime = Math.max(1, measuredEnd - control.measureStartNanos());
        CpuUsage cpu = cpuEnd.minus(cpuStart).dividedBy(jobs);
        List<JobResult> results = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            IoStats.DirectionTotals read = new IoStats.DirectionTotals();
            IoStats.DirectionTotals write = new IoStats.DirectionTotals();
            for (IoStats s : stats[i].all()) {
                s.addTo(read, write);
            }
            results.add(new JobResult(w, i, new JobResult.Direction(read.ios, read.bytes, read.latency),
                    new JobResult.Direction(write.ios, write.bytes, write.latency), runtime,
                    end - control.startNanos(), cpu, peakThreads, stats[i].engineStats()));
        }
        return results;
    }

    /**
     * Runs {@code w}'s engine, unmeasured, for {@code nanos} before {@code w} itself: the same direction,
     * depth, job count, buffers and {@code O_DIRECT} choice, with blocks of at most 4 KiB on a 16 MiB
     * scratch file beside {@code w}'s (removed afterwards), so that the JIT has compiled the request path
     * before the ramp starts. A run at a thousand requests a second would otherwise reach C2's thresholds
     * only inside the measured period, and count the compiler's CPU as the engine's. The scratch file
     * leaves the test file's page cache as it was (a cold-cache run stays cold).
     *
     * @param w     the workload to warm up for
     * @param nanos how long; 0 does nothing
     * @throws BenchException when the warm-up run failed
     * @throws IOException    when the scratch file could not be laid out or removed
     */
    public static void warmUp(Workload w, long nanos) throws BenchException, InterruptedException, IOException {
        if (nanos <= 0) {
            return;
        }
        Path scratch = w.file().resolveSibling(w.file().getFileName() + ".jaio-warmup");
        try {
            TestFile.prepare(scratch, WARMUP_FILE_SIZE);
            Workload warm = new Workload(scratch, WARMUP_FILE_SIZE, w.rw(), w.rwmixread(),
                    Math.min(w.blockSize(), 4096), w.iodepth(), w.direct(), nanos, 0, true, w.numjobs(), w.engine(),
                    w.heapBuffers());
            run(warm, null);
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    static String progressLine(Workload w, JobControl control, long now, double iops, double bytesPerSecond) {
        StringBuilder sb = new StringBuilder();
        sb.append("Jobs: ").append(w.numjobs()).append(" (").append(w.engine().cliName()).append("): [")
                .append(w.rw().fioName()).append(']');
        long elapsed = now - control.startNanos();
        long total = control.endNanos() == Long.MAX_VALUE ? 0 : control.endNanos() - control.startNanos();
        if (total > 0) {
            sb.append(String.format(Locale.ROOT, "[%.1f%%]", Math.min(100.0, 100.0 * elapsed / total)));
        }
        sb.append("[").append(Units.formatBytes(bytesPerSecond)).append("/s][")
                .append(Units.formatCount(iops)).append(" IOPS][elapsed ").append(clock(elapsed)).append(']');
        if (total > 0) {
            sb.append("[eta ").append(clock(Math.max(0, total - elapsed))).append(']');
        }
        return sb.toString();
    }

    private static String clock(long nanos) {
        long s = TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L);
        return String.format(Locale.ROOT, "%02dm:%02ds", s / 60, s % 60);
    }
}
