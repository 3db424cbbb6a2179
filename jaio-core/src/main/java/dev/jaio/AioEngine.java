package dev.jaio;

import dev.jaio.internal.engine.Backend;
import dev.jaio.internal.engine.Engine;
import dev.jaio.internal.engine.EngineConfig;
import dev.jaio.internal.engine.EngineCounters;
import dev.jaio.internal.engine.Engines;
import dev.jaio.internal.engine.KernelCalls;
import dev.jaio.internal.jfr.JaioJfr;
import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs file requests for {@link AsyncFile}s: on kernel AIO where it is usable, else on a thread pool
 * with the same results and errors.
 *
 * <p>The kernel AIO engine owns one or more AIO contexts, each driven by one thread (an event loop)
 * that gathers the requests issued since its last turn into one io_submit call and reaps completions
 * from the kernel's completion ring. A burst of requests from one thread, or from many, reaches the
 * kernel in a few io_submit calls. Requests that completion callbacks issue on the loop are gathered
 * while the rest of the completions reaped with theirs are handled, a few microseconds, and submitted
 * together (in batches of up to 8): a lone completion's follow-up goes at once, and a burst's need fewer
 * io_submit calls and device notifications than one each. There is no option to set. At most
 * {@link Builder#queueDepth(int)} requests per context are
 * in the kernel at once; requests beyond that wait in the engine, and callers beyond
 * {@link Builder#maxOutstanding(int)} wait for a completion (or fail fast, if so built). The kernel's
 * EAGAIN never reaches the caller.
 *
 * <p>Futures are completed on the {@link Builder#completionExecutor(Executor) completion executor}:
 * by default a pool owned by the engine, so a callback that blocks delays nothing but itself. With
 * {@code Runnable::run} they complete on the event loop thread, the fastest way, for callbacks that do
 * not block.
 *
 * <p>Which engine runs, and why, is a question with an answer: {@link #kind()} and
 * {@link #fallbackReason()}. The system property {@code jaio.engine} ({@code kernel}, {@code threads},
 * {@code uring}, {@code auto}) overrides the builder's choice, so a whole test suite can run on each.
 *
 * <p>{@link #close()} fails requests not yet handed to the kernel with
 * {@link java.nio.channels.AsynchronousCloseException}, waits for those in the kernel to complete, then
 * destroys the contexts and stops the threads. An engine that becomes unreachable without being
 * closed is closed by a {@link Cleaner}.
 */
public final class AioEngine implements AutoCloseable {
    /** Which engine runs the requests. */
    public enum Kind {
        /** Linux kernel AIO (io_submit and io_getevents). */
        KERNEL_AIO,
        /** Blocking syscalls on a pool of threads. */
        THREAD_POOL,
        /** Linux io_uring (io_uring_enter), chosen with {@link Mode#IO_URING}. */
        IO_URING
    }

    /** How to choose the engine. */
    public enum Mode {
        /** Kernel AIO where it is usable, else the thread pool. */
        AUTO,
        /** Kernel AIO, or fail to build. */
        KERNEL_AIO,
        /** The thread pool, always. */
        THREAD_POOL,
        /** io_uring, or fail to build with the error of io_uring_setup (the message says why). */
        IO_URING
    }

    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static volatile AioEngine defaultEngine;

    private final Engine engine;
    private final Kind kind;
    private final String fallbackReason;
    private final AlignedBufferPool pool;
    private final int queueDepth;
    private final String name;
    private final Cleaner.Cleanable cleanable;

    private AioEngine(Engine engine, String fallbackReason, AlignedBufferPool pool, int queueDepth,
                      String name) {
        this.engine = engine;
        this.name = name;
        this.kind = kindOf(engine.backend());
        this.fallbackReason = fallbackReason;
        this.pool = pool;
        this.queueDepth = queueDepth;
        this.cleanable = CLEANER.register(this, () -> {
            engine.close();
            pool.close();
        });
        JaioJfr.register(this, AioEngine::jfrSnapshot);
    }

    /** The public name of a backend: each {@link Backend} has a {@link Kind} of the same name. */
    static Kind kindOf(Backend backend) {
        return Kind.valueOf(backend.name());
    }

    /** The backend a mode asks for, null for AUTO: each other {@link Mode} names a {@link Backend}. */
    static Backend backendOf(Mode mode) {
        return mode == Mode.AUTO ? null : Backend.valueOf(mode.name());
    }

    /** The counters the periodic {@code dev.jaio.EngineStatistics} JFR event reports. */
    private JaioJfr.EngineSnapshot jfrSnapshot() {
        Stats s = stats();
        return new JaioJfr.EngineSnapshot(name, kind.name(), s.inFlight(), s.submitted(), s.completed(), s.failed(),
                s.submitCalls(), s.getEventsCalls());
    }

    /**
     * A builder with the defaults: AUTO, queue depth 256, one context, 4x queue depth outstanding.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The engine {@link AsyncFile#open(java.nio.file.Path, java.nio.file.OpenOption...)} uses: built with
     * the defaults on first use and never closed (its threads are daemons).
     *
     * @return the engine {@link AsyncFile#open(java.nio.file.Path, java.nio.file.OpenOption...)} uses: built with the
     *     defaults on first use and never closed (its threads are daemons)
     */
    public static AioEngine defaultEngine() {
        AioEngine e = defaultEngine;
        if (e == null) {
            synchronized (AioEngine.class) {
                e = defaultEngine;
                if (e == null) {
                    try {
                        defaultEngine = e = builder().name("jaio-default").build();
                    } catch (AioException impossible) {
                        throw new IllegalStateException(impossible); // AUTO falls back instead of failing
                    }
                }
            }
        }
        return e;
    }

    /**
     * Which engine runs the requests.
     *
     * @return which engine runs the requests
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Why the thread-pool engine runs instead of kernel AIO; empty when kernel AIO runs or the pool was asked for.
     *
     * @return why the thread-pool engine runs instead of kernel AIO; empty when kernel AIO runs or the pool was asked
     *     for
     */
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }

    /**
     * Requests per context that may be in the kernel at once.
     *
     * @return requests per context that may be in the kernel at once
     */
    public int queueDepth() {
        return queueDepth;
    }

    /**
     * The aligned buffers the engine stages heap and misaligned buffers through.
     *
     * @return the aligned buffers the engine stages heap and misaligned buffers through
     */
    public AlignedBufferPool bufferPool() {
        return pool;
    }

    /**
     * On io_uring, why reads and writes of {@link #bufferPool()} buffers do not go to the kernel as
     * registered-buffer requests ({@code READ_FIXED}, {@code WRITE_FIXED}): the error of
     * io_uring_register(2), e.g. ENOMEM past {@code RLIMIT_MEMLOCK}. Empty when they do, and on the other
     * engines. Such a failure never reaches a request: it goes in as a plain read or write.
     *
     * @return the reason
     */
    public Optional<String> registeredBuffersFallback() {
        return engine.registeredBuffersFallback();
    }

    /**
     * A snapshot of the engine's counters and latency summary.
     *
     * @return a snapshot of the engine's counters and latency summary
     */
    public Stats stats() {
        EngineCounters.Snapshot s = engine.stats();
        KernelCalls k = s.kernel();
        return new Stats(s.submitted(), s.completed(), s.failed(), s.inFlight(), k.submitCalls(),
                k.waitCalls(), k.ringEvents(), k.syscallEvents(), s.blockingFallbacks(), s.latencyMeanNanos(),
                s.latencyP50Nanos(), s.latencyP99Nanos(), s.latencyP999Nanos(), s.inline());
    }

    Engine engine() {
        return engine;
    }

    boolean isEngineThread() {
        return engine.isEngineThread();
    }

    /** Closes the engine as described in the class documentation; idempotent. */
    @Override
    public void close() {
        JaioJfr.unregister(this);
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "AioEngine[kind=" + kind + (fallbackReason != null ? ", fallback=" + fallbackReason : "")
                + ", queueDepth=" + queueDepth + "]";
    }

    /**
     * Counters, cheap enough to leave on.
     *
     * <p>Requests a buffered file finished on the issuing thread (see {@link AsyncFile}, "Cached I/O") are
     * counted in {@code submitted}, {@code completed} or {@code failed} and the latency like the others,
     * and in {@code inline}; {@link #toEngine()} are the rest.
     *
     * @param submitted         requests accepted (inline ones included)
     * @param completed         requests finished successfully
     * @param failed            requests finished with an error (or aborted)
     * @param inFlight          accepted and not finished
     * @param submitCalls       io_submit calls
     * @param getEventsCalls    io_getevents calls
     * @param ringEvents        completions reaped from the ring without a syscall
     * @param syscallEvents     completions reaped through io_getevents
     * @param blockingFallbacks buffered requests handed to a blocking thread because the kernel would block
     * @param latencyMeanNanos  mean time from issue to completion
     * @param latencyP50Nanos   median (histogram bucket upper bound, within about 19%)
     * @param latencyP99Nanos   99th percentile, likewise
     * @param latencyP999Nanos  99.9th percentile, likewise
     * @param inline            requests finished on the issuing thread with one non-blocking syscall,
     *                          without the engine
     */
    public record Stats(long submitted, long completed, long failed, long inFlight, long submitCalls,
                        long getEventsCalls, long ringEvents, long syscallEvents, long blockingFallbacks,
                        long latencyMeanNanos, long latencyP50Nanos, long latencyP99Nanos, long latencyP999Nanos,
                        long inline) {
        /**
         * Requests that went to the engine (its queue and io_submit, or its threads), including those a
         * buffered file began inline and the engine finished.
         *
         * @return {@code submitted - inline}
         */
        public long toEngine() {
            return submitted - inline;
        }
    }

    /** Configures an {@link AioEngine}. */
    public static final class Builder {
        private Mode mode = Mode.AUTO;
        private int queueDepth = 256;
        private int contexts = 1;
        private int maxOutstanding = -1;
        private boolean failFast;
        private Executor completionExecutor;
        private int blockingThreads = 4;
        private int poolThreads = 16;
        private boolean submitEagerly;
        private String name;

        private Builder() {
        }

        /**
         * How to choose the engine (default AUTO); the {@code jaio.engine} system property overrides it.
         *
         * @param mode how to choose the engine
         * @return this builder
         */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Requests per context in the kernel at once (default 256).
         *
         * @param queueDepth requests per context in the kernel at once
         * @return this builder
         */
        public Builder queueDepth(int queueDepth) {
            if (queueDepth < 1 || queueDepth > 65536) {
                throw new IllegalArgumentException("queueDepth must be 1 to 65536: queueDepth=" + queueDepth);
            }
            this.queueDepth = queueDepth;
            return this;
        }

        /**
         * Kernel AIO contexts, or io_uring rings, each with its own event loop thread (default 1).
         *
         * @param contexts how many kernel AIO contexts, each with its own event loop
         * @return this builder
         */
        public Builder contexts(int contexts) {
            if (contexts < 1 || contexts > 256) {
                throw new IllegalArgumentException("contexts must be 1 to 256: contexts=" + contexts);
            }
            this.contexts = contexts;
            return this;
        }

        /**
         * Requests accepted and not finished, across the engine (default 4 x queueDepth x contexts).
         *
         * @param maxOutstanding how many requests may be accepted and unfinished at once
         * @return this builder
         */
        public Builder maxOutstanding(int maxOutstanding) {
            if (maxOutstanding < 1) {
                throw new IllegalArgumentException("maxOutstanding must be positive: maxOutstanding=" + maxOutstanding);
            }
            this.maxOutstanding = maxOutstanding;
            return this;
        }

        /**
         * Whether a caller beyond {@code maxOutstanding} gets a future failed with
         * {@link java.util.concurrent.RejectedExecutionException} (true) or waits (false, the default).
         *
         * @param failFast whether to fail such callers at once instead of making them wait
         * @return this builder
         */
        public Builder failFast(boolean failFast) {
            this.failFast = failFast;
            return this;
        }

        /**
         * Where futures complete and their callbacks run: default, a pool the engine owns;
         * {@code Runnable::run} completes them on the event loop thread (callbacks must not block).
         *
         * @param executor where completion handlers run, or {@code null} for the engine's own threads
         * @return this builder
         */
        public Builder completionExecutor(Executor executor) {
            this.completionExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Threads for buffered requests that would block the event loop (default 4).
         *
         * @param threads how many threads
         * @return this builder
         */
        public Builder blockingThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("blockingThreads must be positive: threads=" + threads);
            }
            this.blockingThreads = threads;
            return this;
        }

        /**
         * Threads of the thread-pool engine, the requests it runs at once (default 16).
         *
         * @param threads how many threads
         * @return this builder
         */
        public Builder poolThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("poolThreads must be positive: threads=" + threads);
            }
            this.poolThreads = threads;
            return this;
        }

        /**
         * Whether an event loop submits every request that a completion callback issues at once, before
         * it handles the next completion (callbacks that run on the loop, with
         * {@code completionExecutor(Runnable::run)}), whatever the kernel's queue holds: one io_submit per
         * follow-up, fio's pattern. By default (false) the loop gathers the follow-ups of the completions
         * it reaped together and submits them when those are handled, or every 4 to 8 (a quarter of the
         * depth), which keeps the device as busy for fewer io_submit calls. The io_uring engine does the
         * same with io_uring_enter. See the README's performance
         * section.
         *
         * @param submitEagerly true for one io_submit (io_uring_enter) per follow-up request
         * @return this builder
         */
        public Builder submitEagerly(boolean submitEagerly) {
            this.submitEagerly = submitEagerly;
            return this;
        }

        /**
         * A name for the engine's threads.
         *
         * @param name the prefix of the engine's thread names
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Registers a slab of the pool with the engine's rings, of {@code jaio.uring.registeredBytes} bytes
         * (4 MiB unless set; 0 for none), and unregisters it when the pool is closed.
         */
        private static void registerPool(Engine engine, AlignedBufferPool pool) {
            long bytes = Long.getLong("jaio.uring.registeredBytes", 4L << 20);
            if (bytes <= 0 || !engine.registersBuffers()) {
                return;
            }
            engine.registerBuffers(pool.reserveSlab(bytes));
            pool.onClose(engine::unregisterBuffers);
        }

        /**
         * Builds the engine.
         *
         * @return the engine, running
         * @throws AioException in mode KERNEL_AIO, when kernel AIO is unusable, or in mode IO_URING, when
         *                      io_uring is (the message says why)
         */
        public AioEngine build() throws AioException {
            String threadName = name != null ? name : "jaio-" + SEQUENCE.incrementAndGet();
            int outstanding = maxOutstanding > 0 ? maxOutstanding : (int) Math.min(Integer.MAX_VALUE,
                    4L * queueDepth * contexts);
            EngineConfig config = new EngineConfig(queueDepth, contexts, outstanding, failFast, completionExecutor,
                    blockingThreads, poolThreads, submitEagerly, threadName);
            AlignedBufferPool pool = new AlignedBufferPool(4096, 1 << 20, 64);
            Engines.Built built;
            try {
                built = Engines.build(backendOf(mode), config);
            } catch (AioException | RuntimeException e) {
                pool.close();
                throw e;
            }
            registerPool(built.engine(), pool);
            return new AioEngine(built.engine(), built.fallbackReason(), pool, queueDepth, threadName);
        }
    }
}
