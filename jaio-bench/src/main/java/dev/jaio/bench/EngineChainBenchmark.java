package dev.jaio.bench;

import dev.jaio.AioEngine;
import dev.jaio.AsyncFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's cost per request when requests chain in completion callbacks, as {@code jaio bench}
 * drives it: {@code chains} chains of 4 KiB reads of a cached file, each completion issuing its chain's
 * next read, until {@value #REQUESTS} reads are done. The kernel completes a cached read inside
 * io_submit, so what is measured is the engine: the request and its future, the iocb, io_submit, the
 * ring reap, the completion and the callback's next request.
 *
 * <ul>
 *   <li>{@code completion=loop}: futures complete on the event loop thread, callbacks issue from it.</li>
 *   <li>{@code completion=pool}: the engine's default completion pool: every reap is handed off.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class EngineChainBenchmark {
    /** Reads per benchmark invocation. */
    public static final int REQUESTS = 4096;

    /** Chains in flight at once (the engine's queue depth is twice that). */
    @Param({"16"})
    public int chains;

    /** Where futures complete: {@code loop} (the event loop thread) or {@code pool} (the engine's default). */
    @Param({"loop", "pool"})
    public String completion;

    private Path file;
    private AioEngine engine;
    private AsyncFile asyncFile;
    private MemorySegment[] buffers;

    /** Lays out the file and builds a kernel AIO engine. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchFiles.create();
        AioEngine.Builder b = AioEngine.builder().mode(AioEngine.Mode.KERNEL_AIO).queueDepth(2 * chains)
                .name("jaio-jmh-chain");
        if (completion.equals("loop")) {
            b.completionExecutor(Runnable::run);
        }
        engine = b.build();
        asyncFile = AsyncFile.open(file, engine, StandardOpenOption.READ);
        buffers = new MemorySegment[chains];
        for (int i = 0; i < chains; i++) {
            buffers[i] = Arena.ofAuto().allocate(BenchFiles.BLOCK, 4096);
        }
    }

    /** Closes everything and deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        asyncFile.close();
        engine.close();
        Files.deleteIfExists(file);
    }

    /** Runs {@value #REQUESTS} chained reads and waits for the last. */
    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public void chainedReads() throws InterruptedException {
        AtomicInteger left = new AtomicInteger(REQUESTS);
        CountDownLatch done = new CountDownLatch(chains);
        for (int i = 0; i < chains; i++) {
            new Chain(buffers[i], left, done, i).next();
        }
        done.await();
    }

    private final class Chain {
        private final MemorySegment buffer;
        private final AtomicInteger left;
        private final CountDownLatch done;
        private final long[] random;

        Chain(MemorySegment buffer, AtomicInteger left, CountDownLatch done, int seed) {
            this.buffer = buffer;
            this.left = left;
            this.done = done;
            this.random = new long[] {0x9E3779B97F4A7C15L * (seed + 1)};
        }

        void next() {
            if (left.getAndDecrement() <= 0) {
                done.countDown();
                return;
            }
            asyncFile.read(buffer, BenchFiles.nextOffset(random)).whenComplete((n, t) -> next());
        }
    }
}
