package dev.jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Errno}: Linux error numbers by name and number. */
class ErrnoTest {
    @Test
    void shouldHaveTheKernelsNumbersForTheAioErrors() {
        // include/uapi/asm-generic/errno-base.h and errno.h
        assertEquals(1, Errno.EPERM.number());
        assertEquals(4, Errno.EINTR.number());
        assertEquals(5, Errno.EIO.number());
        assertEquals(9, Errno.EBADF.number());
        assertEquals(11, Errno.EAGAIN.number());
        assertEquals(12, Errno.ENOMEM.number());
        assertEquals(14, Errno.EFAULT.number());
        assertEquals(22, Errno.EINVAL.number());
        assertEquals(28, Errno.ENOSPC.number());
        assertEquals(38, Errno.ENOSYS.number());
        assertEquals(95, Errno.EOPNOTSUPP.number());
        assertEquals(115, Errno.EINPROGRESS.number());
        assertEquals(125, Errno.ECANCELED.number());
        assertEquals(524, Errno.ENOTSUPP.number());
    }

    @Test
    void shouldLookEveryConstantUpByItsNumber() {
        Set<Integer> numbers = new HashSet<>();
        for (Errno e : Errno.values()) {
            assertTrue(numbers.add(e.number()), "two constants share " + e.number());
            assertSame(e, Errno.of(e.number()));
            assertEquals(e.name(), Errno.nameOf(e.number()));
            assertEquals(e.description(), Errno.describe(e.number()));
            assertTrue(!e.description().isEmpty(), e.name());
        }
    }

    @Test
    void shouldTolerateUnknownNumbers() {
        for (int n : new int[] {0, -1, -22, 41, 58, 523, 525, 4095, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            assertNull(Errno.of(n), "n=" + n);
            assertEquals("errno " + n, Errno.nameOf(n));
            assertEquals("unknown error " + n, Errno.describe(n));
        }
    }

    @Test
    void shouldDescribeErrorsAsStrerrorDoes() {
        assertEquals("Invalid argument", Errno.EINVAL.description());
        assertEquals("Resource temporarily unavailable", Errno.describe(11));
        assertEquals("Bad file descriptor", Errno.describe(9));
    }
}
