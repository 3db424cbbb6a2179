package dev.jaio.examples.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioException;
import dev.jaio.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The journal on a full 2 MiB tmpfs (root only): appends needing a new segment fail with ENOSPC, nothing
 * acknowledged is lost, and appends succeed again once space is freed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JournalDiskFullTest {
    @Test
    void shouldFailUnwrittenAppendsWithEnospcAndKeepAcknowledgedOnes() throws Exception {
        Assumptions.assumeTrue(isRoot(), "needs root to mount a 2 MiB tmpfs");
        Path mount = Files.createTempDirectory("journal-full");
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
        try {
            Path filler = mount.resolve("filler");
            Files.write(filler, new byte[512 * 1024]);
            Path dir = mount.resolve("journal");
            Journal.Options o = Journal.Options.defaults().withBatchBytes(64 * 1024).withSegmentSize(256 * 1024);
            List<Long> acked = new ArrayList<>();
            try (Journal j = Journal.open(dir, o)) {
                AioException enospc = null;
                for (int i = 0; i < 4000 && enospc == null; i++) {
                    CompletableFuture<Long> f = j.append(JournalTest.payload(i, 1000));
                    try {
                        acked.add(f.get(10, TimeUnit.SECONDS));
                    } catch (ExecutionException e) {
                        enospc = assertInstanceOf(AioException.class, e.getCause());
                    }
                }
                assertNotNull(enospc, "the file system never filled up");
                assertEquals(Errno.ENOSPC.number(), enospc.errno(), enospc.getMessage());
                assertTrue(acked.size() > 100, "acknowledged=" + acked.size());
                Files.delete(filler);
                long seq = j.append(JournalTest.payload(acked.size(), 1000)).get(10, TimeUnit.SECONDS);
                assertEquals(acked.size(), seq, "the failed append took no sequence number");
                acked.add(seq);
            }
            try (Journal j = Journal.open(dir, o)) {
                List<Long> seen = new ArrayList<>();
                j.replay(0, (s, p) -> {
                    byte[] b = new byte[p.remaining()];
                    p.get(b);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(JournalTest.payload(s, 1000), b);
                    seen.add(s);
                });
                assertEquals(acked, seen, "every acknowledged record, and only those");
            }
        } finally {
            run("umount", mount.toString());
            Files.deleteIfExists(mount);
        }
    }

    private static boolean isRoot() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                .anyMatch(l -> l.split("\\s+")[2].equals("0"));
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd));
    }
}
