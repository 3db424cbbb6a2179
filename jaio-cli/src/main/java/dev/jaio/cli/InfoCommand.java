package dev.jaio.cli;

import dev.jaio.aio.AioContext;
import dev.jaio.AioEngine;
import dev.jaio.AsyncFile;
import dev.jaio.AioException;
import dev.jaio.DirectIoAlignment;
import dev.jaio.Errno;
import dev.jaio.aio.IoEvent;
import dev.jaio.aio.Iocb;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jaio info [PATH]}: whether kernel AIO works here and, if not, why; the AIO limits; the kernel;
 * and for PATH, its file system, its O_DIRECT alignment and which per-request {@code RWF_*} flags the
 * kernel accepts there.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Report whether kernel AIO is usable here, its limits, and what PATH's file system supports.")
final class InfoCommand implements Callable<Integer> {
    /** The RWF_* flags probed, in the kernel's order. */
    static final Map<String, Integer> RWF_FLAGS = rwfFlags();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "A directory or file to examine (default: the current directory).")
    Path path;

    @Override
    public Integer call() {
        try {
            return examine();
        } finally {
            spec.commandLine().getOut().flush();
        }
    }

    private int examine() {
        PrintWriter out = spec.commandLine().getOut();
        Path target = (path != null ? path : Path.of("")).toAbsolutePath().normalize();
        out.println("jaio " + new Main.Version().getVersion()[0].substring("jaio ".length()));
        out.println("kernel:            " + readProc("/proc/sys/kernel/osrelease").orElse("unknown") + " ("
                + System.getProperty("os.arch") + ")");
        boolean aio = false;
        try (AioContext ctx = AioContext.setup(1)) {
            aio = true;
            out.println("kernel AIO:        usable (io_setup(1) worked; completions reaped "
                    + (ctx.usesRing() ? "from the ring in user space" : "with io_getevents") + ")");
        } catch (AioException e) {
            out.println("kernel AIO:        NOT usable: " + e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            out.println("kernel AIO:        NOT usable: " + e);
        }
        out.println("io_uring:          " + UringInfo.describe());
        out.println("aio-nr/aio-max-nr: " + readProc("/proc/sys/fs/aio-nr").orElse("?") + " / "
                + readProc("/proc/sys/fs/aio-max-nr").orElse("?")
                + " (requests reserved by all contexts on the system / the limit)");
        out.println("engine:            " + EngineInfo.describe());
        out.println("path:              " + target + (Files.isDirectory(target) ? " (directory)"
                : Files.isRegularFile(target) ? " (file)" : Files.exists(target) ? "" : " (does not exist)"));
        out.println("file system:       " + Mounts.describe(target));
        if (!Files.exists(target)) {
            return Main.EXIT_FAILURE;
        }
        Path dir = Files.isDirectory(target) ? target : target.getParent();
        Path probe = null;
        try {
            probe = Files.createTempFile(dir, ".jaio-info", ".tmp");
            out.println("cached I/O:        " + cachedIo(probe));
            DirectIoAlignment align;
            Path alignOf = Files.isRegularFile(target) ? target : probe;
            try (NativeFile f = NativeFile.open(alignOf, StandardOpenOption.READ, JaioOpenOption.DIRECT)) {
                align = f.directIoAlignment();
                out.println("O_DIRECT:          supported; alignment memory=" + align.memory() + " offset="
                        + align.offset() + " bytes");
            } catch (IOException e) {
                out.println("O_DIRECT:          NOT supported here: " + e.getMessage());
                return Main.EXIT_OK;
            }
            if (!aio) {
                out.println("RWF_* flags:       not probed (no kernel AIO)");
                return Main.EXIT_OK;
            }
            out.println("RWF_* flags (4 KiB O_DIRECT write and read of a temporary file in " + dir + " through AioContext):");
            for (Map.Entry<String, Integer> flag : RWF_FLAGS.entrySet()) {
                out.printf("  %-14s write %-28s read %s%n", flag.getKey(), probe(probe, flag.getValue(), true, align),
                        probe(probe, flag.getValue(), false, align));
            }
            out.println("  (RWF_HIPRI is accepted and then dropped by kernel AIO, which has no one to poll.)");
            return Main.EXIT_OK;
        } catch (IOException e) {
            out.println("probe:             could not create a temporary file in " + dir + ": " + e);
            return Main.EXIT_FAILURE;
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // nothing left to do about it
                }
            }
        }
    }

    /** Submits one 4 KiB request with {@code rwFlags} and answers "ok" or the errno's name and where it came from. */
    static String probe(Path file, int rwFlags, boolean write, DirectIoAlignment align) {
        int size = Math.max(4096, align.strictest());
        try (NativeFile f = NativeFile.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                JaioOpenOption.DIRECT);
             AioContext ctx = AioContext.setup(1);
             Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(size, size);
            if (f.size() < size) {
                f.write(buf, 0);
            }
            Iocb iocb = Iocb.allocate(arena);
            if (write) {
                iocb.prepPwrite(f.fd(), buf, 0);
            } else {
                iocb.prepPread(f.fd(), buf, 0);
            }
            iocb.rwFlags(rwFlags);
            try {
                ctx.submit(iocb);
            } catch (AioException e) {
                return Errno.nameOf(e.errno()) + " (io_submit)";
            }
            List<IoEvent> events = ctx.getEvents(1, 1, Duration.ofSeconds(10));
            if (events.isEmpty()) {
                return "no completion in 10 s";
            }
            IoEvent e = events.getFirst();
            return e.failed() ? Errno.nameOf(e.errno()) + " (completion)" : "ok";
        } catch (IOException e) {
            return "probe failed: " + e.getMessage();
        }
    }

    /**
     * Writes and reads back 4 KiB of {@code file} twice without O_DIRECT through {@link AsyncFile} on an
     * engine of its own, and says which requests its inline path (RWF_NOWAIT on the calling thread) did and
     * which went to the engine, from the engine's counters.
     */
    static String cachedIo(Path file) {
        try (AioEngine engine = AioEngine.builder().queueDepth(4).name("jaio-info").build();
             AsyncFile f = AsyncFile.open(file, engine, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4096);
            for (int i = 0; i < 2; i++) {
                f.write(b.clear(), 0).get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            AioEngine.Stats w = engine.stats();
            for (int i = 0; i < 2; i++) {
                f.read(b.clear(), 0).get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            AioEngine.Stats all = engine.stats();
            long readsInline = all.inline() - w.inline();
            return "2 buffered 4 KiB writes: " + w.inline() + " inline, " + w.toEngine() + " to the engine"
                    + (w.inline() == 0 ? " (RWF_NOWAIT writes refused here)" : "")
                    + "; 2 cached reads: " + readsInline + " inline, " + (all.toEngine() - w.toEngine())
                    + " to the engine" + (readsInline == 0 ? " (RWF_NOWAIT reads refused here)" : "")
                    + " [" + engine.kind() + "]";
        } catch (Exception e) {
            return "probe failed: " + e;
        }
    }

    /**
     * Reads a small /proc file whole. An InputStream, because {@code Files.readString} trusts the size
     * /proc reports (0 or 4096) and may cut the text short.
     */
    static Optional<String> readProc(String file) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Map<String, Integer> rwfFlags() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("RWF_HIPRI", Iocb.RWF_HIPRI);
        m.put("RWF_DSYNC", Iocb.RWF_DSYNC);
        m.put("RWF_SYNC", Iocb.RWF_SYNC);
        m.put("RWF_NOWAIT", Iocb.RWF_NOWAIT);
        m.put("RWF_APPEND", Iocb.RWF_APPEND);
        m.put("RWF_NOAPPEND", Iocb.RWF_NOAPPEND);
        m.put("RWF_ATOMIC", Iocb.RWF_ATOMIC);
        m.put("RWF_DONTCACHE", Iocb.RWF_DONTCACHE);
        return m;
    }
}
