package dev.jaio.bench;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jaio.aio.AioContext;
import dev.jaio.AioException;
import dev.jaio.aio.IoEventArray;
import dev.jaio.aio.Iocb;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
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
 * One 4 KiB read submitted and reaped on a bare {@link AioContext}, no engine: io_submit of one iocb,
 * then {@code getEvents(1, events, -1)}.
 *
 * <ul>
 *   <li>{@code direct=true}: O_DIRECT, so the time is mostly the device's.</li>
 *   <li>{@code direct=false}: a read of cached data, which the kernel completes inside io_submit; what is
 *       left is the cost of the two calls, and {@code ring} shows what reaping from the completion ring in
 *       user space saves over the io_getevents syscall.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class AioContextBenchmark {
    /** Whether the file is opened with O_DIRECT. */
    @Param({"false", "true"})
    public boolean direct;

    /** Whether completions are reaped from the ring in user space (else with io_getevents). */
    @Param({"true", "false"})
    public boolean ring;

    private Path file;
    private NativeFile nativeFile;
    private AioContext ctx;
    private Arena arena;
    private Iocb iocb;
    private MemorySegment buffer;
    private MemorySegment pointers;
    private IoEventArray events;
    private final long[] random = {0x9E3779B97F4A7C15L};

    /** Lays out the file and sets up the context, iocb and buffer. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchFiles.create();
        OpenOption[] options = direct
                ? new OpenOption[] {StandardOpenOption.READ, JaioOpenOption.DIRECT}
                : new OpenOption[] {StandardOpenOption.READ};
        nativeFile = NativeFile.open(file, options);
        ctx = AioContext.setup(8, ring);
        arena = Arena.ofShared();
        iocb = Iocb.allocate(arena);
        buffer = arena.allocate(BenchFiles.BLOCK, 4096);
        pointers = arena.allocate(JAVA_LONG, 1);
        pointers.set(JAVA_LONG, 0, iocb.address());
        events = IoEventArray.allocate(arena, 8);
    }

    /** Closes everything and deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        ctx.close();
        nativeFile.close();
        arena.close();
        Files.deleteIfExists(file);
    }

    /** Submits one 4 KiB read at a random offset and waits for its completion. */
    @Benchmark
    public long submitAndReapOne4KiBRead() throws AioException {
        iocb.prepPread(nativeFile.fd(), buffer, BenchFiles.nextOffset(random));
        ctx.submit(pointers, 1);
        ctx.getEvents(1, events, -1L);
        return events.res(0);
    }
}
