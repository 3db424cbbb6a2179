package dev.jaio.cli.bench;

import dev.jaio.AioEngine;
import dev.jaio.AsyncFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;

/**
 * {@code --ioengine=aio}: jaio's engine. An {@link AioEngine} in kernel AIO mode with a queue depth of
 * {@code iodepth}, whose futures complete on its event loop thread ({@code completionExecutor(Runnable::run)});
 * each completion records itself and issues the slot's next request through {@link AsyncFile}, so
 * {@code iodepth} requests stay in flight and the engine batches the refills into its io_submit calls.
 * Its buffers come from the engine's {@link AioEngine#bufferPool()}, as an application's would: those of
 * 256 KiB and more are on transparent huge pages. {@code --ioengine=uring} is the same on an engine in
 * {@link AioEngine.Mode#IO_URING} mode, whose loop gathers a turn's refills into one io_uring_enter that
 * also waits; there the pool's slab is registered with the ring, so that the reads and writes go in as
 * {@code READ_FIXED}/{@code WRITE_FIXED} (a line on standard error says whether they did).
 */
final class AioBenchEngine implements BenchEngine {
    private final AioEngine.Mode mode;
    private final boolean submitEagerly;

    /**
     * With {@code submitEagerly}, {@code --ioengine=aio-eager} (see {@code AioEngine.Builder.submitEagerly});
     * with {@link AioEngine.Mode#IO_URING}, {@code --ioengine=uring}.
     */
    AioBenchEngine(AioEngine.Mode mode, boolean submitEagerly) {
        this.mode = mode;
        this.submitEagerly = submitEagerly;
    }

    @Override
    public void run(JobContext job) throws Exception {
        Workload w = job.workload();
        int depth = w.iodepth();
        try (AioEngine engine = AioEngine.builder().mode(mode).queueDepth(depth)
                .submitEagerly(submitEagerly).completionExecutor(Runnable::run).name("jaio-bench-j" + job.index()).build();
             AsyncFile file = AsyncFile.open(w.file(), engine, AioRawEngine.openOptions(w))) {
            // Automatic memory: AsyncFile hands the kernel memory only the GC can free, and stages (copies)
            // buffers of arenas the caller could close.
            Arena arena = Arena.ofAuto();
            int align = JobContext.bufferAlignment(w.direct() ? file.directIoAlignment().strictest() : 1);
            CountDownLatch finished = new CountDownLatch(depth);
            Slot[] slots = new Slot[depth];
            for (int i = 0; i < depth; i++) {
                MemorySegment buf = w.heapBuffers() ? MemorySegment.ofArray(new byte[w.blockSize()])
                        : align <= engine.bufferPool().alignment()
                        ? engine.bufferPool().acquire(w.blockSize()).segment() // held for the job: never released
                        : arena.allocate(w.blockSize(), align);
                JobContext.fillPattern(buf, i + 1L);
                slots[i] = new Slot(job, file, buf, finished);
            }
            for (Slot s : slots) {
                s.issueOrFinish();
            }
            finished.await();
            job.stats().engineStats(engine.stats());
            reportEngine(job, engine);
            if (mode == AioEngine.Mode.IO_URING) {
                System.err.println("jaio-uring: job=" + job.index() + " registered_buffers="
                        + engine.registeredBuffersFallback().map(r -> "no (" + r + ")").orElse("yes"));
            }
        }
    }

    /**
     * Writes the engine's syscall counts for the whole job (ramp included) to standard error, one line,
     * so that scripts can work out io_submit calls per I/O: {@code jaio-engine: job=0 ios=... io_submit=...
     * io_getevents=... ring_events=...}.
     */
    static void reportEngine(JobContext job, AioEngine engine) {
        AioEngine.Stats s = engine.stats();
        System.err.println("jaio-engine: job=" + job.index() + " ios=" + (s.completed() + s.failed())
                + " io_submit=" + s.submitCalls() + " io_getevents=" + s.getEventsCalls()
                + " ring_events=" + s.ringEvents());
    }

    /** One request slot: issues, completes on the engine's thread, issues again until the control says stop. */
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

        /**
         * Issues the slot's next request. A request the inline path finished before returning is handled in
         * this loop rather than by a nested call from {@code whenComplete}: a warm cache would otherwise
         * recurse once per request until the stack overflowed, and CompletableFuture would swallow the
         * error with the slot's chain.
         */
        void issueOrFinish() {
            while (true) {
                if (!job.control().tryIssue(System.nanoTime())) {
                    finished.countDown();
                    return;
                }
                reading = job.requests().nextIsRead();
                position = job.requests().nextOffset();
                issued = System.nanoTime();
                CompletableFuture<Integer> f;
                try {
                    f = reading ? file.read(buffer, position) : file.write(buffer, position);
                } catch (RuntimeException e) {
                    job.control().fail(e);
                    finished.countDown();
                    return;
                }
                if (!f.isDone()) {
                    f.whenComplete(this);
                    return;
                }
                Integer result = null;
                Throwable failure = null;
                try {
                    result = f.join();
                } catch (CompletionException | java.util.concurrent.CancellationException e) {
                    failure = e.getCause() != null ? e.getCause() : e;
                }
                if (!record(result, failure, System.nanoTime())) {
                    return;
                }
            }
        }

        @Override
        public void accept(Integer result, Throwable failure) {
            if (record(result, failure, System.nanoTime())) {
                issueOrFinish();
            }
        }

        /** Records a completion; false (and the slot finished) when it failed or was short. */
        private boolean record(Integer result, Throwable failure, long now) {
            if (failure != null) {
                job.control().fail(failure);
                finished.countDown();
                return false;
            }
            if (result != buffer.byteSize()) {
                job.control().fail(new IOException("short " + (reading ? "read" : "write") + ": expected="
                        + buffer.byteSize() + ", got=" + result + ", offset=" + position));
                finished.countDown();
                return false;
            }
            job.stats().forCurrentThread().record(reading, result, issued, now, job.control().measuring(issued));
            return true;
        }
    }
}
