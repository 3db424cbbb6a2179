package dev.jaio.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioException;
import dev.jaio.Errno;
import org.junit.jupiter.api.function.Executable;

/** The one check every errno test makes of an {@link AioException}, for kernel AIO and io_uring alike. */
public final class ErrnoAssertions {
    private ErrnoAssertions() {
    }

    /**
     * Asserts that {@code call} throws an {@link AioException} from {@code syscall} with {@code expected}
     * as its errno and errno name, and a message that starts with {@code "<syscall> failed: <NAME>"}.
     *
     * @param expected the errno the call must fail with
     * @param syscall the system call the exception must name
     * @param call what to run
     * @return the exception, for further checks of its message
     */
    public static AioException assertErrno(Errno expected, String syscall, Executable call) {
        AioException e = assertThrows(AioException.class, call);
        assertEquals(expected.number(), e.errno(), () -> "errno of: " + e.getMessage());
        assertEquals(expected.name(), e.errnoName(), e::getMessage);
        assertEquals(syscall, e.syscall(), e::getMessage);
        assertTrue(e.getMessage().startsWith(syscall + " failed: " + expected.name()), e.getMessage());
        return e;
    }
}
