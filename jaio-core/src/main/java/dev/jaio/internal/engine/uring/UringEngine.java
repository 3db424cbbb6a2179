package dev.jaio.internal.engine.uring;

import dev.jaio.internal.engine.Backend;
import dev.jaio.internal.engine.EngineConfig;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.internal.engine.LoopEngine;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.uring.IoUring;
import dev.jaio.uring.IoUringParams;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

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
                loops[i] = startLoop(config.queueDepth(), config.name() + "-uring-" + i, choices);
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
    private UringLoop startLoop(int depth, String name, int[] choices) throws AioException {
        AioException last = null;
        for (int i = 0; i < choices.length; i++) {
            UringLoop loop = new UringLoop(this, depth, choices[i], name);
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
}
