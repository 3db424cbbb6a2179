package dev.jaio.cli;

import dev.jaio.aio.AioContext;
import dev.jaio.DirectIoAlignment;
import dev.jaio.aio.IoEvent;
import dev.jaio.aio.Iocb;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes and reads a file through kernel AIO with O_DIRECT, printing every step. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Create a file, write and read it back with O_DIRECT through kernel AIO, and print each step.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", description = "Directory for the demo file (default: a new temporary directory).")
    Path dir;

    @Option(names = "--blocks", defaultValue = "8", description = "Blocks to write and read (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path base = dir != null ? dir : Files.createTempDirectory("jaio-demo");
        Path path = base.resolve("demo.dat");
        try (AioContext ctx = AioContext.setup(blocks);
             NativeFile file = NativeFile.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                     StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, JaioOpenOption.DIRECT);
             Arena arena = Arena.ofConfined()) {
            out.printf("io_setup(%d)          -> context 0x%x (ring reaping in user space: %s)%n",
                    blocks, ctx.id(), ctx.usesRing());
            DirectIoAlignment align = file.directIoAlignment();
            int bs = Math.max(4096, align.strictest());
            out.printf("open(O_DIRECT)        -> fd %d, %s, alignment memory=%d offset=%d%n",
                    file.fd(), path, align.memory(), align.offset());

            MemorySegment src = arena.allocate((long) bs * blocks, align.strictest());
            for (long i = 0; i < src.byteSize(); i++) {
                src.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + i / bs));
            }
            List<Iocb> writes = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                writes.add(Iocb.allocate(arena).prepPwrite(file.fd(), src.asSlice((long) b * bs, bs), (long) b * bs).data(b));
            }
            out.printf("io_submit(%d writes)   -> %d queued%n", blocks, ctx.submit(writes));
            reap(ctx, blocks, "write", out);

            MemorySegment dst = arena.allocate((long) bs * blocks, align.strictest());
            List<Iocb> reads = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                reads.add(Iocb.allocate(arena).prepPread(file.fd(), dst.asSlice((long) b * bs, bs), (long) b * bs).data(b));
            }
            out.printf("io_submit(%d reads)    -> %d queued%n", blocks, ctx.submit(reads));
            reap(ctx, blocks, "read", out);

            long mismatch = src.mismatch(dst);
            out.println(mismatch == -1
                    ? "verify                -> all " + src.byteSize() + " bytes read back as written"
                    : "verify                -> MISMATCH at byte " + mismatch);
            Iocb fsync = Iocb.allocate(arena).prepFdsync(file.fd());
            ctx.submit(fsync);
            IoEvent synced = ctx.getEvents(1, 1, Duration.ofSeconds(30)).getFirst();
            out.printf("io_submit(FDSYNC)     -> res=%d%n", synced.res());
            AioContext.Counters c = ctx.counters();
            out.printf("counters              -> %d io_submit, %d io_getevents, %d events from the ring, %d from the syscall%n",
                    c.submitCalls(), c.getEventsCalls(), c.ringEvents(), c.syscallEvents());
            out.println("io_destroy            -> context closed");
            return mismatch == -1 && synced.res() == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
        } finally {
            Files.deleteIfExists(path);
            if (dir == null) {
                Files.deleteIfExists(base);
            }
        }
    }

    private static void reap(AioContext ctx, int n, String what, PrintStream out) throws Exception {
        int got = 0;
        while (got < n) {
            for (IoEvent e : ctx.getEvents(1, n - got, Duration.ofSeconds(30))) {
                out.printf("io_getevents          -> %s of block %d: res=%d%s%n", what, e.data(), e.res(),
                        e.failed() ? " (" + dev.jaio.Errno.nameOf(e.errno()) + ")" : "");
                got++;
            }
        }
    }
}
