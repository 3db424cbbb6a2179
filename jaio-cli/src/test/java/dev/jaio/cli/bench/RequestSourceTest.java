package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RequestSourceTest {
    private static RequestSource source(RwMode rw, int mix) {
        return new RequestSource(new Workload(Path.of("f"), 4 * 8192, rw, mix, 8192, 1, true, 1, 0, true, 1,
                EngineKind.AIO_RAW));
    }

    @Test
    void shouldWalkSequentiallyAndWrapAround() {
        RequestSource s = source(RwMode.READ, 50);
        long[] expected = {0, 8192, 16384, 24576, 0, 8192};
        for (long e : expected) {
            assertEquals(e, s.nextOffset());
        }
    }

    @Test
    void shouldKeepRandomOffsetsAlignedAndInside() {
        RequestSource s = source(RwMode.RANDREAD, 50);
        for (int i = 0; i < 10_000; i++) {
            long off = s.nextOffset();
            assertTrue(off >= 0 && off < 4 * 8192 && off % 8192 == 0, "offset=" + off);
        }
    }

    @Test
    void shouldMixReadsInTheGivenProportion() {
        RequestSource s = source(RwMode.RANDRW, 70);
        int reads = 0;
        for (int i = 0; i < 100_000; i++) {
            reads += s.nextIsRead() ? 1 : 0;
        }
        assertTrue(reads > 68_000 && reads < 72_000, "reads=" + reads);
        assertTrue(source(RwMode.READ, 0).nextIsRead());
        assertTrue(!source(RwMode.RANDWRITE, 100).nextIsRead());
    }
}
