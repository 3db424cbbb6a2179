package dev.jaio.internal.engine.uring;

import dev.jaio.internal.engine.Backend;
import dev.jaio.internal.engine.EngineConfig;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.engine.LoopEngine;
import dev.jaio.internal.engine.SubmitPolicy;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.uring.IoUring;
import dev.jaio.uring.IoUringParams;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The io_uring engine: one or more {@link UringLoop}s, each with its own ring and thread, behind the
 * same contract as the other backends.
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
public final class UringEngine extends LoopEngine<UringLoop> implements AutoCloseable {
    private static final int DEFER = IoUringParams.SETUP_SINGLE_ISSUER | IoUringParams.SETUP_DEFER_TASKRUN;
    private static final int COOP = IoUringParams.SETUP_COOP_TASKRUN;

    /**
     * Sets up {@code config.contexts()} rings of {@code config.queueDepth()} requests, each on its own
     * loop thread, and starts the loops.
     *
     * @param config the engine's configuration
     * @throws AioException the error of io_uring_setup (io_uring unusable here, with
     *                      {@link IoUring#unavailabilityCause()} in the message when it says more) or of eventfd2
     */
    public UringEngine(EngineConfig config) throws AioException {
        this(config, setupChoices());
    }

    /** As the public constructor, trying the setup flags {@code choices} in order while the kernel says EINVAL. */
    UringEngine(EngineConfig config, int[] choices) throws AioException {
        super(config);
        UringLoop[] loops = new UringLoop[config.contexts()];
        adopt(loops); // filled below; no request reaches a loop before the constructor returns
        try {
            for (int i = 0; i < loops.length; i++) {
                loops[i] = startLoop(config.queueDepth(), config.submitEagerly(), config.name() + "-uring-" + i,
                        choices);
            }
        } catch (AioException | RuntimeException e) {
            for (UringLoop l : loops) {
                if (l != null) {
                    l.stop();
                    join(l.thread());
                }
            }
            abandon();
            if (e instanceof AioException ae) {
                throw withUnavailabilityCause(ae);
            }
            throw e;
        }
    }

    @Override
    public Backend backend() {
        return Backend.IO_URING;
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
    private UringLoop startLoop(int depth, boolean eager, String name, int[] choices) throws AioException {
        AioException last = null;
        for (int i = 0; i < choices.length; i++) {
            UringLoop loop = new UringLoop(this, depth, choices[i],
                    new SubmitPolicy(depth, eager), name);
            loop.start();
            try {
                loop.ready.get();
                return loop;
            } catch (ExecutionException e) {
                join(loop.thread());
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

    /** io_uring_setup's error, with {@code IoUring.unavailabilityCause()} when it has more to say. */
    private static AioException withUnavailabilityCause(AioException e) {
        String cause = IoUring.unavailabilityCause().orElse(null);
        if (cause == null || !"io_uring_setup".equals(e.syscall())) {
            return e;
        }
        AioException wrapped = new AioException(e.syscall(), e.errno(),
                "io_uring is unusable here; IoUring.unavailabilityCause() says: " + cause);
        wrapped.initCause(e);
        return wrapped;
    }

    @Override
    protected void dispatch(IoRequest r, boolean engineThread) {
        pick(engineThread).offer(r); // io_uring needs no blocking offload, blockingOnly or not
    }

    /**
     * The setup flags of the first ring ({@code IoUringParams.SETUP_*}), as the kernel accepted them.
     *
     * @return the flags
     */
    public int setupFlags() {
        return loops()[0].ringSetupFlags();
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
    @Override
    public void registerBuffers(java.lang.foreign.MemorySegment region) {
        java.util.List<java.util.concurrent.CompletableFuture<Void>> done = new java.util.ArrayList<>();
        for (UringLoop l : loops()) {
            done.add(l.registerBuffers(region));
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
    @Override
    public void unregisterBuffers() {
        for (UringLoop l : loops()) {
            l.unregisterBuffers();
        }
    }

    /**
     * Why reads and writes do not go in as fixed requests on some ring, or empty when every ring has the
     * region registered (or none was given).
     *
     * @return the reason, with the kernel's error
     */
    @Override
    public boolean registersBuffers() {
        return true;
    }

    @Override
    public java.util.Optional<String> registeredBuffersFallback() {
        return fixedBuffersFallback();
    }

    /**
     * As {@link #registeredBuffersFallback()}.
     *
     * @return the reason, with the kernel's error
     */
    public java.util.Optional<String> fixedBuffersFallback() {
        for (UringLoop l : loops()) {
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
        for (UringLoop l : loops()) {
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
        for (UringLoop l : loops()) {
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
        for (UringLoop l : loops()) {
            n += l.registeredRingEnters();
        }
        return n;
    }
}
