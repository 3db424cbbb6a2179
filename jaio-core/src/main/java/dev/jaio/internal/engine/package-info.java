/**
 * The engine behind {@link dev.jaio.AsyncFile}: event loops that batch requests into io_submit and
 * reap completions from the ring, the thread-pool engine used when kernel AIO is unusable, and the
 * counters both keep. Not public API.
 */
package dev.jaio.internal.engine;
