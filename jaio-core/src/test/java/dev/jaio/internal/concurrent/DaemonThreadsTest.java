package dev.jaio.internal.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/** jaio's threads never keep the JVM alive, and say whose they are by name. */
class DaemonThreadsTest {
    @Test
    void shouldMakeNamedUnstartedDaemons() {
        Thread t = DaemonThreads.unstarted("jaio-test", () -> { });
        assertTrue(t.isDaemon());
        assertFalse(t.isVirtual());
        assertEquals("jaio-test", t.getName());
        assertEquals(Thread.State.NEW, t.getState());
        ThreadFactory f = DaemonThreads.factory("jaio-pool");
        assertEquals("jaio-pool-1", f.newThread(() -> { }).getName());
        Thread second = f.newThread(() -> { });
        assertEquals("jaio-pool-2", second.getName());
        assertTrue(second.isDaemon());
    }
}
