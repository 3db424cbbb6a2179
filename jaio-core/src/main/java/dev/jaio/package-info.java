/**
 * jaio: Linux kernel asynchronous I/O for Java, on the Foreign Function and Memory API.
 *
 * <p>The public API: {@link dev.jaio.AsyncFile} (a file whose reads, writes and forces complete
 * {@link java.util.concurrent.CompletableFuture}s), {@link dev.jaio.AioEngine} (what runs them: kernel AIO,
 * io_uring or a thread pool), {@link dev.jaio.AlignedBufferPool} and {@link dev.jaio.DirectIoAlignment} for
 * {@code O_DIRECT}, {@link dev.jaio.NativeFile} (a descriptor both kernel mirrors use), and the errors every
 * layer reports: {@link dev.jaio.AioException} with its {@link dev.jaio.Errno}.
 *
 * <h2>The packages, top down</h2>
 * <table>
 * <caption>jaio-core's packages and what each may use</caption>
 * <tr><th>package</th><th>what it is</th><th>uses</th></tr>
 * <tr><td>{@code dev.jaio.nio}</td><td>drop-in {@code FileChannel}, {@code AsynchronousFileChannel} and a
 *     file system provider</td><td>{@code dev.jaio}</td></tr>
 * <tr><td>{@code dev.jaio}</td><td>this API: {@code AsyncFile} keeps the contract, argument checks, the
 *     request state and the futures; staging and the inline attempt are {@code internal.buffer}'s, the
 *     blocking syscalls {@code internal.engine.pool}'s</td><td>{@code internal.engine}, {@code
 *     internal.buffer}</td></tr>
 * <tr><td>{@code dev.jaio.internal.engine}</td><td>the backend seam: requests, admission, completion,
 *     counters, and the one factory that picks a backend</td><td>its backends</td></tr>
 * <tr><td>{@code dev.jaio.internal.engine.aio}, {@code .uring}, {@code .pool}</td><td>the backends: kernel
 *     AIO, io_uring, blocking syscalls on threads</td><td>the kernel mirrors, {@code internal.linux}</td></tr>
 * <tr><td>{@code dev.jaio.internal.buffer}</td><td>staging memory, staged transfers, the inline
 *     {@code RWF_NOWAIT} attempt and the rules for which memory may go to the kernel as it is</td><td>{@code
 *     internal.linux}, {@code internal.memory}, the {@code IoVec} layout</td></tr>
 * <tr><td>{@code dev.jaio.aio}, {@code dev.jaio.uring}</td><td>the kernel mirrors: each struct and
 *     syscall one to one, as the man pages say</td><td>{@code internal.linux}</td></tr>
 * <tr><td>{@code dev.jaio.internal.linux}</td><td>syscall numbers, libc downcalls, struct layouts and
 *     constants</td><td>nothing of jaio's but the error types</td></tr>
 * </table>
 *
 * <p>Dependencies run down the table. The one exception is the error types of this package
 * ({@code AioException}, {@code Errno}), which every layer throws or names, as {@code java.io.IOException}
 * is used below {@code java.io}. {@code NativeFile} stays here rather than in {@code dev.jaio.aio} because
 * both kernel mirrors and all three backends take its descriptor.
 */
package dev.jaio;
