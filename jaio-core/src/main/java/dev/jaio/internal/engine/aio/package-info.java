/**
 * The kernel AIO backend: {@link dev.jaio.internal.engine.aio.KernelAioEngine} owns one AIO context per
 * {@link dev.jaio.internal.engine.aio.EventLoop}, a thread that gathers requests into io_submit, decides when
 * to submit with {@link dev.jaio.internal.engine.SubmitPolicy}, and reaps the completion ring. Uses the
 * seam ({@code dev.jaio.internal.engine}), the mirror ({@code dev.jaio.aio}) and {@code internal.linux}.
 */
package dev.jaio.internal.engine.aio;
