/**
 * JMH benchmarks of what one request costs: a 4 KiB read submitted and reaped on a bare
 * {@link dev.jaio.aio.AioContext}, reaping from the completion ring against io_getevents, and the engine's
 * hand-off ({@code AsyncFile.read(...).join()}). Run them from {@code benchmarks.jar}, never from
 * {@code mvn test}.
 */
package dev.jaio.bench;
