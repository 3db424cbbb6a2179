package dev.jaio.testing;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A seccomp filter that makes one system call fail with a chosen errno, as container runtimes' policies
 * do to io_setup(2) and io_uring_setup(2): how the tests show what jaio does where a backend is forbidden.
 */
public final class Seccomp {
    private static final int PR_SET_SECCOMP = 22;
    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final long SECCOMP_MODE_FILTER = 2;
    private static final int SECCOMP_RET_ALLOW = 0x7fff0000;
    private static final int SECCOMP_RET_ERRNO = 0x00050000;
    private static final MethodHandle PRCTL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("prctl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));

    private Seccomp() {
    }

    /**
     * Installs, on the calling thread only and for the rest of its life, a filter under which system call
     * {@code nr} fails with {@code errno} and every other call is allowed (prctl(2) with
     * {@code PR_SET_NO_NEW_PRIVS}, then {@code PR_SET_SECCOMP}). The numbers are not checked against the
     * architecture: the caller picks them for the one it runs on.
     *
     * @param nr the system call number
     * @param errno the positive errno it returns
     * @throws IllegalStateException if prctl(2) refuses either step
     */
    public static void failSyscall(int nr, int errno) {
        try (Arena arena = Arena.ofConfined()) {
            // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }: load nr; if nr == syscall return ERRNO|errno
            MemorySegment filter = arena.allocate(8 * 4, 8);
            put(filter, 0, (short) 0x20, 0, 0, 0);                           // BPF_LD|BPF_W|BPF_ABS, k=0 (nr)
            put(filter, 1, (short) 0x15, 0, 1, nr);                          // BPF_JMP|BPF_JEQ|BPF_K
            put(filter, 2, (short) 0x06, 0, 0, SECCOMP_RET_ERRNO | errno);   // BPF_RET|BPF_K
            put(filter, 3, (short) 0x06, 0, 0, SECCOMP_RET_ALLOW);
            MemorySegment prog = arena.allocate(16, 8);                     // struct sock_fprog
            prog.set(JAVA_SHORT, 0, (short) 4);
            prog.set(ADDRESS, 8, filter);
            check((int) PRCTL.invokeExact(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L), "PR_SET_NO_NEW_PRIVS");
            check((int) PRCTL.invokeExact(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog.address(), 0L, 0L),
                    "PR_SET_SECCOMP");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("prctl failed to run", t);
        }
    }

    private static void put(MemorySegment filter, int index, short code, int jt, int jf, int k) {
        long base = index * 8L;
        filter.set(JAVA_SHORT, base, code);
        filter.set(JAVA_BYTE, base + 2, (byte) jt);
        filter.set(JAVA_BYTE, base + 3, (byte) jf);
        filter.set(JAVA_INT, base + 4, k);
    }

    private static void check(int ret, String what) {
        if (ret != 0) {
            throw new IllegalStateException("prctl(" + what + ") failed: ret=" + ret);
        }
    }
}
