package dev.jaio.uring;

import static dev.jaio.uring.UringTestSupport.assumeIoUring;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.Errno;
import dev.jaio.internal.linux.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IoUring} with the submitter and the reaper on different threads, as its contract allows:
 * every request submitted completes exactly once, through SQ and CQ wrap-around many times over.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class IoUringConcurrencyTest {
    private static final int REQUESTS = 200_000;

    @TempDir
    Path dir;

    @BeforeEach
    void requireIoUring() {
        assumeIoUring();
    }

    @Test
    void shouldCompleteEveryRequestExactlyOnceWithSubmitterAndReaperOnDifferentThreads() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[1 << 16]);
        int fd = LibC.open(Arena.ofAuto().allocateFrom(file.toString()), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        assertTrue(fd >= 0);
        MemorySegment buf = Arena.ofAuto().allocate(512);
        try (IoUring ring = IoUring.setup(64)) {
            CompletableFuture<BitSet> reaper = CompletableFuture.supplyAsync(() -> {
                BitSet seen = new BitSet(REQUESTS);
                CqeArray into = CqeArray.allocate(ring.cqEntries());
                int reaped = 0;
                try {
                    while (reaped < REQUESTS) {
                        int n = ring.getCqes(1, into, TimeUnit.SECONDS.toNanos(60));
                        assertTrue(n > 0, "a completion within 60 s; reaped=" + reaped);
                        for (int i = 0; i < n; i++) {
                            int id = (int) into.userData(i);
                            int expected = (id % 2 == 0) ? 0 : 512;
                            assertEquals(expected, into.res(i), "request " + id + ": " + Errno.nameOf(-into.res(i)));
                            assertTrue(!seen.get(id), "completed twice: " + id);
                            seen.set(id);
                        }
                        reaped += n;
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                return seen;
            });
            int next = 0;
            while (next < REQUESTS) {
                // Stay within the CQ so that the test does not lean on the overflow list, and keep the SQ busy.
                if (ring.inFlight() >= ring.cqEntries() - 64) {
                    Thread.onSpinWait();
                    continue;
                }
                int batch = 0;
                Sqe sqe;
                while (next < REQUESTS && batch < 32 && (sqe = ring.getSqe()) != null) {
                    if (next % 2 == 0) {
                        sqe.prepNop();
                    } else {
                        sqe.prepRead(fd, buf, (next * 512L) % (1 << 16));
                    }
                    sqe.userData(next++);
                    batch++;
                }
                ring.submit();
            }
            BitSet seen = reaper.get(240, TimeUnit.SECONDS);
            assertEquals(REQUESTS, seen.cardinality());
            assertEquals(0, ring.inFlight());
            assertEquals(0, ring.cqOverflow());
        } finally {
            LibC.close(fd);
        }
    }
}
