package dev.jaio.cli.bench;

import dev.jaio.AioEngine;
import dev.jaio.nio.AioFileChannel;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --ioengine=aio-vthreads}: {@code iodepth} virtual threads, each doing one blocking positional
 * read or write after another through an {@link AioFileChannel} on a kernel AIO engine with the default
 * settings (its futures complete on the engine's pool): a virtual thread parks on its request instead of
 * holding its carrier, and the event loop gathers what all of them issued into its io_submit calls.
 */
final class AioVthreadsEngine implements BenchEngine {
    @Override
    public void run(JobContext job) throws Exception {
        Workload w = job.workload();
        try (AioEngine engine = AioEngine.builder().mode(AioEngine.Mode.KERNEL_AIO)
                .queueDepth(Math.max(w.iodepth(), 1)).name("jaio-bench-j" + job.index()).build();
             AioFileChannel channel = AioFileChannel.open(w.file(), AioRawEngine.openOptions(w), engine)) {
            // Automatic memory, as the aio engine uses: AsyncFile hands it to the kernel as it is, where a
            // closeable arena's buffers would be staged (copied).
            Arena arena = Arena.ofAuto();
            int align = JobContext.bufferAlignment(w);
            Thread.Builder builder = Thread.ofVirtual().name("jaio-bench-j" + job.index() + "-av", 0);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < w.iodepth(); i++) {
                MemorySegment buf = arena.allocate(w.blockSize(), align);
                JobContext.fillPattern(buf, i + 1L);
                ByteBuffer buffer = buf.asByteBuffer();
                threads.add(builder.start(() -> loop(job, channel, buffer)));
            }
            for (Thread t : threads) {
                t.join();
            }
            AioBenchEngine.reportEngine(job, engine);
        }
    }

    private static void loop(JobContext job, AioFileChannel channel, ByteBuffer buffer) {
        IoStats stats = job.stats().forCurrentThread();
        JobControl control = job.control();
        RequestSource requests = job.requests();
        try {
            while (control.tryIssue(System.nanoTime())) {
                boolean read = requests.nextIsRead();
                long position = requests.nextOffset();
                buffer.clear();
                long issued = System.nanoTime();
                int n = read ? channel.read(buffer, position) : channel.write(buffer, position);
                long now = System.nanoTime();
                if (n != buffer.capacity()) {
                    throw new IOException("short " + (read ? "read" : "write") + ": expected=" + buffer.capacity()
                            + ", got=" + n + ", offset=" + position);
                }
                stats.record(read, n, issued, now, control.measuring(issued));
            }
        } catch (IOException | RuntimeException e) {
            control.fail(e);
        }
    }
}
