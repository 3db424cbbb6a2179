package dev.jaio.internal.engine;

/**
 * The backends {@link Engines} can build, one per package under {@code dev.jaio.internal.engine}. The
 * public {@code AioEngine.Kind} and {@code AioEngine.Mode} have a constant of the same name for each.
 */
public enum Backend {
    /** Linux kernel AIO ({@code internal.engine.aio}). */
    KERNEL_AIO,
    /** Blocking syscalls on a pool of threads ({@code internal.engine.pool}). */
    THREAD_POOL,
    /** Linux io_uring ({@code internal.engine.uring}). */
    IO_URING
}
