package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CpuUsageTest {
    @Test
    @Timeout(30)
    void shouldSeeCpuTimeGrowWhileThisThreadWorks() {
        CpuUsage before = CpuUsage.now();
        long x = 0;
        CpuUsage after;
        do { // work until the kernel has charged some CPU time (the clock ticks in microseconds or 10 ms)
            for (int i = 0; i < 1_000_000; i++) {
                x += Long.numberOfTrailingZeros(x + i);
            }
            after = CpuUsage.now();
        } while (after.totalNanos() == before.totalNanos());
        assertTrue(x >= 0);
        assertTrue(after.minus(before).totalNanos() > 0, "spent=" + after.minus(before));
        assertTrue(after.userNanos() >= before.userNanos() && after.systemNanos() >= before.systemNanos());
    }

    @Test
    void shouldShareUsageEvenlyAmongJobs() {
        CpuUsage u = new CpuUsage(10, 20, 30, 40, 50).dividedBy(10);
        assertEquals(new CpuUsage(1, 2, 3, 4, 5), u);
        assertEquals(3, u.totalNanos());
    }
}
