package dev.jaio.cli.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Results in the shape of fio's {@code --output-format=json}, written with Jackson's streaming generator,
 * for the fields jaio measures: per job, {@code read}/{@code write}/{@code trim} with {@code io_bytes},
 * {@code bw} (KiB/s), {@code iops}, {@code runtime}, {@code total_ios}, {@code clat_ns} and {@code lat_ns}
 * (min, max, mean, stddev, N, percentiles), then {@code job_runtime}, {@code usr_cpu}, {@code sys_cpu},
 * {@code ctx}, {@code majf}, {@code minf} and {@code elapsed}. Latency here runs from the call that issues
 * a request to its completion, so {@code clat_ns} and {@code lat_ns} hold the same numbers and
 * {@code slat_ns} is absent. A {@code jaio} object per job adds what fio lacks (I/Os per CPU millisecond, the peak of live
 * platform threads, and for jaio's engines the requests done inline on the caller's thread and those sent
 * to the engine).
 */
public final class FioJsonReport {
    /** The percentiles fio reports by default. */
    static final double[] PERCENTILES = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private FioJsonReport() {
    }

    /**
     * The JSON document for {@code results}, indented as fio indents it.
     *
     * @param results the jobs, in the order they ran
     * @return the document, ending in a newline
     */
    public static String format(List<JobResult> results) {
        StringWriter out = new StringWriter();
        try (JsonGenerator j = JSON.createGenerator(out)) {
            // fio's layout: two spaces per level, "key" : value, arrays broken over lines like objects.
            DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
                    .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
            pp.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
            j.setPrettyPrinter(pp);
            Instant now = Instant.now();
            j.writeStartObject();
            j.writeStringField("fio version", "jaio-" + version());
            j.writeNumberField("timestamp", now.getEpochSecond());
            j.writeNumberField("timestamp_ms", now.toEpochMilli());
            j.writeStringField("time", DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT)
                    .format(now.atZone(ZoneId.systemDefault())));
            j.writeArrayFieldStart("jobs");
            for (JobResult r : results) {
                job(j, r);
            }
            j.writeEndArray();
            j.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string failed", e); // a StringWriter does not fail
        }
        return out + "\n";
    }

    private static void job(JsonGenerator j, JobResult r) throws IOException {
        Workload w = r.workload();
        j.writeStartObject();
        j.writeStringField("jobname", w.label());
        j.writeNumberField("groupid", 0);
        j.writeNumberField("error", 0);
        j.writeNumberField("eta", 0);
        j.writeNumberField("elapsed", Math.round(r.elapsedNanos() / 1e9));
        j.writeObjectFieldStart("job options");
        j.writeStringField("name", w.label());
        j.writeStringField("filename", w.file().toString());
        j.writeStringField("rw", w.rw().fioName());
        if (w.rw().mixed()) {
            j.writeStringField("rwmixread", Integer.toString(w.rwmixread()));
        }
        j.writeStringField("bs", Integer.toString(w.blockSize()));
        j.writeStringField("iodepth", Integer.toString(w.iodepth()));
        j.writeStringField("direct", w.direct() ? "1" : "0");
        j.writeStringField("ioengine", w.engine().cliName());
        j.writeStringField("size", Long.toString(w.size()));
        if (w.runtimeNanos() > 0) {
            j.writeStringField("runtime", w.runtimeNanos() / 1_000_000 + "ms");
        }
        if (w.rampNanos() > 0) {
            j.writeStringField("ramp_time", w.rampNanos() / 1_000_000 + "ms");
        }
        if (w.timeBased()) {
            j.writeStringField("time_based", "1");
        }
        j.writeStringField("numjobs", Integer.toString(w.numjobs()));
        j.writeEndObject();
        direction(j, "read", r.read(), r.runtimeNanos());
        direction(j, "write", r.write(), r.runtimeNanos());
        direction(j, "trim", new JobResult.Direction(0, 0, IoStats.newHistogram()), r.runtimeNanos());
        j.writeNumberField("job_runtime", r.runtimeNanos() / 1_000_000);
        decimal(j, "usr_cpu", percent(r.cpu().userNanos(), r.runtimeNanos()));
        decimal(j, "sys_cpu", percent(r.cpu().systemNanos(), r.runtimeNanos()));
        j.writeNumberField("ctx", r.cpu().contextSwitches());
        j.writeNumberField("majf", r.cpu().majorFaults());
        j.writeNumberField("minf", r.cpu().minorFaults());
        j.writeObjectFieldStart("jaio");
        j.writeStringField("engine", w.engine().cliName());
        decimal(j, "cpu_ms", r.cpu().totalNanos() / 1e6);
        decimal(j, "ios_per_cpu_ms", r.iosPerCpuMs());
        j.writeStringField("cpu_scope", "process");
        j.writeStringField("mem", w.heapBuffers() ? "heap" : "native");
        j.writeNumberField("peak_platform_threads", r.peakPlatformThreads());
        dev.jaio.AioEngine.Stats st = r.engineStats();
        if (st != null) {
            j.writeNumberField("requests_inline", st.inline());
            j.writeNumberField("requests_to_engine", st.toEngine());
            j.writeNumberField("blocking_fallbacks", st.blockingFallbacks());
            j.writeNumberField("io_submit_calls", st.submitCalls());
        }
        j.writeEndObject();
        j.writeEndObject();
    }

    private static double percent(long cpuNanos, long runtimeNanos) {
        return runtimeNanos > 0 ? 100.0 * cpuNanos / runtimeNanos : 0;
    }

    private static void direction(JsonGenerator j, String name, JobResult.Direction d, long runtimeNanos)
            throws IOException {
        j.writeObjectFieldStart(name);
        j.writeNumberField("io_bytes", d.bytes());
        j.writeNumberField("io_kbytes", d.bytes() / 1024);
        j.writeNumberField("bw_bytes", Math.round(d.bytesPerSecond(runtimeNanos)));
        j.writeNumberField("bw", Math.round(d.bytesPerSecond(runtimeNanos) / 1024));
        decimal(j, "iops", d.iops(runtimeNanos));
        j.writeNumberField("runtime", d.ios() > 0 ? runtimeNanos / 1_000_000 : 0);
        j.writeNumberField("total_ios", d.ios());
        j.writeNumberField("short_ios", 0);
        j.writeNumberField("drop_ios", 0);
        latency(j, "clat_ns", d.latency());
        latency(j, "lat_ns", d.latency());
        j.writeEndObject();
    }

    private static void latency(JsonGenerator j, String name, Histogram h) throws IOException {
        long n = h.getTotalCount();
        j.writeObjectFieldStart(name);
        j.writeNumberField("min", n > 0 ? h.getMinValue() : 0);
        j.writeNumberField("max", n > 0 ? h.getMaxValue() : 0);
        decimal(j, "mean", n > 0 ? h.getMean() : 0.0);
        decimal(j, "stddev", n > 0 ? h.getStdDeviation() : 0.0);
        j.writeNumberField("N", n);
        if (n > 0) {
            j.writeObjectFieldStart("percentile");
            for (double p : PERCENTILES) {
                j.writeNumberField(String.format(Locale.ROOT, "%.6f", p), h.getValueAtPercentile(p));
            }
            j.writeEndObject();
        }
        j.writeEndObject();
    }

    /** A number with six decimals, as fio prints its doubles; NaN and infinities, which JSON lacks, become 0. */
    private static void decimal(JsonGenerator j, String name, double value) throws IOException {
        j.writeFieldName(name);
        j.writeNumber(Double.isFinite(value) ? String.format(Locale.ROOT, "%.6f", value) : "0.000000");
    }

    static String version() {
        String v = FioJsonReport.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
