/**
 * The backend seam: what {@link dev.jaio.AioEngine} and {@link dev.jaio.AsyncFile} see of an engine, and
 * what every backend shares. Not public API.
 *
 * <h2>What is here</h2>
 * <ul>
 *   <li>The contract: {@link dev.jaio.internal.engine.Engine} takes {@link dev.jaio.internal.engine.IoRequest}s,
 *       each naming one {@link dev.jaio.internal.engine.IoOp}, and completes or aborts each exactly once;
 *       it reports backend-neutral statistics ({@link dev.jaio.internal.engine.EngineCounters.Snapshot}
 *       with the backend's {@link dev.jaio.internal.engine.KernelCalls}).</li>
 *   <li>The factory: {@link dev.jaio.internal.engine.Engines} picks a
 *       {@link dev.jaio.internal.engine.Backend} (the caller's choice, the {@code jaio.engine} property, or
 *       kernel AIO falling back to the thread pool) and builds it from one
 *       {@link dev.jaio.internal.engine.EngineConfig}. It is the only class that names the backends.</li>
 *   <li>What backends share: {@link dev.jaio.internal.engine.BaseEngine} (close guard, admission and
 *       counting at submission, a close that runs once), {@link dev.jaio.internal.engine.LoopEngine} and
 *       {@link dev.jaio.internal.engine.EngineLoop} (event loops with an incoming queue, an eventfd wake-up
 *       and slots for the requests in the kernel), {@link dev.jaio.internal.engine.Admission}
 *       (back-pressure), {@link dev.jaio.internal.engine.Completer} (finishing requests, in batches, on the
 *       completion executor), {@link dev.jaio.internal.engine.SubmitPolicy} (when a loop hands the
 *       follow-ups of a reap to the kernel) and {@link dev.jaio.internal.engine.Threads} (the engines' threads).</li>
 * </ul>
 *
 * <h2>The backends</h2>
 * One package each: {@code .aio} (kernel AIO), {@code .uring} (io_uring), {@code .pool} (blocking
 * syscalls on threads). A backend extends {@code BaseEngine}, or {@code LoopEngine} with a loop that extends
 * {@code EngineLoop}; it fills its kernel queue's entries in a switch over {@code IoOp} without a
 * {@code default}, so that an operation added to {@code IoOp} does not compile until every backend handles
 * it. A new backend is a new package here, a {@code Backend} constant (and the public {@code Kind} and
 * {@code Mode} of the same name), and one line in {@code Engines.create}.
 *
 * <h2>Dependencies</h2>
 * The public API ({@code dev.jaio}) uses this package and never a backend. This package uses its backends
 * only in {@code Engines}, and below it the kernel mirrors ({@code dev.jaio.aio.EventFd}, the wake-up of
 * every loop), {@code internal.concurrent} and {@code internal.linux}. The backends use this package,
 * their own kernel mirror ({@code dev.jaio.aio} or {@code dev.jaio.uring}; the io_uring backend also takes
 * {@code EventFd} and the {@code RWF_*} flags from {@code dev.jaio.aio}) and {@code internal.linux}, never
 * each other, and never the public API but its error types ({@code AioException}, {@code Errno}).
 */
package dev.jaio.internal.engine;
