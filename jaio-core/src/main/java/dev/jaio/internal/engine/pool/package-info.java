/**
 * The thread-pool backend: blocking pread, pwrite, preadv2, pwritev2, fsync and fdatasync on a pool of
 * daemon threads, used where kernel AIO is unusable or asked for. Uses the seam
 * ({@code dev.jaio.internal.engine}) and {@code internal.linux}.
 */
package dev.jaio.internal.engine.pool;
