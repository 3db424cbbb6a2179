package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * jaio's JSON against fio's: one reader ({@link FioJson}) takes the same fields from both, from a fio JSON
 * file made on this project's machine and checked in, from a fio run here when fio is installed, and from
 * jaio's report.
 */
class FioJsonReportTest {
    /** Made with fio 3.33 on this project's machine: {@code fio --name=randread-iodepth4 --size=16M --rw=randread
     * --bs=4k --iodepth=4 --ioengine=libaio --direct=1 --runtime=1 --time_based --output-format=json}. */
    private static final String CHECKED_IN_FIO_JSON = "fio-3.33-libaio-randread.json";

    @TempDir
    Path dir;

    private static JobResult result(long ios) {
        Workload w = new Workload(Path.of("/data/f"), 1L << 30, RwMode.RANDREAD, 50, 4096, 32, true,
                10_000_000_000L, 1_000_000_000L, true, 1, EngineKind.AIO);
        Histogram h = IoStats.newHistogram();
        for (long i = 1; i <= ios; i++) {
            h.recordValue(20_000 + i * 10);
        }
        return new JobResult(w, 0, new JobResult.Direction(ios, ios * 4096, h),
                new JobResult.Direction(0, 0, IoStats.newHistogram()), 2_000_000_000L, 3_000_000_000L,
                new CpuUsage(300_000_000L, 500_000_000L, 1234, 56, 0), 1, null);
    }

    private static void assertReadsLikeFio(FioJson.Report report) {
        assertFalse(report.jobs().isEmpty());
        assertTrue(report.timestamp() > 0);
        for (FioJson.Job job : report.jobs()) {
            assertFalse(job.jobname().isEmpty());
            assertEquals("randread", job.options().get("rw"));
            assertTrue(job.options().containsKey("iodepth") && job.options().containsKey("bs"), job.options()::toString);
            FioJson.Direction r = job.read();
            assertTrue(r.totalIos() > 0 && r.iops() > 0 && r.bwKiB() > 0, r::toString);
            assertEquals(r.totalIos(), r.clatN());
            assertEquals(r.ioBytes(), r.totalIos() * 4096);
            assertTrue(r.clatMeanNs() > 0 && r.latMeanNs() >= r.clatMeanNs(), r::toString);
            assertEquals(List.of("1.000000", "5.000000", "10.000000", "20.000000", "30.000000", "40.000000",
                    "50.000000", "60.000000", "70.000000", "80.000000", "90.000000", "95.000000", "99.000000",
                    "99.500000", "99.900000", "99.950000", "99.990000"), List.copyOf(r.percentiles().keySet()));
            assertTrue(r.percentiles().get("99.000000") >= r.percentiles().get("50.000000"));
            // bw is KiB/s and iops requests/s over the same runtime, in fio and in jaio.
            assertEquals(r.iops() * 4, r.bwKiB(), r.bwKiB() * 0.01 + 1, r::toString);
            assertEquals(0, job.write().totalIos());
            assertTrue(job.usrCpu() + job.sysCpu() > 0 && job.ctx() > 0, job::toString);
        }
    }

    @Test
    void shouldReadTheCheckedInFioJson() throws IOException {
        String json;
        try (InputStream in = getClass().getResourceAsStream(CHECKED_IN_FIO_JSON)) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        FioJson.Report fio = FioJson.read(json);
        assertEquals("fio-3.33", fio.fioVersion());
        assertReadsLikeFio(fio);
    }

    @Test
    @Timeout(120)
    void shouldReadTheJsonOfAFioRunHere() throws Exception {
        Path exe = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(p -> Path.of(p, "fio")).filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(exe != null, "fio is not installed (apt-get install fio): only the checked-in fio JSON "
                + "is compared");
        Path out = dir.resolve("fio.json");
        Process p = new ProcessBuilder(exe.toString(), "--name=randread-tiny", "--filename=" + dir.resolve("f"),
                "--size=4M", "--rw=randread", "--bs=4k", "--iodepth=4", "--ioengine=psync", "--direct=0",
                "--number_ios=256", "--output-format=json", "--output=" + out)
                .redirectErrorStream(true).redirectOutput(dir.resolve("fio.log").toFile()).start();
        assertTrue(p.waitFor(100, TimeUnit.SECONDS), "fio finished");
        assertEquals(0, p.exitValue(), () -> readOrEmpty(dir.resolve("fio.log")));
        FioJson.Report fio = FioJson.read(Files.readString(out));
        assertTrue(fio.fioVersion().startsWith("fio-"), fio.fioVersion());
        assertReadsLikeFio(fio);
    }

    @Test
    void shouldWriteJsonTheFioReaderReads() throws IOException {
        String json = FioJsonReport.format(List.of(result(1000)));
        FioJson.Report jaio = FioJson.read(json);
        assertTrue(jaio.fioVersion().startsWith("jaio-"), jaio.fioVersion());
        assertReadsLikeFio(jaio);
        FioJson.Job job = jaio.jobs().getFirst();
        assertEquals(500.0, job.read().iops(), 1e-6, "1000 reads in 2 s");
        assertEquals(2000, job.read().bwKiB(), "4 KiB x 500/s");
        assertEquals(2000, job.read().runtimeMs());
        assertEquals(15.0, job.usrCpu(), 1e-6);
        assertEquals(25.0, job.sysCpu(), 1e-6);
        assertEquals("32", job.options().get("iodepth"));
        assertEquals(1000.0 / 800, FioJson.tree(json).at("/jobs/0/jaio/ios_per_cpu_ms").asDouble(), 1e-6);
        assertTrue(json.contains("\n  \"jobs\" : [\n"), "indented as fio indents: " + json.substring(0, 200));
    }

    @Test
    void shouldWriteZerosWhereNothingRanAndNoPercentiles() throws IOException {
        String json = FioJsonReport.format(List.of(result(0)));
        FioJson.Job job = FioJson.read(json).jobs().getFirst();
        assertEquals(0, job.read().totalIos());
        assertEquals(0.0, job.read().iops());
        assertTrue(job.read().percentiles().isEmpty());
        assertEquals(0, FioJson.tree(json).at("/jobs/0/trim/total_ios").asLong());
    }

    @Test
    void shouldNameTheFieldAFioToolNeedsWhenItIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FioJson.read("{\"fio version\" : \"fio-3.33\", \"timestamp\" : 1}"));
        assertEquals("fio JSON has no field jobs", e.getMessage());
    }

    private static String readOrEmpty(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
