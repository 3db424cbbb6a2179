package dev.jaio;

import dev.jaio.aio.AioContext;
import dev.jaio.aio.IoEventArray;
import dev.jaio.aio.IoPriority;
import dev.jaio.aio.Iocb;
import dev.jaio.testing.ChildJvm;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Small jaio commands for a second JVM, optionally run as the unprivileged user {@code nobody}, for what
 * one process cannot show about itself: a permission check that root passes, an flock held by another
 * process, a system property read once at class load. The child prints one line that the test asserts on.
 */
public final class ChildCommands {
    private ChildCommands() {
    }

    /**
     * Runs {@link #main} with {@code args} in a new JVM, as the current user or as nobody.
     *
     * @param asNobody whether to drop to nobody (see {@link ChildJvm#nobodyUnavailableReason()})
     * @param jvmOptions further JVM options
     * @param args the command and its arguments
     * @return the child's exit code and output
     * @throws IOException if the child cannot be started or does not finish in time
     * @throws InterruptedException if interrupted while waiting for it
     */
    public static ChildJvm.Result run(boolean asNobody, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        ChildJvm child = ChildJvm.of(ChildCommands.class, args)
                .jvmOptions("-XX:-UsePerfData", "-Xshare:auto", "-XX:TieredStopAtLevel=1")
                .jvmOptions(jvmOptions);
        return (asNobody ? child.asNobody() : child).run();
    }

    /**
     * Commands: {@code open PATH} (opens for reading), {@code trylock PATH}, {@code rtread PATH LEVEL}
     * (an O_DIRECT read of 4096 bytes at 0 with real-time I/O priority), {@code usesring}, and for
     * measuring by hand {@code align PATH} and {@code readheavy PATH} (a file of at least 128 KiB).
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "open" -> {
                try (NativeFile f = NativeFile.open(Path.of(args[1]), StandardOpenOption.READ)) {
                    System.out.println("OK");
                } catch (IOException e) {
                    System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            case "trylock" -> {
                try (NativeFile f = NativeFile.open(Path.of(args[1]), StandardOpenOption.READ)) {
                    System.out.println("tryLock=" + f.tryLock());
                }
            }
            case "rtread" -> {
                try (NativeFile f = NativeFile.open(Path.of(args[1]), StandardOpenOption.READ, JaioOpenOption.DIRECT);
                     AioContext ctx = AioContext.setup(4);
                     Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(4096, 4096);
                    Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), buf, 0)
                            .ioPriority(IoPriority.realTime(Integer.parseInt(args[2])));
                    try {
                        ctx.submit(iocb);
                        System.out.println("res=" + ctx.getEvents(1, 1, Duration.ofSeconds(10)).get(0).res());
                    } catch (AioException e) {
                        System.out.println("submit=" + e.errnoName());
                    }
                }
            }
            case "align" -> {
                try (NativeFile f = NativeFile.open(Path.of(args[1]), StandardOpenOption.READ)) {
                    System.out.println(f.directIoAlignment() + " size=" + f.size());
                }
            }
            case "readheavy" -> {
                // 50 batches of 32 O_DIRECT 4 KiB reads, each batch reaped before the next: prints counters.
                try (NativeFile f = NativeFile.open(Path.of(args[1]), StandardOpenOption.READ, JaioOpenOption.DIRECT);
                     AioContext ctx = AioContext.setup(32);
                     Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(32 * 4096, 4096);
                    List<Iocb> batch = new ArrayList<>();
                    for (int i = 0; i < 32; i++) {
                        batch.add(Iocb.allocate(arena).prepPread(f.fd(), buf.asSlice(i * 4096L, 4096), i * 4096L));
                    }
                    IoEventArray events = IoEventArray.allocate(32);
                    for (int n = 0; n < 50; n++) {
                        ctx.submit(batch);
                        int got = 0;
                        while (got < 32) {
                            got += ctx.getEvents(32 - got, events, -1);
                        }
                    }
                    System.out.println(ctx.counters());
                }
            }
            case "usesring" -> {
                try (AioContext ctx = AioContext.setup(4)) {
                    System.out.println("usesRing=" + ctx.usesRing());
                }
            }
            default -> throw new IllegalArgumentException("unknown command: " + args[0]);
        }
    }
}
