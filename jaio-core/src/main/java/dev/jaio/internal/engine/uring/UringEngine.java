package dev.jaio.internal.engine.uring;

import dev.jaio.internal.engine.Admission;
import dev.jaio.internal.engine.Completer;
import dev.jaio.internal.engine.Engine;
import dev.jaio.internal.engine.EngineCounters;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.engine.Threads;
import dev.jaio.internal.engine.aio.KernelAioEngine;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.internal.concurrent.CloseGuard;
import dev.jaio.uring.IoUringParams;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The io_uring engine: one or more {@link UringLoop}s, each with its own ring and thread, behind the
 * same contract as {@link KernelAioEngine}.
 *
 * <p>Buffered files need no blocking threads here: io_uring tries a request without blocking and hands
 * what would block to its own workers (io-wq), so neither the loop nor a caller waits on a cache miss.
 *
 * <p>The rings are set up with {@code SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN} where the kernel has
 * them (6.1), else {@code SETUP_COOP_TASKRUN} (5.19), else none. The system property
 * {@code jaio.uring.setup} ({@code defer}, {@code coop}, {@code none}) picks one, for measurements.
 *
 * <p>Where the kernel has {@code FEAT_REG_REG_RING} (6.3), each loop registers its ring's descriptor with
 * its own thread and enters with the index ({@code -Djaio.uring.ringFd=false} turns that off, for
 * measurements); {@link #registerBuffers} registers memory for {@code READ_FIXED}/{@code WRITE_FIXED}.
 */
public final class UringEngine implements Engine, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UringEngine.class.getName());
    private static final int DEFER = IoUringParams.SETUP_SINGLE_ISSUER | IoUringParams.SETUP_DEFER_TASKRUN;
    private static final int COOP = IoUringParams.SETUP_COOP_TASKRUN;

    private final UringLoop[] loops;
    private final AtomicInteger next = new AtomicInteger();
    private final EngineCounters counters = new EngineCounters();
    private final CloseGuard guard = new CloseGuard();
    final Admission admission;
    final Executor completionExecutor;
    private final ExecutorService ownedCompletionExecutor;
    private final Object closeLock = new Object();
    private boolean closed;

    /**
     * Sets up the rings, each on its own loop thread, and starts the loops.
     *
     * @param rings              how many rings and loop threads
     * @param depth              requests in the kernel at once, per ring
     * @param maxOutstanding     requests accepted and not finished, across the engine
     * @param failFast           whether callers past {@code maxOutstanding} fail instead of waiting
     * @param completionExecutor where completions run; null for an engine-owned thread pool, and
     *                           {@code Runnable::run} for the loop thread itself
     * @param name               a prefix for the threads' names
     * @throws AioException the error of io_uring_setup (io_uring unusable here) or of eventfd2
     */
    public UringEngine(int rings, int depth, int maxOutstanding, boolean failFast, Executor completionExecutor,
                       String name) throws AioException {
        this(rings, depth, maxOutstanding, failFast, completionExecutor, name, setupChoices());
    }

    /** As the public constructor, trying the setup flags {@code choices} in order while the kernel says EINVAL. */
    UringEngine(int rings, int depth, int maxOutstanding, boolean failFast, Executor completionExecutor,
                String name, int[] choices) throws AioException {
        this.admission = new Admission(maxOutstanding, failFast);
        if (completionExecutor == null) {
            this.ownedCompletionExecutor = Executors.newCachedThreadPool(Threads.daemonFactory(name + "-completion"));
            this.completionExecutor = ownedCompletionExecutor;
        } else {
            this.ownedCompletionExecutor = null;
            this.completionExecutor = isDirect(completionExecutor) ? null : completionExecutor;
        }
        this.loops = new UringLoop[rings];
        try {
            for (int i = 0; i < rings; i++) {
                loops[i] = startLoop(depth, name + "-uring-" + i, choices);
            }
        } catch (AioException | RuntimeException e) {
            for (UringLoop l : loops) {
                if (l != null) {
                    l.stop();
                    join(l.thread);
                }
            }
            if (ownedCompletionExecutor != null) {
                ownedCompletionExecutor.shutdownNow();
            }
            throw e;
        }
    }

    /** The setup flags to try, best first, as the {@code jaio.uring.setup} property picks them. */
    static int[] setupChoices() {
        String p = System.getProperty("jaio.uring.setup", "");
        return switch (p.trim().toLowerCase(Locale.ROOT)) {
            case "", "defer" -> new int[] {DEFER, COOP, 0};
            case "coop" -> new int[] {COOP, 0};
            case "none" -> new int[] {0};
            default -> throw new IllegalArgumentException("jaio.uring.setup must be defer, coop or none: jaio.uring.setup="
                    + p);
        };
    }

    /** Starts a loop with the first setup flags the kernel takes, going on while it says EINVAL (an older kernel). */
    private UringLoop startLoop(int depth, String name, int[] choices) throws AioException {
        AioException last = null;
        for (int i = 0; i < choices.length; i++) {
            int flags = choices[i];
            UringLoop loop;
            try {
                loop = new UringLoop(this, depth, flags, name);
            } catch (java.io.IOException e) {
                throw e instanceof AioException ae ? ae : new AioException("eventfd2", Errno.EIO.number(), e.getMessage());
            }
            loop.thread.start();
            try {
                loop.ready.get();
                return loop;
            } catch (ExecutionException e) {
                join(loop.thread);
                if (e.getCause() instanceof AioException ae) {
                    if (ae.errno() != Errno.EINVAL.number() || i == choices.length - 1) {
                        throw ae;
                    }
                    last = ae; // this kernel lacks the flags: try the next choice
                } else if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                } else {
                    throw new IllegalStateException("io_uring loop setup failed", e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                loop.stop();
                throw new IllegalStateException("interrupted while setting up an io_uring loop", e);
            }
        }
        throw last;
    }

    private static boolean isDirect(Executor executor) {
        // Runnable::run (or any executor that runs on the calling thread) is detected by running a probe.
        Thread caller = Thread.currentThread();
        Thread[] ran = new Thread[1];
        try {
            executor.execute(() -> ran[0] = Thread.currentThread());
        } catch (RuntimeException e) {
            return false;
        }
        return ran[0] == caller;
    }

    @Override
    public void submit(IoRequest r) {
        if (!guard.tryAcquire()) {
            Completer.abort(counters, admission, r, new ClosedChannelException());
            return;
        }
        try {
            boolean engineThread = isEngineThread();
            r.startNanos = System.nanoTime();
            counters.submitted.increment();
            try {
                r.admitted = admission.admit(engineThread);
            } catch (RejectedExecutionException full) {
                Completer.abort(counters, admission, r, full);
                return;
            }
            UringLoop loop = loops.length == 1 ? loops[0] : pick(engineThread);
            loop.offer(r); // io_uring needs no blocking offload, blockingOnly or not
        } finally {
            guard.release();
        }
    }

    private UringLoop pick(boolean engineThread) {
        if (engineThread) {
            for (UringLoop l : loops) {
                if (l.isLoopThread()) {
                    return l; // keep a completion's follow-up on its own ring: no wake-up needed
                }
            }
        }
        return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    }

    @Override
    public boolean isEngineThread() {
        Thread t = Thread.currentThread();
        for (UringLoop l : loops) {
            if (l.thread == t) {
                return true;
            }
        }
        return Threads.isEngineThread(t);
    }

    @Override
    public long inFlight() {
        return counters.inFlight();
    }

    @Override
    public EngineCounters counters() {
        return counters;
    }

    /**
     * The rings' counters, summed, in the shape of {@link dev.jaio.aio.AioContext.Counters}: io_uring_enter
     * calls that submitted, SQEs submitted, io_uring_enter calls that waited, CQEs reaped from the ring
     * (the wake-up reads' included), and 0 completions by syscall (every CQE is read from the ring).
     *
     * @return the sums
     */
    public dev.jaio.aio.AioContext.Counters ringCounters() {
        long[] sum = new long[4];
        for (UringLoop l : loops) {
            long[] c = l.ringCounters();
            for (int i = 0; i < 4; i++) {
                sum[i] += c[i];
            }
        }
        return new dev.jaio.aio.AioContext.Counters(sum[0], sum[1], sum[2], sum[3], 0);
    }

    /**
     * The setup flags of the first ring ({@code IoUringParams.SETUP_*}), as the kernel accepted them.
     *
     * @return the flags
     */
    public int setupFlags() {
        return loops[0].ringSetupFlags();
    }

    /**
     * Registers {@code region} with every ring as buffer 0 ({@code IORING_REGISTER_BUFFERS}), on each
     * loop's thread, and returns once each ring has answered; from then on a read or write whose buffer lies
     * inside the region goes in as {@code READ_FIXED} or {@code WRITE_FIXED}. A ring that refuses (ENOMEM
     * past {@code RLIMIT_MEMLOCK}, EINVAL for a region over 1 GiB, ...) goes on with plain reads and
     * writes, and {@link #fixedBuffersFallback()} says why: the caller never sees the error.
     *
     * <p>The rings keep {@code region} reachable while it is registered and while requests using it are in
     * the kernel, so it must be memory that only the garbage collector frees (an automatic arena).
     *
     * @param region the memory to register
     */
    public void registerBuffers(java.lang.foreign.MemorySegment region) {
        if (!guard.tryAcquire()) {
            return;
        }
        java.util.List<java.util.concurrent.CompletableFuture<Void>> done = new java.util.ArrayList<>();
        try {
            for (UringLoop l : loops) {
                done.add(l.registerBuffers(region));
            }
        } finally {
            guard.release();
        }
        for (java.util.concurrent.CompletableFuture<Void> f : done) {
            try {
                f.get(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // The loop stopped meanwhile: it registers nothing more.
            }
        }
    }

    /**
     * Stops fixed requests and unregisters the region from every ring once no request using it is in the
     * kernel; returns at once.
     */
    public void unregisterBuffers() {
        for (UringLoop l : loops) {
            l.unregisterBuffers();
        }
    }

    /**
     * Why reads and writes do not go in as fixed requests on some ring, or empty when every ring has the
     * region registered (or none was given).
     *
     * @return the reason, with the kernel's error
     */
    public java.util.Optional<String> fixedBuffersFallback() {
        for (UringLoop l : loops) {
            String reason = l.fixedBuffersFallback();
            if (reason != null) {
                return java.util.Optional.of(reason);
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Requests that went into the kernel as {@code READ_FIXED} or {@code WRITE_FIXED}, across the rings.
     *
     * @return the count
     */
    public long fixedRequests() {
        long n = 0;
        for (UringLoop l : loops) {
            n += l.fixedRequests();
        }
        return n;
    }

    /**
     * How many rings have the region of {@link #registerBuffers} registered now.
     *
     * @return the count, 0 to the number of rings
     */
    public int ringsWithBuffersRegistered() {
        int n = 0;
        for (UringLoop l : loops) {
            n += l.buffersRegistered() ? 1 : 0;
        }
        return n;
    }

    /**
     * io_uring_enter calls that passed a registered ring index ({@code IORING_ENTER_REGISTERED_RING})
     * instead of the descriptor, across the rings; 0 where the kernel lacks {@code FEAT_REG_REG_RING}.
     *
     * @return the count
     */
    public long registeredRingEnters() {
        long n = 0;
        for (UringLoop l : loops) {
            n += l.registeredRingEnters();
        }
        return n;
    }

    UringLoop[] loops() {
        return loops;
    }

    void loopFailed(UringLoop loop, Throwable t) {
        LOG.log(System.Logger.Level.ERROR, "jaio io_uring loop " + loop.thread.getName() + " failed", t);
    }

    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            guard.closeAndAwait();
            for (UringLoop l : loops) {
                l.stop();
            }
            boolean self = isEngineThread();
            for (UringLoop l : loops) {
                if (l.thread != Thread.currentThread()) {
                    join(l.thread);
                }
            }
            if (ownedCompletionExecutor != null) {
                ownedCompletionExecutor.shutdown();
                if (!self) {
                    try {
                        ownedCompletionExecutor.awaitTermination(1, TimeUnit.MINUTES);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    private static void join(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
