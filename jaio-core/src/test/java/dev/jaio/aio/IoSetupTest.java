package dev.jaio.aio;

import static dev.jaio.testing.ErrnoAssertions.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.testing.TestFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Conformance of {@link AioContext#setup} with io_setup(2) on the running kernel: its errors, the
 * ring it maps, and its accounting in aio-nr.
 */
class IoSetupTest {
    @RegisterExtension
    final AioFixture fx = new AioFixture();

    @Test
    void shouldReportIdAndNrEvents() throws Exception {
        AioContext ctx = fx.context(5);
        assertNotEquals(0, ctx.id());
        assertEquals(5, ctx.nrEvents());
        assertTrue(ctx.ringCapacity() >= 5, "ringCapacity=" + ctx.ringCapacity());
        assertFalse(ctx.isClosed());
        assertTrue(ctx.toString().contains("nrEvents=5"), ctx.toString());
    }

    @Test
    void shouldFailSetupWithEinvalForZero() {
        AioException e = assertErrno(Errno.EINVAL, "io_setup", () -> AioContext.setup(0));
        assertTrue(e.getMessage().contains("nr_events"), e.getMessage());
    }

    @Test
    void shouldPassMinusOneAsUnsignedAndFailWithEinval() {
        // 0xFFFFFFFF: the kernel's doubling wraps to 0xFFFFFFFE, beyond its 0x10000000 / 32 bound.
        assertErrno(Errno.EINVAL, "io_setup", () -> AioContext.setup(-1));
    }

    @Test
    void shouldFailSetupWithEinvalBeyondTheKernelsInternalLimit() {
        // ioctx_alloc doubles nr_events and refuses more than 0x10000000 / sizeof(struct io_event)
        // = 8388608 slots: 4194305 is the first count it refuses that way.
        assertErrno(Errno.EINVAL, "io_setup", () -> AioContext.setup(4_194_305));
        assertErrno(Errno.EINVAL, "io_setup", () -> AioContext.setup(Integer.MAX_VALUE));
    }

    @Test
    void shouldFailSetupWithEagainWithinTheInternalLimitButBeyondAioMaxNr() throws Exception {
        Assumptions.assumeTrue(TestFiles.aioMaxNr() < 4_194_304, "aio-max-nr is raised beyond 4194304");
        // 4194304 doubles to exactly the internal limit, so the quota check answers.
        AioException e = assertErrno(Errno.EAGAIN, "io_setup", () -> AioContext.setup(4_194_304));
        assertTrue(e.getMessage().contains("aio-max-nr"), e.getMessage());
    }

    @Test
    void shouldFailSetupWithEagainWhenTheDoublingWrapsToZero() {
        // 0x80000000 doubled in 32 bits is 0: fs/aio.c answers EAGAIN for a zero slot count.
        assertErrno(Errno.EAGAIN, "io_setup", () -> AioContext.setup(Integer.MIN_VALUE));
    }

    @Test
    void shouldFailSetupWithEagainNamingAioMaxNrWhenOneContextAsksForMoreThanTheLimit() throws Exception {
        long max = TestFiles.aioMaxNr();
        Assumptions.assumeTrue(max < Integer.MAX_VALUE / 4, "aio-max-nr too large to exceed: " + max);
        AioException e = assertErrno(Errno.EAGAIN, "io_setup", () -> AioContext.setup((int) max + 1));
        assertTrue(e.getMessage().contains("/proc/sys/fs/aio-max-nr"), e.getMessage());
        assertTrue(e.getMessage().contains("aio-max-nr=" + max), e.getMessage());
        assertTrue(e.getMessage().contains("aio-nr="), e.getMessage());
    }

    @Test
    void shouldFailSetupWithEagainOnceTheMachineWideQuotaIsUsedUp() throws Exception {
        long max = TestFiles.aioMaxNr();
        Assumptions.assumeTrue(max <= 1 << 20, "aio-max-nr too large to use up in a test: " + max);
        // aio-nr is machine-wide and other processes change it: take what remains in one context,
        // then ask for one more event. Retry when another process moved aio-nr in between.
        for (int attempt = 0; attempt < 10; attempt++) {
            long remaining = max - TestFiles.aioNr();
            if (remaining < 1) {
                Thread.sleep(50);
                continue;
            }
            AioContext big;
            try {
                big = AioContext.setup((int) remaining);
            } catch (AioException raced) {
                continue;
            }
            try (big) {
                try {
                    AioContext.setup(1).close(); // someone released quota meanwhile: try again
                } catch (AioException e) {
                    assertEquals(Errno.EAGAIN.number(), e.errno(), e.getMessage());
                    assertEquals("io_setup", e.syscall());
                    assertTrue(e.getMessage().contains("aio-max-nr=" + max), e.getMessage());
                    assertTrue(e.getMessage().contains("aio-nr="), e.getMessage());
                    return;
                }
            }
        }
        Assumptions.abort("aio-nr kept changing under other processes; could not use up the quota");
    }

    @Test
    void shouldCountTheRequestedEventsInAioNrAndReturnThemOnClose() throws Exception {
        // Other processes on the machine change aio-nr too: an attempt during which it moved for
        // them is repeated. A leak would fail every attempt.
        String last = "";
        long mappingsBefore = TestFiles.aioRingMappings();
        for (int attempt = 0; attempt < 10; attempt++) {
            long before = TestFiles.aioNr();
            long during;
            try (AioContext a = AioContext.setup(100);
                 AioContext b = AioContext.setup(1000, false)) {
                during = TestFiles.aioNr();
                assertEquals(mappingsBefore + 2, TestFiles.aioRingMappings(), "rings mapped");
            }
            long after = TestFiles.aioNr();
            if (during == before + 1100 && after == before) {
                assertEquals(mappingsBefore, TestFiles.aioRingMappings(), "rings unmapped");
                return;
            }
            last = "before=" + before + " during=" + during + " after=" + after;
            Thread.sleep(20);
        }
        fail("aio-nr did not go up by the requested 1100 and back in 10 attempts: " + last);
    }

    @Test
    void shouldGiveARingOfAtLeastNrEventsSlots() throws Exception {
        for (int n : new int[] {1, 8, 127, 128, 1000}) {
            try (AioContext ctx = AioContext.setup(n)) {
                assertTrue(ctx.usesRing());
                assertTrue(ctx.ringCapacity() >= n, "n=" + n + " ringCapacity=" + ctx.ringCapacity());
            }
        }
    }
}
