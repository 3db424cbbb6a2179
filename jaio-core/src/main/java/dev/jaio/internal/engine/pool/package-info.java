/**
 * The thread-pool backend and jaio's blocking I/O: {@link dev.jaio.internal.engine.pool.BlockingIo} does a
 * request with blocking pread, pwrite, preadv2, pwritev2, fsync or fdatasync (retried on {@code EINTR},
 * going on from what a non-blocking attempt did), and {@link dev.jaio.internal.engine.pool.ThreadPoolEngine}
 * runs every request that way on a pool of daemon threads, where kernel AIO is unusable. The event loops'
 * fallback for requests that would block runs the same code, through the requests' {@code runBlocking}.
 * Uses the seam ({@code dev.jaio.internal.engine}), {@code internal.linux} and the kernel AIO mirror's
 * flag constants.
 */
package dev.jaio.internal.engine.pool;
