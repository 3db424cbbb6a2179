package dev.jaio.nio;

import dev.jaio.testing.ChildJvm;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native memory per thread and per request is bounded: 100,000 virtual threads, at most 1,000 reading at
 * once, each doing one 512-byte read into a heap buffer, through the JDK's FileChannel and through
 * jaio's, each in a child JVM with the same heap settings. What the 100,000 threads add to the peak
 * resident size over a run of 1,000 (the fixed cost: jaio's engine and classes) must stay within 1.5x
 * of what they add on the JDK, jaio's staging memory within what the concurrent reads need, and its
 * per-call scratch within a few blocks, however many threads ran.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class VirtualThreadMemoryTest {
    private static final Pattern HWM = Pattern.compile("VmHWM: (\\d+) kB");
    private static final int CONCURRENCY = 1000;

    @TempDir
    Path dir;

    private String run(String impl, Path file, int threads) throws Exception {
        return run(impl, file, threads, List.of("-Xmx256m", "-Xmn32m", "-XX:+UseSerialGC"),
                Integer.toString(CONCURRENCY));
    }

    private String run(String impl, Path file, int threads, List<String> jvm, String... concurrency)
            throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(impl, file.toString(), Integer.toString(threads)));
        args.addAll(List.of(concurrency));
        try (ChildJvm.Running child = ChildJvm.of(VirtualThreadMemoryProbe.class, args.toArray(String[]::new))
                .sameEngine().jvmOptions(jvm).start()) {
            String out = child.readAll();
            System.out.println(impl + " " + threads + " threads: " + out.strip());
            assertTrue(out.contains("reads=" + threads + " bytes=" + 512L * threads + " failures=0"), out);
            return out;
        }
    }

    private static long kb(String out) {
        Matcher m = HWM.matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    private static long value(String out, String key) {
        Matcher m = Pattern.compile(key + "=(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void shouldAddNoMoreResidentMemoryPerThreadThanTheJdk() throws Exception {
        Path file = dir.resolve("data");
        byte[] data = new byte[4 << 20];
        new Random(1).nextBytes(data);
        Files.write(file, data);
        long jdkBase = kb(run("JDK", file, 1_000));
        long jdkPeak = kb(run("JDK", file, 100_000));
        long jaioBase = kb(run("JAIO", file, 1_000));
        String jaio = run("JAIO", file, 100_000);
        long jaioPeak = kb(jaio);
        long jdkGrowth = Math.max(0, jdkPeak - jdkBase);
        long jaioGrowth = Math.max(0, jaioPeak - jaioBase);
        System.out.println("peak VmHWM: JDK " + jdkPeak + " kB (+" + jdkGrowth + " over 1,000 threads), jaio "
                + jaioPeak + " kB (+" + jaioGrowth + ")");
        // 8 MB of slack for the noise of a shared machine (the growth itself is about 30 MB on each).
        assertTrue(jaioGrowth <= jdkGrowth * 3 / 2 + 8 * 1024,
                "jaio grew by " + jaioGrowth + " kB, the JDK by " + jdkGrowth + " kB");
        assertTrue(value(jaio, "stagedPeakBytes") <= (long) CONCURRENCY * 4096, jaio);
        assertTrue(value(jaio, "scratchBlocks") <= 64, jaio);
    }

    /**
     * The program as a user would write it: a million virtual threads at once, each one cached 512-byte
     * read into a heap buffer, on the serial collector (whose heap grows only as it must, so the peak
     * measures what the program holds rather than the collector's headroom). Cached reads are done on the
     * reading thread (the inline path), so no thread parks holding a request, and the peak stays the JDK's.
     */
    @Test
    void shouldPeakWithinOneAndAHalfTimesTheJdkForAMillionThreadsAtOnce() throws Exception {
        Path file = dir.resolve("data");
        byte[] data = new byte[4 << 20];
        new Random(2).nextBytes(data);
        Files.write(file, data);
        long jdk = kb(run("JDK", file, 1_000_000, List.of("-XX:+UseSerialGC")));
        long jaio = kb(run("JAIO", file, 1_000_000, List.of("-XX:+UseSerialGC")));
        System.out.println("a million virtual threads, peak VmHWM: JDK " + jdk + " kB, jaio " + jaio + " kB");
        assertTrue(jaio <= jdk * 3 / 2, "jaio peaked at " + jaio + " kB, the JDK at " + jdk + " kB");
    }
}
