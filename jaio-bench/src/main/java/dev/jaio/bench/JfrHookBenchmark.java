package dev.jaio.bench;

import dev.jaio.AioEngine;
import dev.jaio.internal.engine.IoOp;
import dev.jaio.internal.jfr.FileIoEvent;
import dev.jaio.internal.jfr.JaioJfr;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
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
 * What jaio's Flight Recorder hooks add to one request, without the I/O: the {@code JaioJfr.begin} a
 * request makes when it is issued and the {@code JaioJfr.end} it makes when it completes.
 *
 * <ul>
 *   <li>{@code recording=off}: no recording, the cost every request pays when JFR is not used.</li>
 *   <li>{@code recording=threshold}: a recording with {@code dev.jaio.FileRead} at its default 1 ms
 *       threshold, which these requests never reach: the event is begun and ended, never written.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class JfrHookBenchmark {
    /** Whether a recording runs. */
    @Param({"off", "threshold"})
    public String recording;

    private final Path path = Path.of("/data/file");
    private Recording rec;

    /** Starts the recording when asked for. */
    @Setup(Level.Trial)
    public void setUp() {
        if (recording.equals("threshold")) {
            rec = new Recording();
            rec.enable("dev.jaio.FileRead");
            rec.start();
        }
    }

    /** Stops the recording. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (rec != null) {
            rec.close();
        }
    }

    /** A request's two hooks: begin at issue, end at completion. */
    @Benchmark
    public FileIoEvent beginAndEnd() {
        FileIoEvent e = JaioJfr.begin(IoOp.READ);
        JaioJfr.end(e, path, 4096, 4096, null, AioEngine.Kind.KERNEL_AIO);
        return e;
    }
}
