package dev.jaio.cli.bench;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code --ioengine=jdk-async}: the JDK's {@link AsynchronousFileChannel} (on Linux, blocking pread and
 * pwrite on its default thread pool) with a {@link CompletionHandler} that issues the next request from
 * each completion, {@code ExtendedOpenOption.DIRECT} with {@code --direct=1}.
 */
final class JdkAsyncEngine implements BenchEngine {
    @Override
    public void run(JobContext job) throws Exception {
        Workload w = job.workload();
        if (w.heapBuffers()) {
            throw new IllegalArgumentException("--mem=heap is not supported by ioengine=" + w.engine().cliName());
        }
        int depth = w.iodepth();
        try (AsynchronousFileChannel channel = AsynchronousFileChannel.open(w.file(), openOptions(w), null);
             Arena arena = Arena.ofShared()) {
            int align = JobContext.bufferAlignment(w);
            CountDownLatch finished = new CountDownLatch(depth);
            Slot[] slots = new Slot[depth];
            for (int i = 0; i < depth; i++) {
                MemorySegment buf = arena.allocate(w.blockSize(), align);
                JobContext.fillPattern(buf, i + 1L);
                slots[i] = new Slot(job, channel, buf.asByteBuffer(), finished);
            }
            for (Slot s : slots) {
                s.issueOrFinish();
            }
            finished.await();
        }
    }


    static Set<OpenOption> openOptions(Workload w) {
        Set<OpenOption> options = new HashSet<>();
        options.add(StandardOpenOption.READ);
        options.add(StandardOpenOption.WRITE);
        if (w.direct()) {
            options.add(ExtendedOpenOption.DIRECT);
        }
        return options;
    }

    /** One request slot: issues, completes, issues again until the control says stop. */
    private static final class Slot implements CompletionHandler<Integer, Void> {
        private final JobContext job;
        private final AsynchronousFileChannel channel;
        private final ByteBuffer buffer;
        private final CountDownLatch finished;
        private boolean reading;
        private long position;
        private long issued;

        Slot(JobContext job, AsynchronousFileChannel channel, ByteBuffer buffer, CountDownLatch finished) {
            this.job = job;
            this.channel = channel;
            this.buffer = buffer;
            this.finished = finished;
        }

        void issueOrFinish() {
            long now = System.nanoTime();
            if (!job.control().tryIssue(now)) {
                finished.countDown();
                return;
            }
            reading = job.requests().nextIsRead();
            position = job.requests().nextOffset();
            buffer.clear();
            issued = System.nanoTime();
            try {
                if (reading) {
                    channel.read(buffer, position, null, this);
                } else {
                    channel.write(buffer, position, null, this);
                }
            } catch (RuntimeException e) {
                job.control().fail(e);
                finished.countDown();
            }
        }

        @Override
        public void completed(Integer result, Void attachment) {
            long now = System.nanoTime();
            if (result != buffer.capacity()) {
                job.control().fail(new IOException("short " + (reading ? "read" : "write") + ": expected="
                        + buffer.capacity() + ", got=" + result + ", offset=" + position));
                finished.countDown();
                return;
            }
            job.stats().forCurrentThread().record(reading, result, issued, now, job.control().measuring(issued));
            issueOrFinish();
        }

        @Override
        public void failed(Throwable exc, Void attachment) {
            job.control().fail(exc);
            finished.countDown();
        }
    }
}
