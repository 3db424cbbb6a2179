/**
 * The io_uring raw layer: io_uring_setup(2), io_uring_enter(2) and io_uring_register(2) made through
 * libc's {@code syscall} with the FFM API, the rings mapped with mmap(2), and no liburing.
 *
 * <p>{@link dev.jaio.uring.IoUring} is a ring, {@link dev.jaio.uring.Sqe} a submission queue entry with
 * liburing's {@code io_uring_prep_*} as {@code prep*} methods, {@link dev.jaio.uring.Cqe} and
 * {@link dev.jaio.uring.CqeArray} completions, {@link dev.jaio.uring.IoUringParams} the setup parameters.
 * As with {@link dev.jaio.aio.AioContext}, this layer mirrors the kernel one to one: the kernel validates
 * what it is given, and its errno comes back as an {@link dev.jaio.AioException}. Keeping the memory a
 * request names allocated until its completion is reaped is the caller's job here.
 */
package dev.jaio.uring;
