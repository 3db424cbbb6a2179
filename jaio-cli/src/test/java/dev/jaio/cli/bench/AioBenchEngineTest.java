package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.uring.IoUring;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --ioengine=aio} and {@code uring} on a buffered file in the page cache: the inline path finishes
 * nearly every request before {@code read} returns, and the slots must go on without nesting one call per
 * request (which overflowed the stack after a few thousand requests and hung the job).
 */
class AioBenchEngineTest {
    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void layOut() throws Exception {
        file = dir.resolve("cached.dat");
        TestFile.prepare(file, 8 << 20);
        Files.readAllBytes(file); // into the page cache
    }

    @ParameterizedTest
    @EnumSource(value = EngineKind.class, names = {"AIO", "URING"})
    @Timeout(120)
    void cachedReadsShouldRunToTheEndWithoutRecursing(EngineKind engine) throws Exception {
        if (engine == EngineKind.URING) {
            Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring is unusable here: "
                    + IoUring.unavailabilityCause().orElse(""));
        }
        // 2 s of 4 KiB buffered random reads over the cached file: tens of thousands of requests, nearly all
        // finished inline; the old slot nested a call per request and died silently a few thousand deep.
        Workload w = new Workload(file, 8 << 20, RwMode.RANDREAD, 50, 4096, 4, false, 2_000_000_000L, 0, true, 1,
                engine);
        JobResult r = BenchRunner.run(w, null).getFirst();
        assertTrue(r.read().ios() > 0, "reads ran: " + r);
        assertEquals(r.read().ios(), r.read().latency().getTotalCount(), "every read recorded once");
    }
}
