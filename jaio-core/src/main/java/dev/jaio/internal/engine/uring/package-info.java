/**
 * The io_uring backend: {@link dev.jaio.internal.engine.uring.UringEngine} owns one ring per
 * {@link dev.jaio.internal.engine.uring.UringLoop}, a thread that fills the submission queue, enters the
 * kernel once per turn and reaps the completion queue. Uses the seam ({@code dev.jaio.internal.engine}), the
 * mirror ({@code dev.jaio.uring}) and {@code internal.linux}.
 */
package dev.jaio.internal.engine.uring;
