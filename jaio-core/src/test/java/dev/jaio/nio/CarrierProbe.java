package dev.jaio.nio;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run by {@link AioFileChannelTest} in a child JVM with one carrier thread: reads {@code args[1]} from
 * many virtual threads through jaio's FileChannel ({@code args[0]} = jaio, or jaio-direct to open it with
 * O_DIRECT) or the JDK's ({@code jdk}),
 * and prints how many virtual threads were inside a read at once. A read that parks its virtual thread
 * lets the single carrier run others (more than one at once); a read that holds the carrier does not.
 */
public final class CarrierProbe {
    private CarrierProbe() {
    }

    /** Runs the probe. */
    public static void main(String[] args) throws Exception {
        Path p = Path.of(args[1]);
        AtomicInteger inRead = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        int threads = 2000;
        try (FileChannel ch = switch (args[0]) {
            case "jaio" -> AioFileChannel.open(p, StandardOpenOption.READ);
            // O_DIRECT: every read goes to the engine (a cached buffered read is done inline and never parks).
            case "jaio-direct" -> AioFileChannel.open(p, StandardOpenOption.READ, dev.jaio.JaioOpenOption.DIRECT);
            default -> FileChannel.open(p, StandardOpenOption.READ);
        };
             ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            long size = ch.size();
            for (int i = 0; i < threads; i++) {
                long pos = (i * 65536L) % (size - 65536);
                vts.submit(() -> {
                    ByteBuffer dst = ByteBuffer.allocate(65536);
                    max.accumulateAndGet(inRead.incrementAndGet(), Math::max);
                    int n = ch.read(dst, pos);
                    inRead.decrementAndGet();
                    if (n == 65536) {
                        ok.incrementAndGet();
                    }
                    return null;
                });
            }
        }
        System.out.println("maxInRead=" + max.get() + " ok=" + ok.get() + " of " + threads
                + (args[0].startsWith("jaio") ? " " + dev.jaio.AioEngine.defaultEngine().stats() : ""));
    }
}
