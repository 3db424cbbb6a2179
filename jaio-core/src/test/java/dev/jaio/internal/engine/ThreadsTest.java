package dev.jaio.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Engine threads know themselves; no other thread passes for one. */
class ThreadsTest {
    @Test
    void shouldMarkOnlyTheThreadsItMakes() throws Exception {
        assertFalse(Threads.isEngineThread(), "the test's thread");
        CompletableFuture<Boolean> inside = new CompletableFuture<>();
        Thread t = Threads.newThread("jaio-engine-test", () -> inside.complete(Threads.isEngineThread()));
        assertTrue(t.isDaemon());
        assertEquals("jaio-engine-test", t.getName());
        t.start();
        assertTrue(inside.get(60, TimeUnit.SECONDS));
        CompletableFuture<Boolean> pooled = new CompletableFuture<>();
        Thread p = Threads.daemonFactory("jaio-engine-pool").newThread(() -> pooled.complete(Threads.isEngineThread()));
        assertEquals("jaio-engine-pool-1", p.getName());
        p.start();
        assertTrue(pooled.get(60, TimeUnit.SECONDS));
        CompletableFuture<Boolean> plain = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> plain.complete(Threads.isEngineThread()));
        assertFalse(plain.get(60, TimeUnit.SECONDS), "a thread made elsewhere");
    }
}
