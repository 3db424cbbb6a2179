package dev.jaio.reliability;

import dev.jaio.AioEngine;
import dev.jaio.AioException;
import dev.jaio.AsyncFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link FileTooLargeTest} under {@code ulimit -f}: writes across and beyond the limit and prints
 * one {@code key=value} line per result.
 */
public final class FileTooLargeChild {
    private FileTooLargeChild() {
    }

    /** {@code args}: file, limit in bytes. */
    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        long limit = Long.parseLong(args[1]);
        String status = Files.readString(Path.of("/proc/self/status"));
        long bit = 1L << (25 - 1); // SIGXFSZ
        System.out.println("sigxfszIgnored=" + ((mask(status, "SigIgn:") & bit) != 0));
        System.out.println("sigxfszCaught=" + ((mask(status, "SigCgt:") & bit) != 0));
        try (AioEngine engine = AioEngine.builder().queueDepth(8).build(); Arena arena = Arena.ofConfined();
             AsyncFile f = AsyncFile.open(path, engine, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            System.out.println("engine=" + engine.kind());
            MemorySegment buf = arena.allocate(8192, 4096);
            report("straddle", () -> f.write(buf, limit - 4096).get(10, TimeUnit.SECONDS));
            report("beyond", () -> f.write(buf.asSlice(0, 4096), limit).get(10, TimeUnit.SECONDS));
            report("within", () -> f.write(buf.asSlice(0, 4096), 0).get(10, TimeUnit.SECONDS));
        }
        System.out.println("done=true");
    }

    private static long mask(String status, String key) {
        return Long.parseLong(status.lines().filter(l -> l.startsWith(key)).findFirst().orElseThrow()
                .substring(key.length()).trim(), 16);
    }

    private interface Call {
        int run() throws Exception;
    }

    private static void report(String name, Call call) {
        try {
            System.out.println(name + ".bytes=" + call.run());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AioException a) {
                System.out.println(name + ".errno=" + a.errnoName());
                System.out.println(name + ".position=" + a.position());
                System.out.println(name + ".file=" + a.file());
            } else {
                System.out.println(name + ".error=" + e.getCause());
            }
        } catch (Exception e) {
            System.out.println(name + ".error=" + e);
        }
    }
}
