package dev.jaio.cli.bench;

import dev.jaio.AioEngine;

/** One way of doing the I/O of a job: runs it to the end, keeping {@code iodepth} requests in flight. */
public interface BenchEngine {
    /**
     * Opens the job's file, issues requests while {@link JobControl#tryIssue} allows, records each
     * completion in the job's stats, and returns once nothing is in flight. A failed request is handed to
     * {@link JobControl#fail} (which stops the run) rather than thrown.
     *
     * @throws Exception when the engine cannot start (the file does not open, no AIO context)
     */
    void run(JobContext job) throws Exception;

    /** The engine for {@code kind}. */
    static BenchEngine of(EngineKind kind) {
        return switch (kind) {
            case AIO -> new AioBenchEngine(AioEngine.Mode.KERNEL_AIO, false);
            case AIO_EAGER -> new AioBenchEngine(AioEngine.Mode.KERNEL_AIO, true);
            case URING -> new AioBenchEngine(AioEngine.Mode.IO_URING, false);
            case AIO_RAW -> new AioRawEngine();
            case URING_RAW -> new UringRawEngine();
            case JDK_ASYNC -> new JdkAsyncEngine();
            case JDK_THREADS -> new JdkThreadsEngine(false);
            case JDK_VTHREADS -> new JdkThreadsEngine(true);
            case AIO_THREADS -> new AioThreadsEngine(false);
            case AIO_VTHREADS -> new AioThreadsEngine(true);
        };
    }
}
