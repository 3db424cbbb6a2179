package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JobControlTest {
    private static Workload workload(long runtime, long ramp, boolean timeBased, long size) {
        return new Workload(Path.of("f"), size, RwMode.READ, 50, 4096, 1, true, runtime, ramp, timeBased, 1,
                EngineKind.AIO_RAW);
    }

    @Test
    void shouldStopIssuingOnceTheRuntimeIsOver() {
        JobControl c = new JobControl(workload(1_000_000L, 0, true, 1 << 20), 1);
        assertTrue(c.tryIssue(c.startNanos()));
        assertFalse(c.tryIssue(c.startNanos() + 1_000_000L));
        assertFalse(c.tryIssue(c.startNanos()), "stays stopped");
    }

    @Test
    void shouldIssueSizeBytesPerJobAfterTheRampWhenNotTimeBased() {
        JobControl c = new JobControl(workload(0, 1_000, false, 4 * 4096), 2);
        for (int i = 0; i < 100; i++) {
            assertTrue(c.tryIssue(c.startNanos()), "ramp requests do not count");
        }
        long measuring = c.measureStartNanos();
        for (int i = 0; i < 8; i++) {
            assertTrue(c.tryIssue(measuring), "request " + i);
        }
        assertFalse(c.tryIssue(measuring));
    }

    @Test
    void shouldCountOnlyRequestsIssuedAfterTheRamp() {
        JobControl c = new JobControl(workload(1_000_000_000L, 500, true, 1 << 20), 1);
        assertFalse(c.measuring(c.startNanos()));
        assertTrue(c.measuring(c.measureStartNanos()));
    }

    @Test
    void shouldKeepTheFirstFailureAndStop() {
        JobControl c = new JobControl(workload(1_000_000_000L, 0, true, 1 << 20), 1);
        IOException first = new IOException("first");
        c.fail(first);
        c.fail(new IOException("second"));
        assertSame(first, c.failure());
        assertTrue(c.stopped());
        assertFalse(c.tryIssue(c.startNanos()));
    }
}
