package dev.jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jaio.testing.TestFiles;
import dev.jaio.AioEngine;
import dev.jaio.AsyncFile;
import dev.jaio.JaioOpenOption;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of engines and files opened and closed, and engines dropped without close: descriptors, AIO
 * contexts (this process's ring mappings and the system's aio-nr) and engine threads return to where
 * they started.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LeakTest {
    /** Engine and file cycles; -Djaio.leak.engines=1000 for a longer run. */
    private static final int ENGINES = Integer.getInteger("jaio.leak.engines", 400);
    private static final int FILES = Integer.getInteger("jaio.leak.files", 5000);

    @TempDir
    Path dir;

    @Test
    void shouldReleaseEverythingAfterManyEngineAndFileCycles() throws Exception {
        Snapshot before = Snapshot.take();
        for (int i = 0; i < ENGINES; i++) {
            try (AioEngine e = ReliabilitySupport.engine()) {
                e.stats();
            }
        }
        Path p = dir.resolve("f");
        Files.write(p, new byte[8192]);
        try (AioEngine engine = ReliabilitySupport.engine(); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(4096, 4096);
            for (int i = 0; i < FILES; i++) {
                try (AsyncFile f = i % 2 == 0
                        ? AsyncFile.open(p, engine, StandardOpenOption.READ, StandardOpenOption.WRITE, JaioOpenOption.DIRECT)
                        : AsyncFile.open(p, engine, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    if (i % 10 == 0) {
                        f.write(buf, 4096).get(10, TimeUnit.SECONDS);
                        f.read(buf, 0).get(10, TimeUnit.SECONDS);
                    }
                }
            }
        }
        before.assertRestored();
    }

    @Test
    void shouldReleaseEnginesDroppedWithoutClose() throws Exception {
        Snapshot before = Snapshot.take();
        for (int i = 0; i < 30; i++) {
            AioEngine e = ReliabilitySupport.engine();
            e.stats(); // then dropped: its Cleaner must close it
        }
        before.assertRestored();
    }

    private record Snapshot(int fds, long rings, long aioNr) {
        static Snapshot take() throws Exception {
            System.gc();
            return new Snapshot(ReliabilitySupport.openDescriptors(), TestFiles.aioRingMappings(),
                    TestFiles.aioNr());
        }

        void assertRestored() throws Exception {
            // Dropped engines and finished threads go away asynchronously: collect and wait, bounded.
            boolean settled = await(() -> {
                try {
                    return ReliabilitySupport.openDescriptors() <= fds && TestFiles.aioRingMappings() <= rings
                            && jaioThreads() == 0;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(fds, ReliabilitySupport.openDescriptors(), "open descriptors (settled=" + settled + ")");
            assertEquals(rings, TestFiles.aioRingMappings(), "this process's AIO contexts");
            assertEquals(0, jaioThreads(), "engine threads left running");
            boolean global = await(() -> {
                try {
                    return TestFiles.aioNr() == aioNr;
                } catch (Exception e) {
                    return false;
                }
            });
            if (!global) {
                // aio-nr is system-wide: another process may have created or destroyed contexts meanwhile.
                Assumptions.assumeTrue(TestFiles.aioNr() == aioNr,
                        "aio-nr changed by another process: before=" + aioNr + " now=" + TestFiles.aioNr()
                                + " (this process holds none of it: its ring mappings are back to " + rings + ")");
            }
        }

        private static long jaioThreads() {
            return Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("jaio-") && !t.getName().startsWith("jaio-default")
                            && !t.getName().contains("cleaner"))
                    .count();
        }

        private static boolean await(BooleanSupplier condition) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                System.gc();
                if (condition.getAsBoolean()) {
                    return true;
                }
                Thread.sleep(50);
            }
            return condition.getAsBoolean();
        }
    }
}
