package dev.jaio;

import static java.nio.file.StandardOpenOption.READ;

import dev.jaio.internal.engine.uring.UringEngine;
import dev.jaio.testing.TestFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM for {@link UringRegisteredBuffersTest}, started with a low RLIMIT_MEMLOCK and without
 * CAP_IPC_LOCK: builds an io_uring engine (whose slab registration the kernel refuses), reads the
 * patterned file given as the argument into pool buffers, and prints whether the data is right, how many
 * fixed requests there were, and the fallback reason.
 */
public final class UringMemlockChild {
    private UringMemlockChild() {
    }

    /**
     * Runs the check.
     *
     * @param args the patterned file
     * @throws Exception on any failure, which fails the test
     */
    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        try (AioEngine engine = AioEngine.builder().mode(AioEngine.Mode.IO_URING).queueDepth(16).build();
             AsyncFile file = AsyncFile.open(path, engine, READ, JaioOpenOption.DIRECT)) {
            UringEngine ue = (UringEngine) engine.engine();
            List<AlignedBufferPool.Buffer> bufs = new ArrayList<>();
            List<CompletableFuture<Integer>> reads = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                AlignedBufferPool.Buffer b = engine.bufferPool().acquire(4096);
                bufs.add(b);
                reads.add(file.read(b.segment(), i * 4096L));
            }
            for (int i = 0; i < 16; i++) {
                if (reads.get(i).get(30, TimeUnit.SECONDS) != 4096) {
                    throw new AssertionError("short read " + i);
                }
                TestFiles.assertPattern(bufs.get(i).segment(), 4096, i * 4096L);
            }
            System.out.println("data=ok");
            System.out.println("fixed=" + ue.fixedRequests() + " registered=" + ue.ringsWithBuffersRegistered());
            System.out.println("fallback=" + engine.registeredBuffersFallback().orElse("none"));
        }
    }
}
