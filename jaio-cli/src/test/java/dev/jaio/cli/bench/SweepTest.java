package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepTest {
    private static final Workload BASE = new Workload(Path.of("f"), 1 << 20, RwMode.RANDREAD, 50, 4096, 32, true,
            1_000_000_000L, 0, true, 1, EngineKind.AIO);

    @Test
    void shouldExpandEveryCombinationFirstAxisSlowest() {
        List<Workload> grid = Sweep.grid(BASE, List.of(Sweep.parse("ioengine=aio,jdk-threads"),
                Sweep.parse("iodepth=1,4,16")));
        assertEquals(6, grid.size());
        assertEquals(EngineKind.AIO, grid.get(0).engine());
        assertEquals(1, grid.get(0).iodepth());
        assertEquals(16, grid.get(2).iodepth());
        assertEquals(EngineKind.JDK_THREADS, grid.get(3).engine());
    }

    @Test
    void shouldSweepBlockSizesAndModes() {
        List<Workload> grid = Sweep.grid(BASE, List.of(Sweep.parse("bs=4k,1m"), Sweep.parse("rw=read,write")));
        assertEquals(List.of(4096, 4096, 1 << 20, 1 << 20), grid.stream().map(Workload::blockSize).toList());
        assertEquals(RwMode.WRITE, grid.get(3).rw());
    }

    @Test
    void shouldRejectUnknownKeysAndBadValues() {
        assertThrows(IllegalArgumentException.class, () -> Sweep.parse("depth=1,2"));
        assertThrows(IllegalArgumentException.class, () -> Sweep.parse("iodepth="));
        assertThrows(IllegalArgumentException.class, () -> Sweep.parse("iodepth=1,x"));
        assertThrows(IllegalArgumentException.class, () -> Sweep.parse("ioengine=aio,libaio"));
    }
}
