/**
 * jaio: Linux kernel asynchronous I/O for Java.
 *
 * <p>The syscall layer: {@link dev.jaio.AioContext} (io_setup, io_submit, io_getevents, io_pgetevents with
 * a {@link dev.jaio.SignalSet}, io_cancel, io_destroy), {@link dev.jaio.Iocb} ({@code struct iocb}), {@link dev.jaio.IoEvent}
 * ({@code struct io_event}) and {@link dev.jaio.AioException}, which carries the errno the kernel
 * answered. These behave as the man pages and {@code fs/aio.c} say, errors included.
 */
package dev.jaio;
