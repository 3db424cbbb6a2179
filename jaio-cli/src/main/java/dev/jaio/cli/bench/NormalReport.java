package dev.jaio.cli.bench;

import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Results as text in fio's normal layout, so that someone who knows fio finds each figure where fio puts
 * it: the job line, a {@code read: IOPS=..., BW=...} line per direction, {@code clat}/{@code lat} summaries
 * and the {@code clat percentiles (usec)} block, {@code cpu : usr=..., sys=...}, {@code issued rwts}, and
 * a {@code Run status group} summary. jaio adds its engine and the CPU cost per I/O. jaio times each
 * request from the call that issues it to its completion, which is fio's {@code lat}; {@code clat} shows
 * the same numbers, since jaio has no separate submission time ({@code slat}).
 */
public final class NormalReport {
    private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
    private static final String[] DECIMAL = {"", "k", "M", "G", "T", "P"};

    private NormalReport() {
    }

    /**
     * The report for {@code results}, one group.
     *
     * @param results the jobs of one run
     * @return the text, ending in a newline
     */
    public static String format(List<JobResult> results) {
        StringBuilder sb = new StringBuilder();
        for (JobResult r : results) {
            job(sb, r);
        }
        if (!results.isEmpty()) {
            sb.append('\n').append("Run status group 0 (all jobs):\n");
            groupLine(sb, "READ", results, true);
            groupLine(sb, "WRITE", results, false);
        }
        return sb.toString();
    }

    private static void job(StringBuilder sb, JobResult r) {
        Workload w = r.workload();
        sb.append(String.format(Locale.ROOT, "%s: (groupid=0, jobs=1): err= 0: job %d of %d%n", w.label(),
                r.index() + 1, w.numjobs()));
        sb.append(String.format(Locale.ROOT, "  engine: %s (%s), %s, bs=%s, iodepth=%d, direct=%d, file=%s (%s)%n",
                w.engine().cliName(), w.engine().description(), w.rw().fioName(), Units.formatBytes(w.blockSize()),
                w.iodepth(), w.direct() ? 1 : 0, w.file(), Units.formatBytes(w.size())));
        direction(sb, "read", r.read(), r.runtimeNanos());
        direction(sb, "write", r.write(), r.runtimeNanos());
        sb.append(String.format(Locale.ROOT, "  cpu          : usr=%.2f%%, sys=%.2f%%, ctx=%d, majf=%d, minf=%d%n",
                percent(r.cpu().userNanos(), r.runtimeNanos()), percent(r.cpu().systemNanos(), r.runtimeNanos()),
                r.cpu().contextSwitches(), r.cpu().majorFaults(), r.cpu().minorFaults()));
        sb.append(String.format(Locale.ROOT,
                "  cpu cost     : %.1f I/Os per CPU-ms (%.1f ms of CPU, whole process%s)%n",
                r.iosPerCpuMs(), r.cpu().totalNanos() / 1e6, w.numjobs() > 1 ? ", shared evenly among jobs" : ""));
        sb.append(String.format(Locale.ROOT, "  threads      : peak %d live platform threads in the JVM%s%n",
                r.peakPlatformThreads(), w.heapBuffers() ? "; heap buffers" : ""));
        dev.jaio.AioEngine.Stats st = r.engineStats();
        if (st != null) {
            sb.append(String.format(Locale.ROOT,
                    "  jaio engine  : %d requests done inline, %d sent to the engine (%d to blocking threads, "
                            + "%d io_submit calls)%n", st.inline(), st.toEngine(), st.blockingFallbacks(),
                    st.submitCalls()));
        }
        sb.append(String.format(Locale.ROOT, "     issued rwts: total=%d,%d,0,0 short=0,0,0,0 dropped=0,0,0,0%n",
                r.read().ios(), r.write().ios()));
    }

    private static double percent(long cpuNanos, long runtimeNanos) {
        return runtimeNanos > 0 ? 100.0 * cpuNanos / runtimeNanos : 0;
    }

    private static void direction(StringBuilder sb, String name, JobResult.Direction d, long runtimeNanos) {
        if (d.ios() == 0) {
            return;
        }
        double bps = d.bytesPerSecond(runtimeNanos);
        sb.append(String.format(Locale.ROOT, "  %s: IOPS=%s, BW=%s (%s)(%s/%dmsec)%n", name,
                fioNumber(d.iops(runtimeNanos), 1000, DECIMAL, ""), fioNumber(bps, 1024, BINARY, "B/s"),
                fioNumber(bps, 1000, DECIMAL, "B/s"), fioNumber(d.bytes(), 1024, BINARY, "B"),
                runtimeNanos / 1_000_000));
        Histogram h = d.latency();
        String summary = String.format(Locale.ROOT, "(usec): min=%d, max=%d, avg=%5.2f, stdev=%5.2f%n",
                Math.round(h.getMinValue() / 1e3), Math.round(h.getMaxValue() / 1e3), h.getMean() / 1e3,
                h.getStdDeviation() / 1e3);
        sb.append("    clat ").append(summary);
        sb.append("     lat ").append(summary);
        sb.append("    clat percentiles (usec):\n");
        double[] ps = FioJsonReport.PERCENTILES;
        long maxUs = Math.round(h.getValueAtPercentile(ps[ps.length - 1]) / 1e3);
        int width = Math.max(5, Long.toString(maxUs).length());
        for (int i = 0; i < ps.length; i += 4) {
            sb.append("     |");
            for (int k = i; k < Math.min(ps.length, i + 4); k++) {
                sb.append(String.format(Locale.ROOT, " %5.2fth=[%" + width + "d]%s", ps[k],
                        Math.round(h.getValueAtPercentile(ps[k]) / 1e3), k + 1 < ps.length ? "," : ""));
            }
            sb.append('\n');
        }
    }

    private static void groupLine(StringBuilder sb, String name, List<JobResult> results, boolean read) {
        long bytes = 0;
        long minRun = Long.MAX_VALUE;
        long maxRun = 0;
        double minBw = Double.MAX_VALUE;
        double maxBw = 0;
        for (JobResult r : results) {
            JobResult.Direction d = read ? r.read() : r.write();
            if (d.ios() == 0) {
                continue;
            }
            bytes += d.bytes();
            double bw = d.bytesPerSecond(r.runtimeNanos());
            minBw = Math.min(minBw, bw);
            maxBw = Math.max(maxBw, bw);
            minRun = Math.min(minRun, r.runtimeNanos() / 1_000_000);
            maxRun = Math.max(maxRun, r.runtimeNanos() / 1_000_000);
        }
        if (bytes == 0) {
            return;
        }
        double bw = maxRun > 0 ? bytes * 1e3 / maxRun : 0;
        sb.append(String.format(Locale.ROOT, "%7s: bw=%s (%s), %s-%s (%s-%s), io=%s (%s), run=%d-%dmsec%n", name,
                fioNumber(bw, 1024, BINARY, "B/s"), fioNumber(bw, 1000, DECIMAL, "B/s"),
                fioNumber(minBw, 1024, BINARY, "B/s"), fioNumber(maxBw, 1024, BINARY, "B/s"),
                fioNumber(minBw, 1000, DECIMAL, "B/s"), fioNumber(maxBw, 1000, DECIMAL, "B/s"),
                fioNumber(bytes, 1024, BINARY, "B"), fioNumber(bytes, 1000, DECIMAL, "B"), minRun, maxRun));
    }

    /**
     * A number as fio's {@code num2str} prints it: at most four digits, scaled by {@code base} with a
     * prefix once it has more ({@code 8171}, {@code 22.5k}, {@code 123k}; {@code 31.9MiB/s}).
     *
     * @param value    the number
     * @param base     1000 or 1024
     * @param prefixes the unit prefixes for each power of {@code base}
     * @param unit     what follows the prefix ({@code B/s}, or nothing)
     * @return the text
     */
    static String fioNumber(double value, int base, String[] prefixes, String unit) {
        double v = Math.max(0, value);
        int p = 0;
        while (Math.round(v) >= 10_000 && p < prefixes.length - 1) {
            v /= base;
            p++;
        }
        if (p == 0) {
            return Math.round(v) + unit;
        }
        int digits = v < 1 ? 1 : (int) Math.floor(Math.log10(v)) + 1;
        int decimals = Math.max(0, 4 - digits - 1);
        String text = String.format(Locale.ROOT, "%." + decimals + "f", v);
        if (decimals > 0 && text.length() > 4) { // rounding up added a digit (9.995 -> 10.00)
            text = String.format(Locale.ROOT, "%." + (decimals - 1) + "f", v);
        }
        return text + prefixes[p] + unit;
    }
}
