package dev.jaio.bench;

import dev.jaio.AioEngine;
import dev.jaio.AsyncFile;
import dev.jaio.nio.AioFileChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
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
 * One cached 1 KiB positional read of a buffered file (no O_DIRECT; the 64 MiB file is read once at setup
 * so the page cache holds it) into a heap or direct {@link ByteBuffer}, through each API: jaio's
 * {@code AsyncFile.read(...).join()}, jaio's {@link AioFileChannel#read(ByteBuffer, long)}, and the JDK's
 * {@link FileChannel#read(ByteBuffer, long)}. jaio does it on the calling thread with one
 * {@code preadv2(RWF_NOWAIT)} (its inline path); {@code -Djaio.inline=false} in {@code -jvmArgsAppend} (with
 * {@code --enable-native-access=ALL-UNNAMED}, which it replaces)
 * shows the engine's round trip instead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CachedReadBenchmark {
    private static final int LENGTH = 1024;

    /** {@code heap} ({@code ByteBuffer.allocate}) or {@code direct} ({@code ByteBuffer.allocateDirect}). */
    @Param({"heap", "direct"})
    public String buffer;

    private Path file;
    private AioEngine engine;
    private AsyncFile asyncFile;
    private AioFileChannel aioChannel;
    private FileChannel jdkChannel;
    private ByteBuffer dst;
    private final long[] random = {0x9E3779B97F4A7C15L};

    /** Lays out and caches the file, and opens it through each API. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchFiles.create();
        engine = AioEngine.builder().queueDepth(64).completionExecutor(Runnable::run).name("jaio-jmh").build();
        asyncFile = AsyncFile.open(file, engine, StandardOpenOption.READ);
        aioChannel = AioFileChannel.open(file, Set.of(StandardOpenOption.READ), engine);
        jdkChannel = FileChannel.open(file, StandardOpenOption.READ);
        dst = buffer.equals("heap") ? ByteBuffer.allocate(LENGTH) : ByteBuffer.allocateDirect(LENGTH);
    }

    /** Prints the engine's counters (how many reads were done inline), closes everything, deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        System.out.println();
        System.out.println("jaio engine: " + engine.stats());
        asyncFile.close();
        aioChannel.close();
        jdkChannel.close();
        engine.close();
        Files.deleteIfExists(file);
    }

    private long next() {
        // 1 KiB blocks: four per BenchFiles block.
        return BenchFiles.nextOffset(random) + (random[0] & 3) * LENGTH;
    }

    /** {@code AsyncFile.read(dst, position).join()}. */
    @Benchmark
    public int asyncFileReadJoin() {
        dst.clear();
        return asyncFile.read(dst, next()).join();
    }

    /** {@code AioFileChannel.read(dst, position)}. */
    @Benchmark
    public int aioFileChannelRead() throws IOException {
        dst.clear();
        return aioChannel.read(dst, next());
    }

    /** The JDK's {@code FileChannel.read(dst, position)}. */
    @Benchmark
    public int jdkFileChannelRead() throws IOException {
        dst.clear();
        return jdkChannel.read(dst, next());
    }
}
