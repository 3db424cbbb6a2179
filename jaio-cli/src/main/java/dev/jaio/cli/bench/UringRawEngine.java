package dev.jaio.cli.bench;

import dev.jaio.AioException;
import dev.jaio.NativeFile;
import dev.jaio.uring.CqeArray;
import dev.jaio.uring.IoUring;
import dev.jaio.uring.Sqe;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code --ioengine=uring-raw}: io_uring with no engine. One thread keeps {@code iodepth} requests in
 * flight on a ring of {@code iodepth} entries (default setup flags, plain READ/WRITE, no registered
 * buffers or files): it refills an SQE for each completion and submits the refills while waiting for the
 * next completion, in one io_uring_enter ({@code submitAndWait(1)}), then reaps what is ready.
 */
final class UringRawEngine implements BenchEngine {
    @Override
    public void run(JobContext job) throws Exception {
        Workload w = job.workload();
        JobControl control = job.control();
        RequestSource requests = job.requests();
        int depth = w.iodepth();
        int bs = w.blockSize();
        try (NativeFile file = NativeFile.open(w.file(), AioRawEngine.openOptions(w));
             IoUring ring = IoUring.setup(depth);
             Arena arena = Arena.ofConfined()) {
            int align = JobContext.bufferAlignment(w.direct() ? file.directIoAlignment().strictest() : 1);
            MemorySegment[] buffers = new MemorySegment[depth];
            boolean[] reading = new boolean[depth];
            long[] issued = new long[depth];
            long[] offsets = new long[depth];
            for (int i = 0; i < depth; i++) {
                buffers[i] = arena.allocate(bs, align);
                JobContext.fillPattern(buffers[i], i + 1L);
            }
            CqeArray cqes = CqeArray.allocate(arena, ring.cqEntries());
            IoStats stats = job.stats().forCurrentThread();
            int fd = file.fd();

            int inflight = 0;
            long now = System.nanoTime();
            for (int i = 0; i < depth && control.tryIssue(now); i++) {
                prep(ring, i, fd, buffers, reading, issued, offsets, requests, now);
                inflight++;
            }
            while (inflight > 0) {
                ring.submitAndWait(1);
                int n = ring.getCqes(0, cqes, 0);
                now = System.nanoTime();
                for (int k = 0; k < n; k++) {
                    int slot = (int) cqes.userData(k);
                    int res = cqes.res(k);
                    inflight--;
                    if (res != bs) {
                        control.fail(res < 0
                                ? new AioException(reading[slot] ? "read" : "write", -res, null, w.file(), offsets[slot])
                                : new IOException("short " + (reading[slot] ? "read" : "write") + ": expected=" + bs
                                        + ", got=" + res + ", offset=" + offsets[slot]));
                        continue;
                    }
                    stats.record(reading[slot], res, issued[slot], now, control.measuring(issued[slot]));
                    if (control.tryIssue(now)) {
                        prep(ring, slot, fd, buffers, reading, issued, offsets, requests, now);
                        inflight++;
                    }
                }
            }
        }
    }

    /** Fills the next SQE with the request of {@code slot}; the ring has one entry per slot, so one is free. */
    private static void prep(IoUring ring, int slot, int fd, MemorySegment[] buffers, boolean[] reading,
                             long[] issued, long[] offsets, RequestSource requests, long now) throws AioException {
        boolean read = requests.nextIsRead();
        long offset = requests.nextOffset();
        Sqe sqe = ring.getSqe();
        if (sqe == null) {
            throw new IllegalStateException("no free SQE with at most iodepth requests in flight: slot=" + slot);
        }
        if (read) {
            sqe.prepRead(fd, buffers[slot], offset);
        } else {
            sqe.prepWrite(fd, buffers[slot], offset);
        }
        sqe.userData(slot);
        reading[slot] = read;
        offsets[slot] = offset;
        issued[slot] = now;
    }
}
