package dev.jaio.internal.engine.uring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.NativeFile;
import dev.jaio.internal.engine.EngineConfig;
import dev.jaio.internal.engine.KernelCalls;
import dev.jaio.internal.engine.ReadChains;
import dev.jaio.uring.IoUring;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The follow-ups that a reap's completions issue on the loop go to the ring in batches of
 * {@link dev.jaio.internal.engine.SubmitPolicy#batch()} (8 at depth 32) while the reap is handled: not all
 * in the turn's one io_uring_enter, and not one enter each. Buffered reads of a cached file complete
 * inside the io_uring_enter that submits them, so each reap finds the whole last batch done.
 */
class UringLoopBatchTest {
    private static final int DEPTH = 32;
    private static final int READS = 8000;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsIoUring() {
        Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring is unusable here: "
                + IoUring.unavailabilityCause().orElse(""));
    }

    @Test
    void shouldSubmitAReapsFollowUpsInBatchesWhileHandlingIt() throws Exception {
        KernelCalls k = chains(false);
        // All of a reap's follow-ups in one enter would be about READS / DEPTH = 250 enters; one enter
        // each, 8000; in batches of 8, about 1000.
        assertTrue(k.submitCalls() > READS / 12 && k.submitCalls() < READS / 3,
                "io_uring_enter calls that submitted, for " + READS + " reads at depth " + DEPTH + ": " + k);
    }

    @Test
    void shouldSubmitEveryFollowUpAtOnceWhenEager() throws Exception {
        KernelCalls k = chains(true);
        assertTrue(k.submitCalls() > READS * 9L / 10,
                "io_uring_enter calls that submitted, for " + READS + " reads with submitEagerly: " + k);
    }

    private KernelCalls chains(boolean eager) throws Exception {
        Path p = dir.resolve("cached");
        Files.write(p, new byte[1 << 20]);
        try (NativeFile file = NativeFile.open(p, StandardOpenOption.READ);
             Arena arena = Arena.ofShared()) {
            EngineConfig config = new EngineConfig(DEPTH, 1, 4 * DEPTH, false, Runnable::run, 2, 4, eager,
                    "uring-batch-test");
            try (UringEngine engine = new UringEngine(config)) {
                ReadChains.run(engine, file.fd(), DEPTH, READS, arena);
                return engine.kernelCalls();
            }
        }
    }
}
