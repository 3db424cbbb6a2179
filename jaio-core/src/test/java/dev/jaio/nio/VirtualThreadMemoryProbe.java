package dev.jaio.nio;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run by {@link VirtualThreadMemoryTest} (and by hand, for a million threads) in a child JVM: {@code N}
 * virtual threads, each doing one 512-byte read into a heap {@link ByteBuffer} through the JDK's
 * FileChannel or jaio's, then the process's peak resident size ({@code VmHWM} of /proc/self/status).
 *
 * <p>Arguments: {@code JDK|JAIO FILE N [CONCURRENCY]}: with a concurrency, at most that many threads are
 * reading at once (the others wait to start). Prints the reads, the time, {@code VmHWM}, and for jaio the
 * native memory it staged and the per-call scratch blocks it made.
 */
public final class VirtualThreadMemoryProbe {
    private VirtualThreadMemoryProbe() {
    }

    /** See the class documentation. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        java.util.concurrent.Semaphore running = new java.util.concurrent.Semaphore(
                args.length > 3 ? Integer.parseInt(args[3]) : Integer.MAX_VALUE);
        long size = Files.size(file);
        AtomicLong bytes = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        try (FileChannel ch = args[0].equals("JDK") ? FileChannel.open(file, StandardOpenOption.READ)
                : AioFileChannel.open(file, StandardOpenOption.READ)) {
            long t0 = System.nanoTime();
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < n; i++) {
                    long position = (i * 512L) % (size - 512);
                    running.acquireUninterruptibly();
                    ex.execute(() -> {
                        try {
                            bytes.addAndGet(ch.read(ByteBuffer.allocate(512), position));
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        } finally {
                            running.release();
                        }
                    });
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("reads=" + n + " bytes=" + bytes.get() + " failures=" + failures.get() + " ms=" + ms
                    + " " + status("VmHWM") + (args[0].equals("JDK") ? "" : " stagedPeakBytes="
                    + dev.jaio.internal.buffer.StagingPool.forAlignment(4096).peakAllocatedBytes()
                    + " scratchBlocks=" + dev.jaio.internal.linux.ThreadScratch.pooledCreated()));
        }
    }

    private static String status(String key) throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(key + ":"))
                .findFirst().orElse(key + ": ?").replaceAll("\\s+", " ");
    }
}
