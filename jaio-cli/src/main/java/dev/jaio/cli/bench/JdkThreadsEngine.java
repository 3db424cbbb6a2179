package dev.jaio.cli.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --ioengine=jdk-threads} and {@code jdk-vthreads}: {@link FileChannel} positional reads and
 * writes, each of {@code iodepth} threads (platform or virtual) of each job doing one blocking request
 * after another, so {@code numjobs} times {@code iodepth} threads in all.
 */
final class JdkThreadsEngine implements BenchEngine {
    private final boolean virtual;

    JdkThreadsEngine(boolean virtual) {
        this.virtual = virtual;
    }

    @Override
    public void run(JobContext job) throws Exception {
        Workload w = job.workload();
        try (FileChannel channel = FileChannel.open(w.file(), JdkAsyncEngine.openOptions(w))) {
            runThreads(job, channel, virtual, "jaio-bench-j" + job.index());
        }
    }

    /**
     * Starts {@code iodepth} threads (virtual or platform), each with its own buffer doing blocking
     * positional requests on {@code channel} one after another, and waits for them. Buffers are heap
     * {@link ByteBuffer}s with {@code --mem=heap}, else native memory of an automatic arena (which jaio
     * hands to the kernel as it is, and the JDK too).
     */
    static void runThreads(JobContext job, FileChannel channel, boolean virtual, String name) throws Exception {
        Workload w = job.workload();
        int align = JobContext.bufferAlignment(w);
        Thread.Builder builder = virtual
                ? Thread.ofVirtual().name(name + "-v", 0)
                : Thread.ofPlatform().daemon().name(name + "-t", 0);
        Arena arena = Arena.ofAuto();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < w.iodepth(); i++) {
            ByteBuffer buffer;
            if (w.heapBuffers()) {
                buffer = ByteBuffer.allocate(w.blockSize());
                JobContext.fillPattern(MemorySegment.ofBuffer(buffer), i + 1L);
            } else {
                MemorySegment buf = arena.allocate(w.blockSize(), align);
                JobContext.fillPattern(buf, i + 1L);
                buffer = buf.asByteBuffer();
            }
            threads.add(builder.start(() -> loop(job, channel, buffer)));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static void loop(JobContext job, FileChannel channel, ByteBuffer buffer) {
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
