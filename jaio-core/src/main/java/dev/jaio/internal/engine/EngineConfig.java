package dev.jaio.internal.engine;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Everything a backend is built from, in one value: {@link Engines#build} hands it to the backend the
 * caller chose. A backend reads the fields it has a use for and ignores the others (the thread pool has
 * no queue depth, io_uring no blocking threads).
 *
 * @param queueDepth         requests in the kernel at once, per context or ring
 * @param contexts           kernel AIO contexts or io_uring rings, each with its own loop thread
 * @param maxOutstanding     requests accepted and not yet finished, across the engine
 * @param failFast           whether a caller beyond {@code maxOutstanding} fails instead of waiting
 * @param completionExecutor where completions run: null for threads the engine owns (the loop engines)
 *                           or the thread that did the request (the thread pool); {@code Runnable::run}
 *                           for the loop thread itself
 * @param blockingThreads    kernel AIO: threads for buffered requests that would block the loop
 * @param poolThreads        the thread-pool engine's threads
 * @param submitEagerly      the loop engines (kernel AIO, io_uring): submit every follow-up a completion
 *                           issues at once
 * @param name               the prefix of the engine's thread names
 */
public record EngineConfig(int queueDepth, int contexts, int maxOutstanding, boolean failFast,
                           Executor completionExecutor, int blockingThreads, int poolThreads,
                           boolean submitEagerly, String name) {
    /**
     * Checks the values: every count positive, a name given.
     *
     * @throws IllegalArgumentException when a count is below 1
     * @throws NullPointerException     when {@code name} is null
     */
    public EngineConfig {
        positive("queueDepth", queueDepth);
        positive("contexts", contexts);
        positive("maxOutstanding", maxOutstanding);
        positive("blockingThreads", blockingThreads);
        positive("poolThreads", poolThreads);
        Objects.requireNonNull(name, "name");
    }

    private static void positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be positive: " + what + "=" + value);
        }
    }
}
