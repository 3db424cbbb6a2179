package dev.jaio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.cli.bench.EngineKind;
import dev.jaio.cli.bench.FioJson;
import dev.jaio.cli.bench.RwMode;
import dev.jaio.cli.bench.Workload;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class BenchCommandTest {
    @TempDir
    Path dir;

    private static BenchCommand parse(String... args) {
        CommandLine cl = Main.commandLine();
        CommandLine.ParseResult r = cl.parseArgs(prepend("bench", args));
        return (BenchCommand) r.subcommand().commandSpec().userObject();
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private record Run(int exit, String out, String err) {
    }

    /** Runs {@code jaio bench} with {@code args}, and with no warm-up unless they ask for one. */
    private static Run run(String... args) {
        if (java.util.Arrays.stream(args).noneMatch(a -> a.startsWith("--warmup"))) {
            String[] more = java.util.Arrays.copyOf(args, args.length + 1);
            more[args.length] = "--warmup=0";
            args = more;
        }
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(prepend("bench", args));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void shouldDefaultToFourKiBRandomDirectReadsAtDepth32OnAio() {
        Workload w = parse().workload(Path.of("f"));
        assertEquals(256L << 20, w.size());
        assertEquals(RwMode.RANDREAD, w.rw());
        assertEquals(4096, w.blockSize());
        assertEquals(32, w.iodepth());
        assertTrue(w.direct());
        assertEquals(EngineKind.AIO, w.engine());
        assertTrue(w.timeBased());
        assertEquals(10_000_000_000L, w.runtimeNanos());
        assertEquals(1, w.numjobs());
    }

    @Test
    void shouldParseFioOptionNamesAndValues() {
        Workload w = parse("--filename=/x", "--size=1g", "--rw=randrw", "--rwmixread=70", "--bs=1M", "--iodepth", "128",
                "--direct=0", "--runtime=500ms", "--ramp_time=2", "--numjobs=2", "--ioengine=jdk-vthreads",
                "--time_based=0").workload(Path.of("/x"));
        assertEquals(1L << 30, w.size());
        assertEquals(RwMode.RANDRW, w.rw());
        assertEquals(70, w.rwmixread());
        assertEquals(1 << 20, w.blockSize());
        assertEquals(128, w.iodepth());
        assertFalse(w.direct());
        assertEquals(500_000_000L, w.runtimeNanos());
        assertEquals(2_000_000_000L, w.rampNanos());
        assertEquals(2, w.numjobs());
        assertEquals(EngineKind.JDK_VTHREADS, w.engine());
        assertFalse(w.timeBased());
        assertEquals(BenchCommand.OutputFormat.JSON, parse("--output-format=json").outputFormat);
        assertFalse(parse("--direct", "0").direct, "a value after a space, as fio's users may write it");
        assertTrue(parse("--direct", "true").direct);
        assertTrue(parse("--time_based").timeBased, "--time_based alone turns it on, as in fio");
    }

    @Test
    void shouldAcceptEveryEngineName() {
        for (EngineKind k : EngineKind.values()) {
            assertEquals(k, parse("--ioengine=" + k.cliName()).ioengine);
        }
    }

    @Test
    void shouldListEveryEngineInItsHelp() {
        Run r = run("--help");
        assertEquals(Main.EXIT_OK, r.exit(), r.err());
        String help = r.out().replaceAll("\\s+", " ");
        for (EngineKind k : EngineKind.values()) {
            assertTrue(help.contains(k.cliName() + " ("), k.cliName() + " is missing from: " + help);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "aio-eager", "aio-vthreads"})
    @Timeout(60)
    void shouldRunEachJaioEngineThroughTheWholeSize(String engine) throws Exception {
        Path file = dir.resolve("f.dat");
        Path json = dir.resolve("out.json");
        Run r = run("--filename=" + file, "--size=1m", "--bs=4k", "--ioengine=" + engine, "--rw=randrw",
                "--time_based=0", "--ramp_time=0", "--iodepth=8", "--numjobs=2", "--output-format=json",
                "--output=" + json);
        assertEquals(Main.EXIT_OK, r.exit(), r.err());
        List<FioJson.Job> jobs = FioJson.read(Files.readString(json)).jobs();
        assertEquals(2, jobs.size());
        long ios = 0;
        for (FioJson.Job job : jobs) {
            ios += job.read().totalIos() + job.write().totalIos();
        }
        assertEquals(512, ios, "two jobs, each 1 MiB of 4 KiB requests");
    }

    @Test
    void shouldRejectUnknownEngineWithUsageExit() {
        Run r = run("--ioengine=libaio");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("unknown ioengine"), r.err());
    }

    @Test
    void shouldRejectBadSizeAndSweepWithUsageExit() {
        assertEquals(Main.EXIT_USAGE, run("--size=12q").exit());
        assertEquals(Main.EXIT_USAGE, run("--sweep", "depth=1,2").exit());
        assertEquals(Main.EXIT_USAGE, run("--rw=sideways").exit());
        assertEquals(Main.EXIT_USAGE, run("--direct=2").exit());
    }

    @Test
    @Timeout(60)
    void shouldWarmUpOnAScratchFileLeftOutOfTheReportAndRemoved() throws Exception {
        Path file = dir.resolve("f.dat");
        Path json = dir.resolve("out.json");
        Run r = run("--filename=" + file, "--size=2m", "--ioengine=aio", "--time_based=0", "--ramp_time=0",
                "--warmup=300ms", "--iodepth=4", "--output-format=json", "--output=" + json);
        assertEquals(Main.EXIT_OK, r.exit(), r.err());
        FioJson.Job job = FioJson.read(Files.readString(json)).jobs().getFirst();
        assertEquals(512, job.read().totalIos(), "the 2 MiB of the run, none of the warm-up's requests");
        try (var left = Files.list(dir)) {
            assertEquals(java.util.Set.of(file, json), java.util.Set.copyOf(left.toList()),
                    "the warm-up's scratch file is gone");
        }
    }

    @Test
    void shouldRejectABadWarmupWithUsageExit() {
        Run r = run("--warmup=soon");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("--warmup"), r.err());
    }

    @Test
    @Timeout(60)
    void shouldWriteFioJsonWithTheFieldsFioToolsRead() throws Exception {
        Path file = dir.resolve("f.dat");
        Path json = dir.resolve("out.json");
        Run r = run("--filename=" + file, "--size=2m", "--ioengine=aio-raw", "--time_based=0", "--ramp_time=0",
                "--iodepth=4", "--output-format=json", "--output=" + json);
        assertEquals(Main.EXIT_OK, r.exit(), r.err());
        FioJson.Report doc = FioJson.read(Files.readString(json));
        assertTrue(doc.fioVersion().startsWith("jaio-"), doc.fioVersion());
        assertEquals(1, doc.jobs().size());
        FioJson.Job job = doc.jobs().getFirst();
        FioJson.Direction read = job.read();
        assertEquals(512, read.totalIos(), "2 MiB of 4 KiB reads");
        assertEquals(read.totalIos() * 4096, read.ioBytes());
        // runtime is whole milliseconds (rounded down), iops comes from the nanosecond runtime.
        double ios = read.totalIos();
        assertTrue(read.iops() <= ios / (read.runtimeMs() / 1000.0) && read.iops() >= ios / ((read.runtimeMs() + 1) / 1000.0),
                "iops=" + read.iops());
        assertTrue(read.bwKiB() > 0);
        assertTrue(read.clatMeanNs() > 0);
        assertEquals(read.totalIos(), read.clatN());
        assertTrue(read.percentiles().containsKey("50.000000") && read.percentiles().containsKey("99.000000"),
                read.percentiles().keySet()::toString);
        assertTrue(read.percentiles().get("99.000000") >= read.percentiles().get("50.000000"));
        assertEquals(0, job.write().totalIos());
        assertTrue(job.usrCpu() + job.sysCpu() > 0);
        var tree = FioJson.tree(Files.readString(json)).at("/jobs/0");
        assertTrue(tree.get("job_runtime").asLong() > 0);
        assertTrue(tree.has("elapsed"));
        assertEquals("randread", job.options().get("rw"));
        assertEquals("4", job.options().get("iodepth"));
        assertTrue(tree.at("/jaio/ios_per_cpu_ms").asDouble() > 0);
    }

    @Test
    @Timeout(120)
    void shouldRunJaiosBlockingChannelOnThreadsAndCountTheInlinePath() throws Exception {
        Path file = dir.resolve("f.dat");
        for (String engine : List.of("aio-threads", "aio-vthreads")) {
            for (String direct : List.of("0", "1")) {
                Path json = dir.resolve(engine + direct + ".json");
                Run r = run("--filename=" + file, "--size=2m", "--ioengine=" + engine, "--time_based=0",
                        "--ramp_time=0", "--iodepth=4", "--bs=4k", "--direct=" + direct,
                        "--mem=" + (direct.equals("0") ? "heap" : "native"), "--output-format=json",
                        "--output=" + json);
                assertEquals(Main.EXIT_OK, r.exit(), r.err());
                var job = FioJson.tree(Files.readString(json)).at("/jobs/0");
                long ios = job.at("/read/total_ios").asLong();
                assertEquals(512, ios, "2 MiB of 4 KiB reads");
                long inline = job.at("/jaio/requests_inline").asLong();
                long toEngine = job.at("/jaio/requests_to_engine").asLong();
                assertEquals(ios, inline + toEngine, "every request took one path");
                if (direct.equals("1")) {
                    assertEquals(0, inline, "O_DIRECT requests always go to the engine");
                }
                assertTrue(job.at("/jaio/peak_platform_threads").asLong() >= 1);
                assertEquals(direct.equals("0") ? "heap" : "native", job.at("/jaio/mem").asText());
            }
        }
    }

    @Test
    void shouldRefuseHeapMemoryForAnEngineThatCannotUseIt() {
        Run r = run("--ioengine=aio-raw", "--mem=heap");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("--mem=heap is not supported by ioengine=aio-raw"), r.err());
    }

    @Test
    @Timeout(60)
    void shouldPrintNormalReportWithCpuCostAndDeleteItsTemporaryFile() throws Exception {
        Run r = run("--directory=" + dir, "--size=1m", "--ioengine=aio-raw", "--time_based=0", "--ramp_time=0",
                "--rw=randwrite", "--bs=8k");
        assertEquals(Main.EXIT_OK, r.exit(), r.err());
        assertTrue(r.out().contains("write: IOPS="), r.out());
        assertTrue(r.out().contains("I/Os per CPU-ms"), r.out());
        assertTrue(r.out().contains("99.00th="), r.out());
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "the temporary directory and file are gone");
        }
    }

    @Test
    @Timeout(60)
    void shouldStopAfterSizeBytesWhenNotTimeBased() throws Exception {
        Path file = dir.resolve("f.dat");
        Path json = dir.resolve("out.json");
        Run r = run("--filename=" + file, "--size=1m", "--bs=4k", "--ioengine=aio-raw", "--rw=read",
                "--time_based=0", "--runtime=30", "--ramp_time=0", "--iodepth=8", "--output-format=json",
                "--output=" + json);
        assertEquals(Main.EXIT_OK, r.exit(), r.err());
        assertEquals(256, FioJson.read(Files.readString(json)).jobs().getFirst().read().totalIos());
        assertTrue(Files.size(file) >= 1 << 20, "a named file is kept");
    }

    @Test
    @Timeout(120)
    void shouldWriteSweepChartWithALinePerEngine() throws Exception {
        Path file = dir.resolve("f.dat");
        Path chart = dir.resolve("sweep.svg");
        Run r = run("--filename=" + file, "--size=1m", "--time_based=0", "--ramp_time=0",
                "--sweep", "iodepth=1,4", "--sweep", "ioengine=aio-raw,jdk-threads", "--chart=" + chart);
        assertEquals(Main.EXIT_OK, r.exit(), r.err());
        String svg = Files.readString(chart);
        assertTrue(svg.contains("<svg") && svg.contains("sweep iodepth=1,4 ioengine=aio-raw,jdk-threads"), svg);
        var png = ImageIO.read(dir.resolve("sweep.png").toFile());
        assertEquals(3 * 460, png.getWidth(), "three panels side by side");
        assertTrue(r.err().contains("chart written to"), r.err());
        assertTrue(r.err().contains("I/Os per CPU-ms") && r.err().contains("aio-raw") && r.err().contains("jdk-threads"),
                r.err());
        assertEquals(4, r.out().split("clat percentiles", -1).length - 1, "one report per grid point");
    }
}
