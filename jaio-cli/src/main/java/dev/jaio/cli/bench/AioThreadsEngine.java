package dev.jaio.cli.bench;

import dev.jaio.AioEngine;
import dev.jaio.nio.AioFileChannel;

/**
 * {@code --ioengine=aio-threads} and {@code aio-vthreads}: as {@code jdk-threads} and {@code jdk-vthreads},
 * {@code iodepth} threads per job doing blocking positional reads and writes one after another, on jaio's
 * {@link AioFileChannel}. Each job has its own {@link AioEngine} (kernel AIO where usable, else its thread
 * pool) built with the defaults a user of {@code AioFileChannel.open} gets (queue depth 256, futures completed
 * on the engine's pool). A buffered request the page cache can serve is done on the calling thread; the rest
 * wait for the engine.
 */
final class AioThreadsEngine implements BenchEngine {
    private final boolean virtual;

    AioThreadsEngine(boolean virtual) {
        this.virtual = virtual;
    }

    @Override
    public void run(JobContext job) throws Exception {
        Workload w = job.workload();
        String name = "jaio-bench-j" + job.index();
        // The engine a user of AioFileChannel.open gets: default queue depth and completion executor. Futures
        // completed on the event loop measured worse for parked virtual threads than the default pool.
        try (AioEngine engine = AioEngine.builder().name(name).build()) {
            try (AioFileChannel channel = AioFileChannel.open(w.file(), JdkAsyncEngine.openOptions(w), engine)) {
                JdkThreadsEngine.runThreads(job, channel, virtual, name);
            }
            job.stats().engineStats(engine.stats());
            AioBenchEngine.reportEngine(job, engine);
        }
    }
}
