package dev.jaio.internal.engine;

/** What {@link dev.jaio.AioEngine} delegates to: the kernel AIO engine or the thread-pool engine. */
public interface Engine {
    /**
     * Accepts a request; it will be completed or aborted exactly once. Blocks while the engine is at its
     * limit of outstanding requests when so configured.
     */
    void submit(IoRequest request);

    /** Whether the calling thread is one of the engine's own, which must never block on the engine. */
    boolean isEngineThread();

    /** Requests accepted and not yet finished. */
    long inFlight();

    EngineCounters counters();

    /**
     * Stops accepting requests, aborts those not yet handed to the kernel, waits for those in the
     * kernel, and releases contexts and threads. Idempotent.
     */
    void close();
}
