package dev.jaio.cli;

import dev.jaio.cli.bench.BenchException;
import dev.jaio.cli.bench.BenchRunner;
import dev.jaio.cli.bench.EngineKind;
import dev.jaio.cli.bench.FioJsonReport;
import dev.jaio.cli.bench.JobResult;
import dev.jaio.cli.bench.NormalReport;
import dev.jaio.cli.bench.RwMode;
import dev.jaio.cli.bench.Sweep;
import dev.jaio.cli.bench.SweepChart;
import dev.jaio.cli.bench.TestFile;
import dev.jaio.cli.bench.Units;
import dev.jaio.cli.bench.Workload;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jaio bench}: a fio-like benchmark of kernel AIO through jaio against the JDK's ways of doing file
 * I/O. Option names and meanings follow fio's; on its own it lays out a file in a temporary directory,
 * runs 4 KiB O_DIRECT random reads at iodepth 32 on jaio's engine, and deletes the file.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Benchmark file I/O the way fio does: kernel AIO through jaio, or the JDK's channels.",
            "With no options: a 256 MiB file in a temporary directory, 4 KiB random O_DIRECT reads, "
                    + "iodepth 32, ioengine aio, 1 s ramp then 10 s; the file is deleted afterwards."},
        footer = {"",
            "Differences from fio: runs are time based unless --time_based=0; --ramp_time defaults to 1s, after "
                    + "a 2 s --warmup on a scratch file (the JIT compiles); --direct defaults to 1; CPU is the whole "
                    + "process's; latency runs from the call that issues a request to its completion (fio's lat).",
            "Examples:",
            "  jaio bench --rw=randread --bs=4k --iodepth=128 --ioengine=aio-raw",
            "  jaio bench --sweep iodepth=1,4,16,32,128 --sweep ioengine=aio,jdk-threads",
            "  jaio bench --filename=/data/f --size=1G --rw=read --bs=1M --output-format=json"})
final class BenchCommand implements Callable<Integer> {
    /** The size of the temporary file when none is given: laid out in well under a second here. */
    static final String DEFAULT_SIZE = "256M";

    @Option(names = "--filename", paramLabel = "FILE",
            description = "File to run on; laid out (and kept) if smaller than --size. Default: a temporary file, deleted afterwards.")
    Path filename;

    @Option(names = "--directory", paramLabel = "DIR",
            description = "Where the temporary file goes when --filename is not given (default: java.io.tmpdir).")
    Path directory;

    @Option(names = "--size", defaultValue = DEFAULT_SIZE, paramLabel = "SIZE",
            description = "Region of the file to do I/O on (k, m, g: powers of 1024). Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = "--rw", defaultValue = "randread", paramLabel = "MODE",
            description = "read, write, randread, randwrite, rw, randrw. Default: ${DEFAULT-VALUE}.")
    RwMode rw;

    @Option(names = "--rwmixread", defaultValue = "50", paramLabel = "PCT",
            description = "Percentage of reads for rw and randrw. Default: ${DEFAULT-VALUE}.")
    int rwmixread;

    @Option(names = "--bs", defaultValue = "4k", paramLabel = "SIZE", description = "Block size. Default: ${DEFAULT-VALUE}.")
    String bs;

    @Option(names = "--iodepth", defaultValue = "32", paramLabel = "N",
            description = "Requests kept in flight per job. Default: ${DEFAULT-VALUE}.")
    int iodepth;

    @Option(names = "--direct", defaultValue = "1", arity = "1", paramLabel = "0|1", converter = FioBoolean.class,
            description = "O_DIRECT. Default: ${DEFAULT-VALUE}.")
    boolean direct;

    @Option(names = "--runtime", defaultValue = "10s", paramLabel = "TIME",
            description = "How long to measure (s by default; us, ms, m, h). Default: ${DEFAULT-VALUE}.")
    String runtime;

    @Option(names = "--ramp_time", defaultValue = "1s", paramLabel = "TIME",
            description = "How long to run before measuring. Default: ${DEFAULT-VALUE}.")
    String rampTime;

    @Option(names = "--warmup", defaultValue = "2s", paramLabel = "TIME",
            description = "Before a run (in a sweep, the first of each engine and kind), the same engine does small "
                    + "requests of the same kind on a scratch file "
                    + "beside the test file for this long, unmeasured, so that the JIT has compiled the request path "
                    + "before the ramp (0: none). Not in fio. Default: ${DEFAULT-VALUE}.")
    String warmup;

    @Option(names = "--time_based", defaultValue = "1", arity = "0..1", fallbackValue = "1", paramLabel = "0|1",
            converter = FioBoolean.class,
            description = "Run for --runtime, going over the file again as needed; 0 stops after --size bytes. Default: 1.")
    boolean timeBased;

    @Option(names = "--numjobs", defaultValue = "1", paramLabel = "N", description = "Jobs at once. Default: ${DEFAULT-VALUE}.")
    int numjobs;

    @Option(names = "--ioengine", defaultValue = "aio", paramLabel = "ENGINE", converter = EngineConverter.class,
            description = "aio (jaio's engine), aio-eager (the same, every follow-up submitted at once), aio-raw (a bare "
                    + "AioContext loop), uring (jaio's engine on io_uring), uring-raw (a bare IoUring loop), jdk-async "
                    + "(AsynchronousFileChannel), "
                    + "jdk-threads (FileChannel positional I/O on iodepth platform threads per job), jdk-vthreads (the "
                    + "same on iodepth virtual threads per job), aio-threads (jaio's AioFileChannel on iodepth platform "
                    + "threads per job), aio-vthreads (the same on virtual threads). The thread engines run numjobs x "
                    + "iodepth threads in all. "
                    + "Default: ${DEFAULT-VALUE}.")
    EngineKind ioengine;

    @Option(names = "--mem", defaultValue = "native", paramLabel = "native|heap",
            description = "Buffer memory, as fio's --mem: native (default) or heap (heap ByteBuffers; the thread "
                    + "engines, aio and aio-eager).")
    MemKind mem;

    /** {@code --mem} choices. */
    enum MemKind { NATIVE, HEAP }

    @Option(names = "--output-format", defaultValue = "normal", paramLabel = "FORMAT",
            description = "normal or json (fio's JSON shape). Default: ${DEFAULT-VALUE}.")
    OutputFormat outputFormat;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the report here instead of standard output.")
    Path output;

    @Option(names = "--sweep", paramLabel = "KEY=V1,V2", converter = SweepConverter.class,
            description = "Run a grid over iodepth, ioengine, bs, rw or numjobs (repeatable), and draw a chart.")
    List<Sweep> sweeps = new ArrayList<>();

    @Option(names = "--chart", defaultValue = "jaio-sweep.svg", paramLabel = "FILE",
            description = "Where a sweep's chart goes (.svg or .png); the other format is written beside it, "
                    + "with the same name. Default: ${DEFAULT-VALUE}.")
    Path chart;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Whether nothing has been written to {@code --output} yet: the first report replaces the file. */
    private boolean firstEmit = true;

    /** fio's report formats. */
    enum OutputFormat { NORMAL, JSON }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Workload base;
        try {
            base = workload(filename != null ? filename : Path.of("jaio-bench.dat"));
            if (!sweeps.isEmpty()) {
                SweepChart.Format.of(chart);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        long warmupNanos;
        try {
            warmupNanos = Units.parseDurationNanos(warmup);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--warmup: " + e.getMessage(), e);
        }
        List<Workload> grid = Sweep.grid(base, sweeps);
        Path tempDir = null;
        Path file = filename;
        try {
            if (file == null) {
                tempDir = directory != null ? Files.createTempDirectory(directory, "jaio-bench")
                        : Files.createTempDirectory("jaio-bench");
                file = tempDir.resolve("jaio-bench.dat");
            }
            long layout = grid.stream().mapToLong(Workload::size).max().orElse(base.size());
            long t0 = System.nanoTime();
            if (TestFile.prepare(file, layout)) {
                err.printf(Locale.ROOT, "jaio bench: laid out %s (%s) in %.1f s%n", file, Units.formatBytes(layout),
                        (System.nanoTime() - t0) / 1e9);
            }
            PrintStream progress = isTerminal() ? System.err : null;
            java.util.Set<String> warmed = new java.util.HashSet<>();
            List<JobResult> all = new ArrayList<>();
            List<SweepChart.Point> points = new ArrayList<>();
            for (Workload w0 : grid) {
                Workload w = withFile(w0, file);
                if (grid.size() > 1 && outputFormat == OutputFormat.NORMAL) {
                    err.println("jaio bench: running " + w.label());
                }
                // Once per kind of request path: a sweep's later points of the same engine find it compiled.
                if (warmed.add(w.engine() + " " + w.rw() + " " + w.direct() + " " + w.heapBuffers())) {
                    BenchRunner.warmUp(w, warmupNanos);
                }
                List<JobResult> results = BenchRunner.run(w, progress);
                all.addAll(results);
                if (grid.size() > 1) {
                    points.add(point(w, results));
                }
                if (outputFormat == OutputFormat.NORMAL) {
                    emit(NormalReport.format(results), grid.size() > 1);
                }
            }
            if (outputFormat == OutputFormat.JSON) {
                emit(FioJsonReport.format(all), false);
            }
            if (grid.size() > 1) {
                writeChart(points, err);
            }
            return Main.EXIT_OK;
        } catch (BenchException e) {
            err.flush();
            err.println("jaio bench: " + e.getMessage());
            return Main.EXIT_FAILURE;
        } catch (IOException e) {
            err.println("jaio bench: " + e);
            return Main.EXIT_FAILURE;
        } finally {
            err.flush();
            if (tempDir != null) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(tempDir);
            }
        }
    }

    private void emit(String text, boolean append) throws IOException {
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(text);
            out.flush();
        } else if (append && !firstEmit) {
            Files.writeString(output, text, java.nio.file.StandardOpenOption.APPEND);
        } else {
            Files.writeString(output, text);
        }
        firstEmit = false;
    }

    Workload workload(Path file) {
        long sizeBytes = Units.parseSize(size);
        long bsBytes = Units.parseSize(bs);
        if (bsBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bs must fit in an int: bs=" + bs);
        }
        boolean heap = mem == MemKind.HEAP;
        if (heap && (ioengine == EngineKind.AIO_RAW || ioengine == EngineKind.JDK_ASYNC)) {
            throw new IllegalArgumentException("--mem=heap is not supported by ioengine=" + ioengine.cliName()
                    + ": use a thread engine, aio or aio-eager");
        }
        return new Workload(file, sizeBytes, rw, rwmixread, (int) bsBytes, iodepth, direct,
                Units.parseDurationNanos(runtime), Units.parseDurationNanos(rampTime), timeBased, numjobs, ioengine,
                heap);
    }

    private static Workload withFile(Workload w, Path file) {
        return new Workload(file, w.size(), w.rw(), w.rwmixread(), w.blockSize(), w.iodepth(), w.direct(),
                w.runtimeNanos(), w.rampNanos(), w.timeBased(), w.numjobs(), w.engine(), w.heapBuffers());
    }

    private SweepChart.Point point(Workload w, List<JobResult> results) {
        String xKey = xKey();
        double iops = 0;
        long ios = 0;
        long cpuNanos = 0;
        Histogram lat = new Histogram(3);
        for (JobResult r : results) {
            iops += r.totalIops();
            ios += r.read().ios() + r.write().ios();
            cpuNanos += r.cpu().totalNanos();
            lat.add(r.combinedLatency());
        }
        String series = sweeps.stream().filter(s -> !s.key().equals(xKey))
                .map(s -> s.key().equals("ioengine") ? w.engine().cliName() : s.key() + "=" + valueOf(w, s.key()))
                .collect(Collectors.joining(" "));
        return new SweepChart.Point(series.isEmpty() ? w.engine().cliName() : series, valueOf(w, xKey), iops,
                lat.getTotalCount() > 0 ? lat.getValueAtPercentile(99) / 1e3 : 0,
                cpuNanos > 0 ? ios / (cpuNanos / 1e6) : 0);
    }

    private String xKey() {
        return sweeps.stream().anyMatch(s -> s.key().equals("iodepth")) ? "iodepth" : sweeps.getFirst().key();
    }

    private static String valueOf(Workload w, String key) {
        return switch (key) {
            case "iodepth" -> Integer.toString(w.iodepth());
            case "ioengine" -> w.engine().cliName();
            case "bs" -> Units.formatBytes(w.blockSize());
            case "rw" -> w.rw().fioName();
            case "numjobs" -> Integer.toString(w.numjobs());
            default -> throw new IllegalStateException("unknown sweep key: key=" + key);
        };
    }

    private void writeChart(List<SweepChart.Point> points, PrintWriter err) throws IOException {
        String xKey = xKey();
        boolean numeric = xKey.equals("iodepth") || xKey.equals("numjobs");
        Workload first = workload(Path.of("-"));
        String title = "jaio bench: " + first.rw().fioName() + ", bs=" + Units.formatBytes(first.blockSize())
                + ", direct=" + (first.direct() ? 1 : 0) + ", sweep " + sweeps.stream()
                .map(s -> s.key() + "=" + String.join(",", s.values())).collect(Collectors.joining(" "));
        Path parent = chart.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // charts are files: no display needed, nor wanted
        }
        SweepChart.Format format = SweepChart.Format.of(chart);
        SweepChart.Format other = format == SweepChart.Format.SVG ? SweepChart.Format.PNG : SweepChart.Format.SVG;
        SweepChart drawn = SweepChart.of(title, xKey, numeric, points);
        drawn.write(chart, format);
        drawn.write(other.sibling(chart), other);
        err.println("jaio bench: chart written to " + chart + " and " + other.sibling(chart));
        err.printf(Locale.ROOT, "%-28s %-10s %12s %12s %16s%n", "series", xKey, "IOPS", "p99 (us)", "I/Os per CPU-ms");
        for (SweepChart.Point p : points) {
            err.printf(Locale.ROOT, "%-28s %-10s %12.0f %12.1f %16.1f%n", p.series(), p.x(), p.iops(), p.p99Us(),
                    p.iosPerCpuMs());
        }
    }

    /** Whether standard output is a terminal: {@code System.console()} is null or, on JDK 22+, not a terminal. */
    static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** fio's booleans: 1/0, true/false, yes/no, on/off. */
    static final class FioBoolean implements CommandLine.ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "1", "true", "yes", "on" -> true;
                case "0", "false", "no", "off" -> false;
                default -> throw new CommandLine.TypeConversionException("expected 0 or 1: value=" + value);
            };
        }
    }

    /** {@code --ioengine} names, with dashes. */
    static final class EngineConverter implements CommandLine.ITypeConverter<EngineKind> {
        @Override
        public EngineKind convert(String value) {
            try {
                return EngineKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --sweep key=v1,v2}. */
    static final class SweepConverter implements CommandLine.ITypeConverter<Sweep> {
        @Override
        public Sweep convert(String value) {
            try {
                return Sweep.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
