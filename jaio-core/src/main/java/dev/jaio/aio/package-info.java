/**
 * The kernel AIO mirror: {@link dev.jaio.aio.AioContext} (io_setup, io_submit, io_getevents, io_pgetevents
 * with a {@link dev.jaio.aio.SignalSet}, io_cancel, io_destroy), {@link dev.jaio.aio.Iocb}
 * ({@code struct iocb}), {@link dev.jaio.aio.IoEvent} and {@link dev.jaio.aio.IoEventArray}
 * ({@code struct io_event}), {@link dev.jaio.aio.IoVec} ({@code struct iovec}), {@link dev.jaio.aio.EventFd}
 * and {@link dev.jaio.aio.IoPriority}.
 *
 * <p>These behave as the man pages and {@code fs/aio.c} say, errors included: the kernel validates what
 * it is given and its errno comes back as a {@link dev.jaio.AioException}. Keeping the memory an iocb names
 * allocated until its event is reaped is the caller's job at this layer; {@link dev.jaio.AsyncFile} does it
 * for you. Uses {@code dev.jaio.internal.linux} and the error types of {@code dev.jaio}.
 */
package dev.jaio.aio;
