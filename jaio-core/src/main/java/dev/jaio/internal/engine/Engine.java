package dev.jaio.internal.engine;

/**
 * What {@link dev.jaio.AioEngine} delegates to: one backend, built by {@link Engines#build}. Every
 * backend takes the same requests, answers them with the same results and errors, and reports the same
 * statistics.
 */
public interface Engine {
    /**
     * Accepts a request; it will be completed or aborted exactly once. Blocks while the engine is at its
     * limit of outstanding requests when so configured.
     *
     * @param request the request
     */
    void submit(IoRequest request);

    /**
     * Whether the calling thread is one of the engine's own, which must never block on the engine.
     *
     * @return true on a loop, blocking, pool or completion thread of an engine
     */
    boolean isEngineThread();

    /**
     * Which backend this is.
     *
     * @return the backend
     */
    Backend backend();

    /**
     * Requests accepted and not yet finished.
     *
     * @return the count
     */
    long inFlight();

    /**
     * The counters the engine keeps on its hot path.
     *
     * @return the live counters
     */
    EngineCounters counters();

    /**
     * How often the backend entered the kernel, summed over its contexts or rings.
     *
     * @return the counts, {@link KernelCalls#NONE} for a backend without a kernel queue
     */
    KernelCalls kernelCalls();

    /**
     * A snapshot of the counters, the kernel calls and the latency summary, the same for every backend.
     *
     * @return the snapshot
     */
    default EngineCounters.Snapshot stats() {
        return counters().snapshot(inFlight(), kernelCalls());
    }

    /**
     * Whether the backend can register memory with the kernel once (io_uring's registered buffers), so
     * that requests on it skip the per-request page pinning.
     *
     * @return false unless the backend overrides {@link #registerBuffers}
     */
    default boolean registersBuffers() {
        return false;
    }

    /**
     * Registers {@code region} with the kernel for requests whose memory lies inside it. Failure is never
     * an error: requests then go in as plain reads and writes, and {@link #registeredBuffersFallback()}
     * says why.
     *
     * @param region memory that stays allocated until {@link #unregisterBuffers()} has returned
     */
    default void registerBuffers(java.lang.foreign.MemorySegment region) {
    }

    /**
     * Stops using the registered region; the kernel lets go of it once no request uses it.
     */
    default void unregisterBuffers() {
    }

    /**
     * Why requests on the registered region are plain reads and writes (the kernel's error), if they are.
     *
     * @return the reason, empty when registration worked or the backend does not register
     */
    default java.util.Optional<String> registeredBuffersFallback() {
        return java.util.Optional.empty();
    }

    /**
     * Stops accepting requests, aborts those not yet handed to the kernel, waits for those in the
     * kernel, and releases contexts and threads. Idempotent.
     */
    void close();
}
