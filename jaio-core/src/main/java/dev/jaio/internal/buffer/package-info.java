/**
 * Staging: what of a caller's memory the kernel may use as it is, and how the rest is copied through
 * jaio's aligned native memory.
 *
 * <ul>
 * <li>{@link dev.jaio.internal.buffer.KernelMemory}: which memory goes to the kernel as it is, for an
 *     asynchronous request and for a call on the caller's thread.</li>
 * <li>{@link dev.jaio.internal.buffer.StagingPool} and {@link dev.jaio.internal.buffer.SizeClasses}: the
 *     aligned malloc memory staged transfers use, in power-of-two size classes (the classes are shared with
 *     {@code dev.jaio.AlignedBufferPool}).</li>
 * <li>{@link dev.jaio.internal.buffer.StagedTransfer}: a transfer of any size through that memory in
 *     chunks of at most 1 MiB, with the O_DIRECT read rounding, the copy in and the scatter out; the file
 *     it runs for turns each chunk into an engine request.</li>
 * <li>{@link dev.jaio.internal.buffer.InlineIo}: the {@code RWF_NOWAIT} attempt on the caller's thread.
 *     It lives here rather than in {@code dev.jaio} or the engine because it is the same question as
 *     staging, asked for the length of one syscall: which memory the kernel may be given as it is, and
 *     which is copied through the thread's or the pool's native memory; it needs no engine, only a
 *     descriptor, and it answers in counts and {@code -errno} so that both {@code AsyncFile}'s futures and
 *     a blocking channel's synchronous path can be built on it.</li>
 * </ul>
 *
 * <p>Uses {@code internal.linux}, {@code internal.memory}, the {@code IoVec} layout of the kernel AIO
 * mirror and the error types; nothing of the engine, so requests stay the business of the layer above.
 */
package dev.jaio.internal.buffer;
