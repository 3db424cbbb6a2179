package dev.jaio.cli.bench;

import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** Results as text, laid out like fio's normal output, with the CPU cost per I/O added. */
public final class NormalReport {
    private NormalReport() {
    }

    /** The report for {@code results}. */
    public static String format(List<JobResult> results) {
        StringBuilder sb = new StringBuilder();
        for (JobResult r : results) {
            job(sb, r);
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
                100.0 * r.cpu().userNanos() / r.runtimeNanos(), 100.0 * r.cpu().systemNanos() / r.runtimeNanos(),
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
    }

    private static void direction(StringBuilder sb, String name, JobResult.Direction d, long runtimeNanos) {
        if (d.ios() == 0) {
            return;
        }
        double bps = d.bytesPerSecond(runtimeNanos);
        sb.append(String.format(Locale.ROOT, "  %s: IOPS=%s, BW=%s/s (%.1fMB/s)(%s/%dmsec)%n", name,
                Units.formatCount(d.iops(runtimeNanos)), Units.formatBytes(bps), bps / 1e6,
                Units.formatBytes(d.bytes()), runtimeNanos / 1_000_000));
        Histogram h = d.latency();
        sb.append(String.format(Locale.ROOT, "    clat (usec): min=%.1f, max=%.1f, avg=%.2f, stdev=%.2f%n",
                h.getMinValue() / 1e3, h.getMaxValue() / 1e3, h.getMean() / 1e3, h.getStdDeviation() / 1e3));
        sb.append("     clat percentiles (usec):\n");
        double[] ps = FioJsonReport.PERCENTILES;
        for (int i = 0; i < ps.length; i += 4) {
            sb.append("     |");
            for (int k = i; k < Math.min(ps.length, i + 4); k++) {
                sb.append(String.format(Locale.ROOT, " %6.2fth=[%6.1f]%s", ps[k],
                        h.getValueAtPercentile(ps[k]) / 1e3, k + 1 < ps.length ? "," : ""));
            }
            sb.append('\n');
        }
    }
}
