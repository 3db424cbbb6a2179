package dev.jaio.cli.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jaio.aio.AioContext;
import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.aio.IoEventArray;
import dev.jaio.aio.Iocb;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code --ioengine=aio-raw}: kernel AIO with no engine. One thread keeps {@code iodepth} iocbs in
 * flight: it waits for at least one completion ({@code getEvents(1, events, -1)}), refills the slot of
 * each completed iocb and submits the refills in one io_submit. What {@code aio} costs beyond this is the
 * engine's.
 */
final class AioRawEngine implements BenchEngine {
    @Override
    public void run(JobContext job) throws Exception {
        Workload w = job.workload();
        if (w.heapBuffers()) {
            throw new IllegalArgumentException("--mem=heap is not supported by ioengine=" + w.engine().cliName());
        }
        JobControl control = job.control();
        RequestSource requests = job.requests();
        int depth = w.iodepth();
        int bs = w.blockSize();
        try (NativeFile file = NativeFile.open(w.file(), openOptions(w));
             AioContext ctx = AioContext.setup(depth);
             Arena arena = Arena.ofConfined()) {
            int align = JobContext.bufferAlignment(w.direct() ? file.directIoAlignment().strictest() : 1);
            Iocb[] iocbs = new Iocb[depth];
            MemorySegment[] buffers = new MemorySegment[depth];
            boolean[] reading = new boolean[depth];
            long[] issued = new long[depth];
            for (int i = 0; i < depth; i++) {
                iocbs[i] = Iocb.allocate(arena);
                buffers[i] = arena.allocate(bs, align);
                JobContext.fillPattern(buffers[i], i + 1L);
            }
            MemorySegment pointers = arena.allocate(ADDRESS, depth);
            int[] batchSlots = new int[depth];
            IoEventArray events = IoEventArray.allocate(arena, depth);
            IoStats stats = job.stats().forCurrentThread();
            int fd = file.fd();

            int batch = 0;
            long now = System.nanoTime();
            for (int i = 0; i < depth && control.tryIssue(now); i++) {
                batchSlots[batch++] = i;
            }
            int inflight = submit(ctx, batch, batchSlots, iocbs, buffers, reading, issued, pointers, requests, fd);
            while (inflight > 0) {
                int n = ctx.getEvents(1, events, -1);
                now = System.nanoTime();
                batch = 0;
                for (int k = 0; k < n; k++) {
                    int slot = (int) events.data(k);
                    long res = events.res(k);
                    inflight--;
                    if (res != bs) {
                        control.fail(res < 0
                                ? new AioException(reading[slot] ? "pread" : "pwrite", (int) -res, null, w.file(),
                                        iocbs[slot].offset())
                                : new IOException("short " + (reading[slot] ? "read" : "write") + ": expected=" + bs
                                        + ", got=" + res + ", offset=" + iocbs[slot].offset()));
                        continue;
                    }
                    stats.record(reading[slot], res, issued[slot], now, control.measuring(issued[slot]));
                    if (control.tryIssue(now)) {
                        batchSlots[batch++] = slot;
                    }
                }
                inflight += submit(ctx, batch, batchSlots, iocbs, buffers, reading, issued, pointers, requests, fd);
            }
        }
    }

    /** Prepares the iocbs of {@code slots} and submits them all; returns how many were queued. */
    private static int submit(AioContext ctx, int count, int[] slots, Iocb[] iocbs, MemorySegment[] buffers,
                              boolean[] reading, long[] issued, MemorySegment pointers, RequestSource requests,
                              int fd) throws AioException {
        if (count == 0) {
            return 0;
        }
        for (int i = 0; i < count; i++) {
            int slot = slots[i];
            boolean read = requests.nextIsRead();
            long offset = requests.nextOffset();
            reading[slot] = read;
            Iocb iocb = iocbs[slot];
            if (read) {
                iocb.prepPread(fd, buffers[slot], offset);
            } else {
                iocb.prepPwrite(fd, buffers[slot], offset);
            }
            iocb.data(slot);
            pointers.setAtIndex(JAVA_LONG, i, iocb.address());
        }
        long t = System.nanoTime();
        for (int i = 0; i < count; i++) {
            issued[slots[i]] = t;
        }
        int done = 0;
        while (done < count) {
            try {
                done += ctx.submit(pointers.asSlice((long) done * ADDRESS.byteSize()), count - done);
            } catch (AioException e) {
                if (e.errno() != Errno.EAGAIN.number()) {
                    throw e;
                }
                Thread.onSpinWait(); // the kernel is short of request slots for a moment: try again
            }
        }
        return count;
    }

    static Set<OpenOption> openOptions(Workload w) {
        Set<OpenOption> options = new HashSet<>();
        options.add(StandardOpenOption.READ);
        options.add(StandardOpenOption.WRITE);
        if (w.direct()) {
            options.add(JaioOpenOption.DIRECT);
        }
        return options;
    }
}
