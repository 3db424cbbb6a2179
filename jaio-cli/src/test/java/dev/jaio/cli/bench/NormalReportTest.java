package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class NormalReportTest {
    private static JobResult result() {
        Workload w = new Workload(Path.of("/data/f"), 1L << 30, RwMode.RANDREAD, 50, 4096, 32, true,
                1_001_000_000L, 0, true, 1, EngineKind.AIO);
        Histogram h = IoStats.newHistogram();
        for (int i = 0; i < 8180; i++) {
            h.recordValue(76_000 + i * 100L);
        }
        return new JobResult(w, 0, new JobResult.Direction(8180, 8180L * 4096, h),
                new JobResult.Direction(0, 0, IoStats.newHistogram()), 1_001_000_000L, 1_001_000_000L,
                new CpuUsage(9_000_000L, 127_000_000L, 2013, 15, 0), 1, null);
    }

    @Test
    void shouldLayOutEachFigureWhereFioPutsIt() {
        String text = NormalReport.format(List.of(result()));
        String[] lines = text.split("\n");
        assertTrue(lines[0].startsWith("randread-4KiB-iodepth32") || lines[0].contains(": (groupid=0, jobs=1): err= 0:"),
                lines[0]);
        // fio 3.33 printed, for 8180 reads of 4 KiB in 1001 ms:
        //   read: IOPS=8171, BW=31.9MiB/s (33.5MB/s)(32.0MiB/1001msec)
        assertTrue(text.contains("\n  read: IOPS=8172, BW=31.9MiB/s (33.5MB/s)(32.0MiB/1001msec)\n"), text);
        assertTrue(text.contains("\n    clat (usec): min=76, max=894, avg=484.95, stdev=236.14\n"), text);
        assertTrue(text.contains("\n    clat percentiles (usec):\n     |  1.00th=[   "), text);
        assertTrue(text.contains("], 99.95th=[  894],\n     | 99.99th=[  894]\n"), text);
        assertTrue(text.contains("\n  cpu          : usr=0.90%, sys=12.69%, ctx=2013, majf=0, minf=15\n"), text);
        assertTrue(text.contains("\n     issued rwts: total=8180,0,0,0 short=0,0,0,0 dropped=0,0,0,0\n"), text);
        assertTrue(text.contains("\nRun status group 0 (all jobs):\n   READ: bw=31.9MiB/s (33.5MB/s), "
                + "31.9MiB/s-31.9MiB/s (33.5MB/s-33.5MB/s), io=32.0MiB (33.5MB), run=1001-1001msec\n"), text);
    }

    @Test
    void shouldPrintNumbersAsFiosNum2strDoes() {
        String[] dec = {"", "k", "M", "G", "T", "P"};
        String[] bin = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
        assertEquals("8171", NormalReport.fioNumber(8171, 1000, dec, ""));
        assertEquals("22.5k", NormalReport.fioNumber(22454.4, 1000, dec, ""));
        assertEquals("74.2k", NormalReport.fioNumber(74242, 1000, dec, ""));
        assertEquals("123k", NormalReport.fioNumber(123_456, 1000, dec, ""));
        assertEquals("10.0k", NormalReport.fioNumber(9999.7, 1000, dec, ""));
        assertEquals("31.9MiB/s", NormalReport.fioNumber(33.5e6, 1024, bin, "B/s"));
        assertEquals("0B", NormalReport.fioNumber(0, 1024, bin, "B"));
    }
}
