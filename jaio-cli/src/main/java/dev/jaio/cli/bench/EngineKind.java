package dev.jaio.cli.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The {@code --ioengine} choices: how the benchmark does its I/O. */
public enum EngineKind {
    /** jaio's engine: {@code AsyncFile} on an {@code AioEngine}, completions on the reaper thread. */
    AIO("aio", "jaio's engine (AsyncFile on AioEngine)"),
    /** jaio's engine with {@code submitEagerly(true)}: each completion's follow-up is submitted at once. */
    AIO_EAGER("aio-eager", "jaio's engine, every completion's follow-up submitted at once (submitEagerly)"),
    /** A bare {@code AioContext} loop: an iocb pool, io_submit and io_getevents, no engine. */
    AIO_RAW("aio-raw", "a bare AioContext loop: Iocb pool, io_submit, io_getevents"),
    /** jaio's engine on io_uring: {@code AsyncFile} on an {@code AioEngine} in {@code IO_URING} mode. */
    URING("uring", "jaio's engine on io_uring (AsyncFile on AioEngine, Mode.IO_URING)"),
    /** A bare {@code IoUring} loop: an SQE per completion, submitted while waiting, no engine. */
    URING_RAW("uring-raw", "a bare IoUring loop: io_uring_enter submits and waits, CQEs reaped from the ring"),
    /** The JDK's {@code AsynchronousFileChannel} with a {@code CompletionHandler}. */
    JDK_ASYNC("jdk-async", "the JDK's AsynchronousFileChannel with a CompletionHandler"),
    /** {@code FileChannel} positional I/O, one platform thread per request in flight. */
    JDK_THREADS("jdk-threads", "FileChannel positional I/O on iodepth platform threads"),
    /** {@code FileChannel} positional I/O, one virtual thread per request in flight. */
    JDK_VTHREADS("jdk-vthreads", "FileChannel positional I/O on iodepth virtual threads"),
    /** jaio's {@code AioFileChannel} positional I/O, one platform thread per request in flight. */
    AIO_THREADS("aio-threads", "jaio's AioFileChannel positional I/O on iodepth platform threads"),
    /** jaio's {@code AioFileChannel} positional I/O, one virtual thread per request in flight. */
    AIO_VTHREADS("aio-vthreads", "jaio's AioFileChannel positional I/O on iodepth virtual threads");

    private final String cliName;
    private final String description;

    EngineKind(String cliName, String description) {
        this.cliName = cliName;
        this.description = description;
    }

    /** The name on the command line, as in {@code --ioengine=aio-raw}. */
    public String cliName() {
        return cliName;
    }

    /** One line saying what the engine does. */
    public String description() {
        return description;
    }

    /**
     * The engine named {@code name} (its command-line name, case-insensitive; underscores are taken as
     * dashes).
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static EngineKind parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (EngineKind k : values()) {
            if (k.cliName.equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown ioengine: ioengine=" + name + " (known: " + names() + ")");
    }

    /** The command-line names, comma-separated. */
    public static String names() {
        return Arrays.stream(values()).map(EngineKind::cliName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
