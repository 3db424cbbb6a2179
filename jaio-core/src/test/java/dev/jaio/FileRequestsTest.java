package dev.jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The boxes of request results: one per whole-sector count up to 1 MiB, any other count boxed as usual. */
class FileRequestsTest {
    @Test
    void shouldBoxAWholeSectorCountOnce() {
        for (int n : new int[] {0, 512, 4096, 65536, 1 << 20}) {
            Integer first = FileRequests.boxed(n);
            assertEquals(n, first);
            assertSame(first, FileRequests.boxed(n), "n=" + n);
        }
    }

    @Test
    void shouldBoxEveryOtherCountToItsValue() {
        for (int n : new int[] {-5, 1, 511, 4097, (1 << 20) + 512, Integer.MAX_VALUE}) {
            assertEquals(n, FileRequests.boxed(n));
        }
    }
}
