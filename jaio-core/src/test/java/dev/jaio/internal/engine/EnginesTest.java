package dev.jaio.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.internal.engine.aio.KernelAioEngine;
import dev.jaio.internal.engine.pool.ThreadPoolEngine;
import dev.jaio.internal.engine.uring.UringEngine;
import dev.jaio.uring.IoUring;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The factory: which backend it builds for each choice and for each value of {@code jaio.engine}. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EnginesTest {
    private String saved;

    @BeforeEach
    void clearProperty() {
        saved = System.getProperty("jaio.engine");
        System.clearProperty("jaio.engine");
    }

    @AfterEach
    void restoreProperty() {
        if (saved == null) {
            System.clearProperty("jaio.engine");
        } else {
            System.setProperty("jaio.engine", saved);
        }
    }

    private static EngineConfig config() {
        return TestConfigs.defaults("engines-test");
    }

    @Test
    void shouldBuildEachBackendItIsAskedFor() throws Exception {
        for (Backend b : Backend.values()) {
            if (b == Backend.IO_URING && !IoUring.isAvailable()) {
                System.out.println("skipped IO_URING: io_uring is unusable here: "
                        + IoUring.unavailabilityCause().orElse(""));
                continue;
            }
            Engines.Built built;
            try {
                built = Engines.build(b, config());
            } catch (dev.jaio.AioException unusable) {
                assertEquals(Backend.KERNEL_AIO, b, "only kernel AIO may be refused here: " + unusable);
                System.out.println("skipped KERNEL_AIO: kernel AIO is unusable here: " + unusable.getMessage());
                continue;
            }
            Engine e = built.engine();
            try {
                assertEquals(b, e.backend());
                assertNull(built.fallbackReason(), "asked for, not fallen back to");
                Class<?> expected = switch (b) {
                    case KERNEL_AIO -> KernelAioEngine.class;
                    case THREAD_POOL -> ThreadPoolEngine.class;
                    case IO_URING -> UringEngine.class;
                };
                assertEquals(expected, e.getClass());
                assertEquals(0, e.inFlight());
                assertEquals(0, e.stats().submitted());
            } finally {
                e.close();
            }
        }
    }

    @Test
    void shouldChooseKernelAioAutomaticallyWhereItIsUsable() throws Exception {
        Engines.Built built = Engines.build(null, config());
        try {
            if (built.fallbackReason() != null) {
                assertEquals(Backend.THREAD_POOL, built.engine().backend(), "the fallback is the thread pool");
            }
            Assumptions.assumeTrue(built.fallbackReason() == null,
                    () -> "kernel AIO is unusable here: " + built.fallbackReason());
            assertEquals(Backend.KERNEL_AIO, built.engine().backend());
        } finally {
            built.engine().close();
        }
    }

    @Test
    void shouldLetTheSystemPropertyOverrideTheChoice() throws Exception {
        System.setProperty("jaio.engine", "threads");
        Engines.Built built = Engines.build(Backend.KERNEL_AIO, config());
        try {
            assertEquals(Backend.THREAD_POOL, built.engine().backend());
        } finally {
            built.engine().close();
        }
    }

    @Test
    void shouldReadEveryNameOfTheSystemProperty() {
        for (String v : new String[] {"kernel", "aio", "KERNEL_AIO", " kernel "}) {
            assertEquals(Backend.KERNEL_AIO, Engines.fromProperty(v), v);
        }
        for (String v : new String[] {"threads", "thread_pool", "pool"}) {
            assertEquals(Backend.THREAD_POOL, Engines.fromProperty(v), v);
        }
        for (String v : new String[] {"uring", "io_uring", "IO_URING"}) {
            assertEquals(Backend.IO_URING, Engines.fromProperty(v), v);
        }
        assertNull(Engines.fromProperty("auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Engines.fromProperty("epoll"));
        assertTrue(e.getMessage().contains("jaio.engine=epoll"), e.getMessage());
    }

    @Test
    void shouldRefuseAConfigurationWithACountBelowOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestConfigs.of("t", 0, 1, 64, false, null));
        assertEquals("queueDepth must be positive: queueDepth=0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TestConfigs.of("t", 8, 1, -1, false, null));
        assertEquals("maxOutstanding must be positive: maxOutstanding=-1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TestConfigs.of("t", 8, 0, 64, false, null));
        assertEquals("contexts must be positive: contexts=0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new EngineConfig(8, 1, 64, false, null, 0, 4, false, "t"));
        assertEquals("blockingThreads must be positive: blockingThreads=0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new EngineConfig(8, 1, 64, false, null, 2, 0, false, "t"));
        assertEquals("poolThreads must be positive: poolThreads=0", e.getMessage());
        assertThrows(NullPointerException.class,
                () -> new EngineConfig(8, 1, 64, false, null, 2, 4, false, null));
    }

    @Test
    void shouldReportNoKernelCallsForTheThreadPool() throws Exception {
        Engine e = Engines.create(Backend.THREAD_POOL, config());
        try {
            assertEquals(KernelCalls.NONE, e.kernelCalls());
            assertEquals(KernelCalls.NONE, e.stats().kernel());
        } finally {
            e.close();
            e.close(); // idempotent
        }
    }
}
