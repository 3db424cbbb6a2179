package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WorkloadTest {
    private static Workload workload(long size, int bs, int depth, int mix, long runtime, boolean timeBased) {
        return new Workload(Path.of("f"), size, RwMode.RANDREAD, mix, bs, depth, true, runtime, 0, timeBased, 1,
                EngineKind.AIO);
    }

    @Test
    void shouldRoundTheSizeDownToWholeBlocks() {
        Workload w = workload(10_000, 4096, 1, 50, 1, true);
        assertEquals(8192, w.size());
        assertEquals(2, w.blocks());
    }

    @Test
    void shouldRejectInconsistentFields() {
        assertThrows(IllegalArgumentException.class, () -> workload(1000, 4096, 1, 50, 1, true));
        assertThrows(IllegalArgumentException.class, () -> workload(1 << 20, 4096, 0, 50, 1, true));
        assertThrows(IllegalArgumentException.class, () -> workload(1 << 20, 4096, 1, 101, 1, true));
        assertThrows(IllegalArgumentException.class, () -> workload(1 << 20, 4096, 1, 50, 0, true));
        assertThrows(IllegalArgumentException.class, () -> workload(1 << 20, 0, 1, 50, 1, true));
    }

    @Test
    void shouldLabelRunsTheWayReportsNameThem() {
        assertEquals("randread-4k-qd32-aio", workload(1 << 20, 4096, 32, 50, 1, true).label());
        assertEquals("randread-1m-qd8-j2-jdk-threads", workload(1 << 30, 1 << 20, 8, 50, 1, true)
                .withNumjobs(2).withEngine(EngineKind.JDK_THREADS).label());
    }
}
