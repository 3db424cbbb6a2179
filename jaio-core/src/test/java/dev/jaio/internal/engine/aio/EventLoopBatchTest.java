package dev.jaio.internal.engine.aio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.NativeFile;
import dev.jaio.internal.engine.KernelCalls;
import dev.jaio.internal.engine.ReadChains;
import dev.jaio.internal.engine.TestConfigs;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The follow-ups that completions issue on the loop go to the kernel gathered by reap. Buffered reads of a
 * cached file complete inside io_submit, so every reap finds the whole batch just submitted: the follow-ups
 * of a reap of 8 go in two io_submit calls of 4 ({@link dev.jaio.internal.engine.SubmitPolicy#batch()} at
 * depth 8), not one each.
 */
class EventLoopBatchTest {
    private static final int DEPTH = 8;
    private static final int READS = 4000;

    @TempDir
    Path dir;

    @Test
    void shouldSubmitTheFollowUpsOfOneReapTogether() throws Exception {
        Path p = dir.resolve("cached");
        Files.write(p, new byte[1 << 20]);
        try (NativeFile file = NativeFile.open(p, StandardOpenOption.READ);
             Arena arena = Arena.ofShared()) {
            KernelAioEngine engine = new KernelAioEngine(TestConfigs.of("batch-test", DEPTH, 1, 64, false,
                    Runnable::run));
            try {
                ReadChains.run(engine, file.fd(), DEPTH, READS, arena);
                KernelCalls k = engine.kernelCalls();
                // One io_submit per follow-up would be 4000; by reap, in batches of 4, about 1000.
                assertTrue(k.submitCalls() < READS / 3, "io_submit calls for " + READS + " reads: " + k);
            } finally {
                engine.close();
            }
        }
    }
}
