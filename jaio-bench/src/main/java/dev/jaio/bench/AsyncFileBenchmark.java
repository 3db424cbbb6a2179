package dev.jaio.bench;

import dev.jaio.AioEngine;
import dev.jaio.AsyncFile;
import dev.jaio.JaioOpenOption;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's hand-off: {@code AsyncFile.read(buffer, position).join()} for one 4 KiB read, the
 * request travelling from the caller to the engine's event loop, into the kernel, back to the loop and
 * to the caller. Compare with {@link AioContextBenchmark} at the same {@code direct} to see what the
 * engine adds to a bare context.
 *
 * <ul>
 *   <li>{@code completion=loop}: futures complete on the event loop thread
 *       ({@code completionExecutor(Runnable::run)}).</li>
 *   <li>{@code completion=pool}: the engine's default completion pool, one more hand-off.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class AsyncFileBenchmark {
    /** Whether the file is opened with O_DIRECT. */
    @Param({"false", "true"})
    public boolean direct;

    /** Where futures complete: {@code loop} (the event loop thread) or {@code pool} (the engine's default). */
    @Param({"loop", "pool"})
    public String completion;

    private Path file;
    private AioEngine engine;
    private AsyncFile asyncFile;
    private MemorySegment buffer;
    private final long[] random = {0x9E3779B97F4A7C15L};

    /** Lays out the file and builds a kernel AIO engine. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchFiles.create();
        AioEngine.Builder b = AioEngine.builder().mode(AioEngine.Mode.KERNEL_AIO).queueDepth(64).name("jaio-jmh");
        if (completion.equals("loop")) {
            b.completionExecutor(Runnable::run);
        }
        engine = b.build();
        OpenOption[] options = direct
                ? new OpenOption[] {StandardOpenOption.READ, JaioOpenOption.DIRECT}
                : new OpenOption[] {StandardOpenOption.READ};
        asyncFile = AsyncFile.open(file, engine, options);
        // Automatic memory goes to the kernel as it is; a closeable arena's would be staged (copied).
        buffer = Arena.ofAuto().allocate(BenchFiles.BLOCK, 4096);
    }

    /** Closes everything and deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        asyncFile.close();
        engine.close();
        Files.deleteIfExists(file);
    }

    /** Reads 4 KiB at a random offset through the engine and waits for the result. */
    @Benchmark
    public int readJoin() {
        return asyncFile.read(buffer, BenchFiles.nextOffset(random)).join();
    }
}
