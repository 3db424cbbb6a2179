package dev.jaio.cli.bench;

import dev.jaio.AioEngine;
import dev.jaio.AsyncFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;

/**
 * {@code --ioengine=uring}: jaio's engine on io_uring. As {@code aio}, but with an {@link AioEngine} in
 * {@link AioEngine.Mode#IO_URING} mode: {@code iodepth} slots, futures completed on the ring's loop
 * thread ({@code completionExecutor(Runnable::run)}), each completion issuing its slot's next request,
 * so that the loop gathers the refills of a turn into one io_uring_enter that also waits.
 */
final class UringBenchEngine implements BenchEngine {
    @Override
    public void run(JobContext job) throws Exception {
        Workload w = job.workload();
        int depth = w.iodepth();
        try (AioEngine engine = AioEngine.builder().mode(AioEngine.Mode.IO_URING).queueDepth(depth)
                .completionExecutor(Runnable::run).name("jaio-bench-uring-j" + job.index()).build();
             AsyncFile file = AsyncFile.open(w.file(), engine, AioRawEngine.openOptions(w))) {
            Arena arena = Arena.ofAuto(); // memory only the GC frees goes to the kernel as it is
            int align = JobContext.bufferAlignment(w.direct() ? file.directIoAlignment().strictest() : 1);
            CountDownLatch finished = new CountDownLatch(depth);
            Slot[] slots = new Slot[depth];
            for (int i = 0; i < depth; i++) {
                MemorySegment buf = arena.allocate(w.blockSize(), align);
                JobContext.fillPattern(buf, i + 1L);
                slots[i] = new Slot(job, file, buf, finished);
            }
            for (Slot s : slots) {
                s.next();
            }
            finished.await();
        }
    }

    /** One request slot, reissued from its own completion until the job's control says stop. */
    private static final class Slot implements BiConsumer<Integer, Throwable> {
        private final JobContext job;
        private final AsyncFile file;
        private final MemorySegment buffer;
        private final CountDownLatch finished;
        private boolean reading;
        private long position;
        private long issued;

        Slot(JobContext job, AsyncFile file, MemorySegment buffer, CountDownLatch finished) {
            this.job = job;
            this.file = file;
            this.buffer = buffer;
            this.finished = finished;
        }

        void next() {
            if (!job.control().tryIssue(System.nanoTime())) {
                finished.countDown();
                return;
            }
            reading = job.requests().nextIsRead();
            position = job.requests().nextOffset();
            issued = System.nanoTime();
            try {
                (reading ? file.read(buffer, position) : file.write(buffer, position)).whenComplete(this);
            } catch (RuntimeException e) {
                job.control().fail(e);
                finished.countDown();
            }
        }

        @Override
        public void accept(Integer result, Throwable failure) {
            long now = System.nanoTime();
            if (failure == null && result != buffer.byteSize()) {
                failure = new IOException("short " + (reading ? "read" : "write") + ": expected=" + buffer.byteSize()
                        + ", got=" + result + ", offset=" + position);
            }
            if (failure != null) {
                job.control().fail(failure);
                finished.countDown();
                return;
            }
            job.stats().forCurrentThread().record(reading, result, issued, now, job.control().measuring(issued));
            next();
        }
    }
}
