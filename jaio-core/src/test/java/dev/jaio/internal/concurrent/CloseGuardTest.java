package dev.jaio.internal.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioException;
import dev.jaio.Errno;
import org.junit.jupiter.api.Test;

/** The guard AioContext and IoUring put in front of every call that passes their id or descriptor. */
class CloseGuardTest {
    @Test
    void shouldRefuseACallAfterCloseWithTheOwnersErrnoAndAdvice() throws Exception {
        CloseGuard g = new CloseGuard(Errno.EBADF.number(), "set up a new one");
        g.acquire("io_uring_enter");
        assertEquals(1, g.inUse());
        g.release();
        assertTrue(g.closeAndAwait(), "the first close closes");
        assertFalse(g.closeAndAwait(), "a second close only waits");
        AioException e = assertThrows(AioException.class, () -> g.acquire("io_uring_enter"));
        assertEquals(Errno.EBADF.number(), e.errno());
        assertEquals("io_uring_enter", e.syscall());
        assertTrue(e.getMessage().contains("set up a new one"), e.getMessage());
        assertEquals(0, g.inUse());
    }
}
