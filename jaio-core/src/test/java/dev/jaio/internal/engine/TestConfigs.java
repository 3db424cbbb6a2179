package dev.jaio.internal.engine;

import java.util.concurrent.Executor;

/**
 * Engine configurations for the engine tests: small defaults (depth 8, one context, 64 outstanding,
 * 2 blocking and 4 pool threads, completions on engine-owned threads), with a field or two changed.
 */
public final class TestConfigs {
    private TestConfigs() {
    }

    /**
     * The defaults.
     *
     * @param name the thread name prefix
     * @return the configuration
     */
    public static EngineConfig defaults(String name) {
        return of(name, 8, 1, 64, false, null);
    }

    /**
     * The defaults with these fields changed.
     *
     * @param name           the thread name prefix
     * @param depth          requests in the kernel per context
     * @param contexts       contexts or rings
     * @param maxOutstanding the admission limit
     * @param failFast       whether callers beyond it fail
     * @param executor       the completion executor, or null
     * @return the configuration
     */
    public static EngineConfig of(String name, int depth, int contexts, int maxOutstanding, boolean failFast,
                                  Executor executor) {
        return new EngineConfig(depth, contexts, maxOutstanding, failFast, executor, 2, 4, false, name);
    }
}
