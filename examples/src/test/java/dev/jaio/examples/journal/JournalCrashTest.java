package dev.jaio.examples.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a journal writer process with SIGKILL at random moments, many times, and checks after each kill
 * that every acknowledged record is present and intact, and that recovery returned only intact,
 * consecutive records (nothing read past a torn one: the next rounds would trip over it otherwise).
 */
class JournalCrashTest {
    private static final int ROUNDS = Integer.getInteger("jaio.crash.rounds", 16);
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldKeepEveryAcknowledgedRecordAcrossSigkills() throws Exception {
        Random random = new Random(Long.getLong("jaio.crash.seed", System.nanoTime()));
        Map<Long, long[]> acknowledged = new HashMap<>(); // sequence -> {thread, index}
        long start = System.nanoTime();
        int rounds = 0;
        long totalAcks = 0;
        for (int round = 0; round < ROUNDS && System.nanoTime() - start < BUDGET_NANOS; round++) {
            Journal.Durability d = round % 2 == 0 ? Journal.Durability.FDATASYNC : Journal.Durability.DSYNC_WRITES;
            List<String> lines = runAndKill(round, d, 50 + random.nextInt(400));
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f.length == 5 && f[0].equals("ack") && f[4].equals("ok")) {
                    acknowledged.put(Long.parseLong(f[1]), new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                    totalAcks++;
                }
            }
            verify(acknowledged, round);
            rounds++;
        }
        System.out.println("JournalCrashTest: rounds=" + rounds + " acknowledged=" + totalAcks);
        assertTrue(rounds >= 5, "too few rounds ran within the time budget: rounds=" + rounds);
        assertTrue(totalAcks > 0, "no record was ever acknowledged");
    }

    private List<String> runAndKill(int round, Journal.Durability d, int delayMillis) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                JournalCrashWriter.class.getName(), dir.toString(), "4", Long.toString(round * 1_000_000_000L),
                d.name());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(l);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the pipe closes when the child dies
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        synchronized (lines) {
            while (lines.stream().noneMatch(l -> l.startsWith("ack ")) && p.isAlive()
                    && System.nanoTime() < deadline) {
                lines.wait(100);
            }
        }
        if (!p.isAlive()) {
            reader.join();
            fail("writer exited early: exit=" + p.exitValue() + " output=" + lines);
        }
        Thread.sleep(delayMillis);
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "writer did not die");
        reader.join(10_000);
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    private void verify(Map<Long, long[]> acknowledged, int round) throws IOException {
        Map<Long, ByteBuffer> found = new HashMap<>();
        long[] expected = {0};
        try (Journal j = Journal.open(dir, Journal.Options.defaults().withBatchBytes(1 << 16).withSegmentSize(1 << 20))) {
            j.replay(0, (seq, payload) -> {
                assertEquals(expected[0]++, seq, "consecutive sequence numbers");
                assertTrue(JournalCrashWriter.selfConsistent(payload), "record " + seq + " is not intact");
                ByteBuffer copy = ByteBuffer.allocate(16);
                copy.put(payload.duplicate().limit(payload.position() + 12)).flip();
                found.put(seq, copy);
            });
            assertEquals(expected[0], j.nextSequence(), "replay and recovery agree");
        }
        for (Map.Entry<Long, long[]> e : acknowledged.entrySet()) {
            ByteBuffer b = found.get(e.getKey());
            if (b == null) {
                fail("round " + round + ": acknowledged record " + e.getKey() + " is missing; recovered "
                        + found.size());
            }
            assertEquals(e.getValue()[0], b.getInt(0), "thread of record " + e.getKey());
            assertEquals(e.getValue()[1], b.getLong(4), "index of record " + e.getKey());
        }
    }
}
