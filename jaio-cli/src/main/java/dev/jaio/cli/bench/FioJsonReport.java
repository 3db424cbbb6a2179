package dev.jaio.cli.bench;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Results in the shape of fio's {@code --output-format=json}, for the fields jaio measures: per job,
 * {@code read}/{@code write} with {@code io_bytes}, {@code bw} (KiB/s), {@code iops}, {@code runtime},
 * {@code total_ios}, {@code clat_ns} and {@code lat_ns} (min, max, mean, stddev, N, percentiles), then
 * {@code job_runtime}, {@code usr_cpu}, {@code sys_cpu}, {@code ctx}, {@code majf}, {@code minf} and
 * {@code elapsed}. Latency here runs from the call that issues a request to its completion, so
 * {@code clat_ns} and {@code lat_ns} hold the same numbers and {@code slat_ns} is absent. A {@code jaio}
 * object per job adds what fio lacks (I/Os per CPU millisecond, the peak of live platform threads, and for
 * jaio's engines the requests done inline on the caller's thread and those sent to the engine).
 */
public final class FioJsonReport {
    /** The percentiles fio reports by default. */
    static final double[] PERCENTILES = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};

    private FioJsonReport() {
    }

    /** The JSON document for {@code results}. */
    public static String format(List<JobResult> results) {
        Instant now = Instant.now();
        JsonWriter j = new JsonWriter().beginObject();
        j.field("fio version", "jaio-" + version());
        j.field("timestamp", now.getEpochSecond());
        j.field("timestamp_ms", now.toEpochMilli());
        j.field("time", DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT)
                .format(now.atZone(ZoneId.systemDefault())));
        j.beginArray("jobs");
        for (JobResult r : results) {
            job(j, r);
        }
        j.endArray();
        return j.endObject().toString() + "\n";
    }

    private static void job(JsonWriter j, JobResult r) {
        Workload w = r.workload();
        j.beginObject();
        j.field("jobname", w.label());
        j.field("groupid", 0);
        j.field("error", 0);
        j.field("eta", 0);
        j.field("elapsed", Math.round(r.elapsedNanos() / 1e9));
        j.beginObject("job options");
        j.field("name", w.label());
        j.field("filename", w.file().toString());
        j.field("rw", w.rw().fioName());
        if (w.rw().mixed()) {
            j.field("rwmixread", Integer.toString(w.rwmixread()));
        }
        j.field("bs", Integer.toString(w.blockSize()));
        j.field("iodepth", Integer.toString(w.iodepth()));
        j.field("direct", w.direct() ? "1" : "0");
        j.field("ioengine", w.engine().cliName());
        j.field("size", Long.toString(w.size()));
        if (w.runtimeNanos() > 0) {
            j.field("runtime", Long.toString(w.runtimeNanos() / 1_000_000) + "ms");
        }
        if (w.rampNanos() > 0) {
            j.field("ramp_time", Long.toString(w.rampNanos() / 1_000_000) + "ms");
        }
        if (w.timeBased()) {
            j.field("time_based", "1");
        }
        j.field("numjobs", Integer.toString(w.numjobs()));
        j.endObject();
        direction(j, "read", r.read(), r.runtimeNanos());
        direction(j, "write", r.write(), r.runtimeNanos());
        long runtimeMs = r.runtimeNanos() / 1_000_000;
        j.field("job_runtime", runtimeMs);
        j.field("usr_cpu", percent(r.cpu().userNanos(), r.runtimeNanos()));
        j.field("sys_cpu", percent(r.cpu().systemNanos(), r.runtimeNanos()));
        j.field("ctx", r.cpu().contextSwitches());
        j.field("majf", r.cpu().majorFaults());
        j.field("minf", r.cpu().minorFaults());
        j.beginObject("jaio");
        j.field("engine", w.engine().cliName());
        j.field("cpu_ms", r.cpu().totalNanos() / 1e6);
        j.field("ios_per_cpu_ms", r.iosPerCpuMs());
        j.field("cpu_scope", "process");
        j.field("mem", w.heapBuffers() ? "heap" : "native");
        j.field("peak_platform_threads", r.peakPlatformThreads());
        dev.jaio.AioEngine.Stats st = r.engineStats();
        if (st != null) {
            j.field("requests_inline", st.inline());
            j.field("requests_to_engine", st.toEngine());
            j.field("blocking_fallbacks", st.blockingFallbacks());
            j.field("io_submit_calls", st.submitCalls());
        }
        j.endObject();
        j.endObject();
    }

    private static double percent(long cpuNanos, long runtimeNanos) {
        return runtimeNanos > 0 ? 100.0 * cpuNanos / runtimeNanos : 0;
    }

    private static void direction(JsonWriter j, String name, JobResult.Direction d, long runtimeNanos) {
        j.beginObject(name);
        j.field("io_bytes", d.bytes());
        j.field("io_kbytes", d.bytes() / 1024);
        j.field("bw_bytes", Math.round(d.bytesPerSecond(runtimeNanos)));
        j.field("bw", Math.round(d.bytesPerSecond(runtimeNanos) / 1024));
        j.field("iops", d.iops(runtimeNanos));
        j.field("runtime", d.ios() > 0 ? runtimeNanos / 1_000_000 : 0);
        j.field("total_ios", d.ios());
        j.field("short_ios", 0);
        j.field("drop_ios", 0);
        latency(j, "clat_ns", d.latency());
        latency(j, "lat_ns", d.latency());
        j.endObject();
    }

    private static void latency(JsonWriter j, String name, Histogram h) {
        long n = h.getTotalCount();
        j.beginObject(name);
        j.field("min", n > 0 ? h.getMinValue() : 0);
        j.field("max", n > 0 ? h.getMaxValue() : 0);
        j.field("mean", n > 0 ? h.getMean() : 0.0);
        j.field("stddev", n > 0 ? h.getStdDeviation() : 0.0);
        j.field("N", n);
        if (n > 0) {
            j.beginObject("percentile");
            for (double p : PERCENTILES) {
                j.field(String.format(Locale.ROOT, "%.6f", p), h.getValueAtPercentile(p));
            }
            j.endObject();
        }
        j.endObject();
    }

    static String version() {
        String v = FioJsonReport.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
