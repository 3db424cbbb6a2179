package dev.jaio.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.testing.Seccomp;
import java.io.IOException;
import java.io.InputStream;
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
                Seccomp.failSyscall(425 /* io_uring_setup, on x86_64 and aarch64 */, errno.number());
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

    private static String read(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }
}
