package dev.jaio.uring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioException;
import dev.jaio.Errno;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * {@link IoUring#isAvailable()} and {@link IoUring#unavailabilityCause()} where io_uring is refused:
 * {@code kernel.io_uring_disabled=2} set for a moment, and a seccomp filter on one thread.
 */
@Isolated("changes kernel.io_uring_disabled for the whole machine for a moment")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoUringAvailabilityTest {
    private static final Path DISABLED = Path.of(UringAdvice.DISABLED_FILE);

    @Test
    void shouldBeAvailableOnThisKernelOrSayWhy() {
        Optional<String> cause = IoUring.unavailabilityCause();
        assertEquals(cause.isEmpty(), IoUring.isAvailable());
        System.out.println("io_uring here: " + cause.orElse("available"));
    }

    @Test
    void shouldFailSetupWithEpermAndReportTheSysctlWhileIoUringIsDisabled() throws Exception {
        Assumptions.assumeTrue(Files.isWritable(DISABLED),
                "needs root and a kernel with kernel.io_uring_disabled (6.6+) to change it: " + DISABLED);
        String original = read(DISABLED);
        Assumptions.assumeTrue("0".equals(original), "kernel.io_uring_disabled is " + original + ", not 0");
        AioException setupError = null;
        boolean available;
        Optional<String> cause;
        // The window in which other processes on this machine cannot create rings: keep it to these calls.
        Files.writeString(DISABLED, "2");
        try {
            try {
                IoUring.setup(4).close();
            } catch (AioException e) {
                setupError = e;
            }
            available = IoUring.isAvailable();
            cause = IoUring.unavailabilityCause();
        } finally {
            Files.writeString(DISABLED, original);
        }
        assertEquals(original, read(DISABLED), "restored");
        assertTrue(setupError != null, "setup succeeded with kernel.io_uring_disabled=2");
        assertEquals(Errno.EPERM.number(), setupError.errno(), setupError::getMessage);
        assertTrue(setupError.getMessage().contains("kernel.io_uring_disabled=2"), setupError.getMessage());
        assertFalse(available);
        assertTrue(cause.orElse("").contains("EPERM") && cause.get().contains("kernel.io_uring_disabled=2"),
                cause.toString());
        try (IoUring ring = IoUring.setup(4)) {
            assertTrue(IoUring.isAvailable(), "available again once restored");
        }
    }

    @Test
    void shouldReportASeccompFilterThatAnswersEnosys() throws Exception {
        Optional<String> cause = underSeccomp(Errno.ENOSYS);
        assertTrue(cause.orElse("").contains("ENOSYS") && cause.get().contains("seccomp"), cause.toString());
    }

    @Test
    void shouldReportASeccompFilterThatAnswersEperm() throws Exception {
        Optional<String> cause = underSeccomp(Errno.EPERM);
        assertTrue(cause.orElse("").contains("EPERM") && cause.get().contains("seccomp"), cause.toString());
    }

    /**
     * On a new thread (seccomp filters are per thread, and this one dies with it), answers io_uring_setup
     * with {@code errno}, as container runtimes' policies do, and asks for the cause and a setup.
     */
    private static Optional<String> underSeccomp(Errno errno) throws Exception {
        Assumptions.assumeTrue(IoUring.isAvailable(),
                "io_uring is not usable here at all: " + IoUring.unavailabilityCause().orElse(""));
        CompletableFuture<Object[]> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                installFilter(425 /* io_uring_setup, on x86_64 and aarch64 */, errno.number());
                Optional<String> cause = IoUring.unavailabilityCause();
                int setupErrno = 0;
                try {
                    IoUring.setup(4).close();
                } catch (AioException e) {
                    setupErrno = e.errno();
                }
                result.complete(new Object[] {cause, setupErrno});
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "seccomp-io-uring");
        t.start();
        Object[] r = result.get(60, TimeUnit.SECONDS);
        t.join();
        assertEquals(errno.number(), (int) r[1], "setup under the filter");
        @SuppressWarnings("unchecked")
        Optional<String> cause = (Optional<String>) r[0];
        assertTrue(IoUring.isAvailable(), "other threads are not filtered");
        return cause;
    }

    private static void installFilter(int syscall, int errno) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle prctl = linker.downcallHandle(linker.defaultLookup().find("prctl").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        try (Arena arena = Arena.ofConfined()) {
            // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }: load nr; if nr == syscall return ERRNO|errno
            MemorySegment filter = arena.allocate(8 * 4, 8);
            put(filter, 0, (short) 0x20, 0, 0, 0);                      // BPF_LD|BPF_W|BPF_ABS, k=0 (nr)
            put(filter, 1, (short) 0x15, 0, 1, syscall);                // BPF_JMP|BPF_JEQ|BPF_K
            put(filter, 2, (short) 0x06, 0, 0, 0x00050000 | errno);     // BPF_RET|BPF_K SECCOMP_RET_ERRNO
            put(filter, 3, (short) 0x06, 0, 0, 0x7fff0000);             // SECCOMP_RET_ALLOW
            MemorySegment prog = arena.allocate(16, 8);                 // struct sock_fprog
            prog.set(JAVA_SHORT, 0, (short) 4);
            prog.set(ADDRESS, 8, filter);
            assertEquals(0, (int) prctl.invokeExact(38 /* PR_SET_NO_NEW_PRIVS */, 1L, 0L, 0L, 0L));
            assertEquals(0, (int) prctl.invokeExact(22 /* PR_SET_SECCOMP */, 2L /* FILTER */, prog.address(), 0L, 0L));
        }
    }

    private static void put(MemorySegment filter, int index, short code, int jt, int jf, int k) {
        long base = index * 8L;
        filter.set(JAVA_SHORT, base, code);
        filter.set(java.lang.foreign.ValueLayout.JAVA_BYTE, base + 2, (byte) jt);
        filter.set(java.lang.foreign.ValueLayout.JAVA_BYTE, base + 3, (byte) jf);
        filter.set(JAVA_INT, base + 4, k);
    }

    private static String read(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }
}
