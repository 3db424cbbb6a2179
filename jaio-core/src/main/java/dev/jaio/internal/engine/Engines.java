package dev.jaio.internal.engine;

import dev.jaio.AioException;
import dev.jaio.internal.engine.aio.KernelAioEngine;
import dev.jaio.internal.engine.pool.ThreadPoolEngine;
import dev.jaio.internal.engine.uring.UringEngine;
import java.util.Locale;

/**
 * The one place that knows every backend: it picks one, by the caller's choice or the {@code jaio.engine}
 * system property, and builds it from an {@link EngineConfig}. A new backend is a package under
 * {@code dev.jaio.internal.engine}, a {@link Backend} constant, and a line in {@link #create}.
 */
public final class Engines {
    private Engines() {
    }

    /**
     * A built engine, and why it is not the one asked for when the choice was automatic and fell back.
     *
     * @param engine         the engine, running
     * @param fallbackReason why kernel AIO did not run, or null
     */
    public record Built(Engine engine, String fallbackReason) {
    }

    /**
     * Builds the backend {@code requested}, or with null (automatic) kernel AIO where it is usable and else
     * the thread pool, saying why. The {@code jaio.engine} property ({@code kernel}, {@code threads},
     * {@code uring}, {@code auto}) overrides {@code requested}.
     *
     * @param requested the backend, or null to choose automatically
     * @param config    what to build it with
     * @return the engine and, when an automatic choice fell back, the reason
     * @throws AioException             when the requested backend cannot run here (the message says why)
     * @throws IllegalArgumentException when {@code jaio.engine} has a value not listed above
     */
    public static Built build(Backend requested, EngineConfig config) throws AioException {
        String property = System.getProperty("jaio.engine");
        Backend choice = property == null || property.isBlank() ? requested : fromProperty(property);
        if (choice != null) {
            return new Built(create(choice, config), null);
        }
        try {
            return new Built(create(Backend.KERNEL_AIO, config), null);
        } catch (AioException e) {
            return new Built(create(Backend.THREAD_POOL, config), e.getMessage());
        }
    }

    /**
     * Builds one backend.
     *
     * @param backend which
     * @param config  what to build it with
     * @return the engine, running
     * @throws AioException when the backend cannot run here
     */
    public static Engine create(Backend backend, EngineConfig config) throws AioException {
        return switch (backend) {
            case KERNEL_AIO -> new KernelAioEngine(config);
            case THREAD_POOL -> new ThreadPoolEngine(config);
            case IO_URING -> new UringEngine(config);
        };
    }

    /**
     * The backend a {@code jaio.engine} value names, null for {@code auto}.
     *
     * @param value the property's value
     * @return the backend, or null
     * @throws IllegalArgumentException for any other value
     */
    static Backend fromProperty(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "kernel", "aio", "kernel_aio" -> Backend.KERNEL_AIO;
            case "threads", "thread_pool", "pool" -> Backend.THREAD_POOL;
            case "uring", "io_uring" -> Backend.IO_URING;
            case "auto" -> null;
            default -> throw new IllegalArgumentException(
                    "jaio.engine must be kernel, threads, uring or auto: jaio.engine=" + value);
        };
    }
}
