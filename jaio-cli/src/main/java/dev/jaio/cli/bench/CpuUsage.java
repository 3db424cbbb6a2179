package dev.jaio.cli.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time of this whole process (every thread: the engine's, the JIT's, the garbage collector's),
 * from getrusage(2) with {@code RUSAGE_SELF}, microsecond resolution; {@code /proc/self/stat} (clock
 * ticks) where that call is not available.
 *
 * {@snippet lang=c :
 * struct rusage {                   // x86_64 and aarch64
 *     struct timeval ru_utime;      //   0: user time (tv_sec, tv_usec: 8 bytes each)
 *     struct timeval ru_stime;      //  16: system time
 *     long ru_maxrss, ru_ixrss, ru_idrss, ru_isrss;    //  32
 *     long ru_minflt, ru_majflt;    //  64, 72
 *     long ru_nswap, ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals;
 *     long ru_nvcsw, ru_nivcsw;     // 128, 136
 * };                                // 144 bytes
 * }
 *
 * @param userNanos       user CPU time
 * @param systemNanos     system CPU time
 * @param contextSwitches voluntary and involuntary context switches
 * @param minorFaults     minor page faults
 * @param majorFaults     major page faults
 */
public record CpuUsage(long userNanos, long systemNanos, long contextSwitches, long minorFaults, long majorFaults) {
    private static final int RUSAGE_SELF = 0;
    private static final long RUSAGE_SIZE = 144;
    private static final MethodHandle GETRUSAGE = Linker.nativeLinker().defaultLookup().find("getrusage")
            .map(a -> Linker.nativeLinker().downcallHandle(a, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS)))
            .orElse(null);

    /** The process's usage so far. */
    public static CpuUsage now() {
        if (GETRUSAGE != null) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ru = arena.allocate(RUSAGE_SIZE, 8);
                int rc = (int) GETRUSAGE.invokeExact(RUSAGE_SELF, ru);
                if (rc == 0) {
                    return new CpuUsage(timeval(ru, 0), timeval(ru, 16),
                            ru.get(JAVA_LONG, 128) + ru.get(JAVA_LONG, 136), ru.get(JAVA_LONG, 64),
                            ru.get(JAVA_LONG, 72));
                }
            } catch (Throwable e) {
                // fall through to /proc
            }
        }
        return fromProcStat();
    }

    private static long timeval(MemorySegment ru, long offset) {
        return ru.get(JAVA_LONG, offset) * 1_000_000_000L + ru.get(JAVA_LONG, offset + 8) * 1_000L;
    }

    private static CpuUsage fromProcStat() {
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/stat"))) {
            String stat = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            // Fields after the command name (which may hold spaces) start at state, field 3.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
            long tick = 10_000_000L; // USER_HZ is 100 on Linux
            return new CpuUsage(Long.parseLong(f[11]) * tick, Long.parseLong(f[12]) * tick, 0,
                    Long.parseLong(f[7]), Long.parseLong(f[9]));
        } catch (IOException | RuntimeException e) {
            return new CpuUsage(0, 0, 0, 0, 0);
        }
    }

    /** This usage less an earlier one. */
    public CpuUsage minus(CpuUsage earlier) {
        return new CpuUsage(userNanos - earlier.userNanos, systemNanos - earlier.systemNanos,
                contextSwitches - earlier.contextSwitches, minorFaults - earlier.minorFaults,
                majorFaults - earlier.majorFaults);
    }

    /** This usage divided among {@code n} jobs. */
    public CpuUsage dividedBy(int n) {
        return new CpuUsage(userNanos / n, systemNanos / n, contextSwitches / n, minorFaults / n, majorFaults / n);
    }

    /** User and system time together. */
    public long totalNanos() {
        return userNanos + systemNanos;
    }
}
