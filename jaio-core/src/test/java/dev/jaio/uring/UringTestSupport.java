package dev.jaio.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.testing.ErrnoAssertions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.function.Executable;

/** Shared checks for the io_uring tests. */
final class UringTestSupport {
    private UringTestSupport() {
    }

    /** Skips the calling test, saying why, where io_uring cannot be set up. */
    static void assumeIoUring() {
        String cause = IoUring.unavailabilityCause().orElse(null);
        Assumptions.assumeTrue(cause == null, () -> "io_uring is not usable here: " + cause);
    }

    /** {@link ErrnoAssertions#assertErrno}, under the name the io_uring tests import. */
    static AioException assertErrno(Errno errno, String syscall, Executable call) {
        return ErrnoAssertions.assertErrno(errno, syscall, call);
    }

    /** Submits what is queued and reaps exactly {@code n} completions, waiting generously. */
    static List<Cqe> submitAndReap(IoUring ring, int n) throws AioException {
        ring.submit();
        List<Cqe> cqes = ring.getCqes(n, n, Duration.ofSeconds(30));
        assertEquals(n, cqes.size(), "completions reaped");
        return cqes;
    }

    /** The one completion of a single request. */
    static Cqe one(IoUring ring) throws AioException {
        return submitAndReap(ring, 1).get(0);
    }
}
