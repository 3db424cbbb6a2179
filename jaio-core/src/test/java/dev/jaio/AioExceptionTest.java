package dev.jaio;

import dev.jaio.testing.TestFiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link AioException}: errno, call name and advice in one message. */
class AioExceptionTest {
    @Test
    void shouldBeAnIoExceptionCarryingTheErrnoAndTheCall() {
        AioException e = new AioException("io_submit", 9, null);
        assertTrue(e instanceof IOException);
        assertEquals(9, e.errno());
        assertEquals("EBADF", e.errnoName());
        assertSame(Errno.EBADF, e.errnoConstant());
        assertEquals("io_submit", e.syscall());
        assertNull(e.file());
        assertEquals(-1, e.position());
        assertTrue(e.getMessage().startsWith("io_submit failed: EBADF (Bad file descriptor): "), e.getMessage());
        assertTrue(e.getMessage().contains("not open"), e.getMessage());
    }

    @Test
    void shouldNameTheAioMaxNrLimitAndItsCurrentValuesForIoSetupEagain() throws Exception {
        AioException e = new AioException("io_setup", Errno.EAGAIN.number(), null);
        String m = e.getMessage();
        assertTrue(m.startsWith("io_setup failed: EAGAIN (Resource temporarily unavailable): "), m);
        assertTrue(m.contains("/proc/sys/fs/aio-max-nr"), m);
        assertTrue(m.contains("aio-max-nr=" + TestFiles.aioMaxNr()), m);
        assertTrue(m.matches("(?s).*aio-nr=\\d+.*"), m);
        assertTrue(m.contains("sysctl"), m);
    }

    @Test
    void shouldSayKernelAioIsUnavailableForEnosys() {
        String m = new AioException("io_setup", Errno.ENOSYS.number(), null).getMessage();
        assertTrue(m.startsWith("io_setup failed: ENOSYS (Function not implemented): "), m);
        assertTrue(m.contains("CONFIG_AIO"), m);
        assertTrue(m.contains("seccomp"), m);
        assertTrue(m.contains("thread-pool"), m);
    }

    @Test
    void shouldBlameASecurityPolicyForEpermFromIoSetup() {
        String m = new AioException("io_setup", Errno.EPERM.number(), null).getMessage();
        assertTrue(m.startsWith("io_setup failed: EPERM (Operation not permitted): "), m);
        assertTrue(m.contains("security policy"), m);
        assertTrue(m.contains("seccomp"), m);
        assertTrue(m.contains("run with"), m);
        String other = new AioException("open", Errno.EPERM.number(), null).getMessage();
        assertFalse(other.contains("seccomp"), other);
    }

    @Test
    void shouldGiveAdviceForEachAioErrnoACallerCanMeet() {
        String[][] cases = {
            {"io_setup", "22", "nr_events"},
            {"io_setup", "12", "ring"},
            {"io_submit", "11", "getEvents"},
            {"io_submit", "22", "opcode"},
            {"io_submit", "95", "RWF_"},
            {"io_submit", "14", "pointer"},
            {"io_getevents", "22", "min_nr"},
            {"io_getevents", "4", "signal"},
            {"io_cancel", "22", "not in flight"},
            {"io_cancel", "11", "could not be cancelled"},
            {"io_destroy", "22", "not valid"},
        };
        for (String[] c : cases) {
            int errno = Integer.parseInt(c[1]);
            String m = new AioException(c[0], errno, null).getMessage();
            assertTrue(m.startsWith(c[0] + " failed: " + Errno.nameOf(errno) + " ("), m);
            assertTrue(m.contains(c[2]), "advice for " + c[0] + " errno " + errno + ": " + m);
        }
    }

    @Test
    void shouldPreferTheGivenAdvice() {
        String m = new AioException("io_submit", 22, "custom words").getMessage();
        assertEquals("io_submit failed: EINVAL (Invalid argument): custom words", m);
        assertEquals("io_submit failed: EINVAL (Invalid argument)", new AioException("io_submit", 22, "").getMessage());
    }

    @Test
    void shouldTolerateAnUnknownErrno() {
        AioException e = new AioException("io_submit", 9999, null);
        assertEquals("errno 9999", e.errnoName());
        assertNull(e.errnoConstant());
        assertEquals("io_submit failed: errno 9999 (unknown error 9999)", e.getMessage());
    }

    @Test
    void shouldNameTheFileAndPositionOfAFailedRequest() {
        AioException e = new AioException("pread", 5, null, Path.of("/data/x"), 8192);
        assertEquals(Path.of("/data/x"), e.file());
        assertEquals(8192, e.position());
        assertTrue(e.getMessage().startsWith("pread failed: EIO (Input/output error): file=/data/x position=8192"),
                e.getMessage());
        AioException noPosition = new AioException("fsync", 5, null, Path.of("/data/x"), -1);
        assertFalse(noPosition.getMessage().contains("position="), noPosition.getMessage());
    }
}
