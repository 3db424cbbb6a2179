package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BenchRunnerTest {
    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void layOut() throws Exception {
        file = dir.resolve("bench.dat");
        TestFile.prepare(file, 8 << 20);
    }

    /** 2 MiB of 4 KiB requests, 512 per job, then stop: a count that does not depend on the machine's speed. */
    private static Workload workload(EngineKind engine, RwMode rw) {
        return new Workload(file, 2 << 20, rw, 50, 4096, 8, true, 0, 0, false, 1, engine);
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    @Timeout(60)
    void shouldMeasureRandomReadsOnEveryEngine(EngineKind engine) throws Exception {
        List<JobResult> results = BenchRunner.run(workload(engine, RwMode.RANDREAD), null);
        assertEquals(1, results.size());
        JobResult r = results.getFirst();
        assertEquals(512, r.read().ios());
        assertEquals(0, r.write().ios());
        assertEquals(r.read().ios() * 4096, r.read().bytes());
        assertEquals(r.read().ios(), r.read().latency().getTotalCount());
        assertTrue(r.runtimeNanos() > 0 && r.elapsedNanos() >= r.runtimeNanos());
        assertTrue(r.cpu().totalNanos() > 0);
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    @Timeout(60)
    void shouldMixReadsAndWritesOnEveryEngine(EngineKind engine) throws Exception {
        JobResult r = BenchRunner.run(workload(engine, RwMode.RANDRW), null).getFirst();
        assertEquals(512, r.read().ios() + r.write().ios());
        assertTrue(r.read().ios() > 0 && r.write().ios() > 0, "both directions ran: " + r);
    }

    @ParameterizedTest
    @EnumSource(value = EngineKind.class, names = {"AIO", "AIO_RAW"})
    @Timeout(60)
    void shouldRunOneResultPerJob(EngineKind engine) throws Exception {
        List<JobResult> results = BenchRunner.run(workload(engine, RwMode.READ).withNumjobs(2), null);
        assertEquals(2, results.size());
        assertEquals(1024, results.stream().mapToLong(r -> r.read().ios()).sum(), "512 per job, shared by the jobs");
    }
}
