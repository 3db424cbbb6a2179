package dev.jaio.aio;

import dev.jaio.AioException;
import dev.jaio.AsyncFile;
import dev.jaio.Errno;
import dev.jaio.internal.linux.AioAdvice;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jaio.internal.concurrent.CloseGuard;
import dev.jaio.internal.concurrent.DaemonThreads;
import dev.jaio.internal.linux.AioRing;
import dev.jaio.internal.linux.Native;
import dev.jaio.internal.linux.Syscalls;
import dev.jaio.internal.linux.ThreadScratch;
import dev.jaio.internal.linux.Timespec;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * A kernel AIO context: io_setup(2), io_submit(2), io_getevents(2), io_pgetevents(2), io_cancel(2) and
 * io_destroy(2).
 *
 * <p>Each method makes the system call its name says and answers as the kernel does: bad arguments
 * reach the kernel unchanged and its errno comes back as an {@link AioException}. What Java must refuse
 * itself, use after {@link #close()}, it refuses the way the kernel refuses an invalid context, with
 * EINVAL, without passing the old context id on: the kernel hands the same address to the next context
 * created, and a stale id would act on that one.
 *
 * <h2>Threads</h2>
 * All methods may be called from any thread at once. Submitting and reaping from different threads is
 * the usual pattern. {@link #close()} while another thread is blocked in {@link #getEvents} wakes it,
 * and it throws {@link AioException} (EINVAL, context closed) unless it had reaped events, which it
 * then returns.
 *
 * <h2>Reaping from the ring</h2>
 * The kernel writes completions into a ring mapped at the context's address. When the ring's header is
 * one jaio knows ({@link #usesRing()}), {@code getEvents} takes ready events straight from it, and calls
 * io_getevents(2) only to wait. The kernel's own reader moves the ring's head under a lock that user
 * space cannot take, so jaio lets one thread at a time read the ring, and only while no io_getevents call
 * is in progress on the context; a thread that finds the ring busy asks the kernel instead. Set the
 * system property {@code jaio.ring=false} to always use io_getevents.
 *
 * <h2>Memory</h2>
 * This is the raw layer: the kernel reads and writes the buffers that submitted iocbs name until their
 * completions are reaped, and keeping them allocated that long is the caller's job ({@link AsyncFile}
 * and the engine do it for you). After {@code close()} returns, the kernel has finished with every
 * request of the context.
 */
public final class AioContext implements AutoCloseable {
    private static final boolean RING_ENABLED =
            !"false".equalsIgnoreCase(System.getProperty("jaio.ring", "true"));
    private static final Cleaner CLEANER = DaemonThreads.cleaner("jaio-aio-context-cleaner");
    /**
     * Held for reading by io_setup calls, and for writing while a context is destroyed and threads may
     * still hold its id on their way into io_getevents: no context created meanwhile can get that id.
     */
    private static final ReentrantReadWriteLock ID_REUSE = new ReentrantReadWriteLock();

    private static final int EVENT_SIZE = (int) IoEvent.LAYOUT.byteSize();

    private final long id;
    private final int nrEvents;
    private final AioRing ring;
    /** Calls in progress that must finish before the ring is unmapped. */
    private final CloseGuard users = new CloseGuard(Errno.EINVAL.number(),
            "this AioContext is closed, and its id is not passed to the kernel again; create a new one "
                    + "with AioContext.setup");
    /** Threads in (or on their way into) a waiting io_getevents; io_destroy wakes them. */
    private final AtomicInteger waiters = new AtomicInteger();
    /** Write: a user-space ring reader. Read: an io_getevents call. */
    private final StampedLock reapLock = new StampedLock();
    private final Object closeLock = new Object();
    private final Destroyer destroyer;
    private final Cleaner.Cleanable cleanable;

    private final LongAdder submitCalls = new LongAdder();
    private final LongAdder submitted = new LongAdder();
    private final LongAdder getEventsCalls = new LongAdder();
    private final LongAdder ringEvents = new LongAdder();
    private final LongAdder kernelEvents = new LongAdder();

    private AioContext(long id, int nrEvents, boolean useRing) {
        this.id = id;
        this.nrEvents = nrEvents;
        this.ring = useRing ? AioRing.attach(id) : null;
        this.destroyer = new Destroyer(id);
        this.cleanable = CLEANER.register(this, destroyer);
    }

    /**
     * io_setup(2): creates a context for {@code nrEvents} concurrent requests.
     *
     * <p>{@code nrEvents} reaches the kernel as the {@code unsigned int} it is there: -1 is 0xFFFFFFFF.
     *
     * @param nrEvents how many requests the context must hold at once
     * @return the new context
     * @throws AioException EAGAIN when {@code nrEvents} exceeds what {@code /proc/sys/fs/aio-max-nr} still
     *                      allows (the message gives {@code aio-nr} and the limit), EINVAL for 0 or a
     *                      count beyond the kernel's internal limit, ENOMEM, and ENOSYS or EPERM when
     *                      kernel AIO is unavailable (no CONFIG_AIO, a seccomp policy, not Linux)
     */
    public static AioContext setup(int nrEvents) throws AioException {
        return setup(nrEvents, RING_ENABLED);
    }

    /**
     * As {@link #setup(int)}, choosing whether to reap from the ring in user space.
     *
     * @param nrEvents how many requests the context must hold at once
     * @param reapFromRing whether to reap completions from the ring in user space rather than through io_getevents(2)
     * @return the new context
     * @throws AioException if the system call fails; {@link AioException#errno()} says why
     */
    public static AioContext setup(int nrEvents, boolean reapFromRing) throws AioException {
        if (!Native.isSupportedPlatform()) {
            throw new AioException("io_setup", Errno.ENOSYS.number(),
                    Native.unavailableReason().orElse("") + "; " + AioAdvice.UNAVAILABLE);
        }
        long ret;
        long id;
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment ctxp = scratch.word;
            ctxp.set(JAVA_LONG, 0, 0L);
            ReentrantReadWriteLock.ReadLock lock = ID_REUSE.readLock();
            lock.lock();
            try {
                ret = Syscalls.ioSetup(nrEvents, ctxp);
            } finally {
                lock.unlock();
            }
            id = ctxp.get(JAVA_LONG, 0);
        }
        if (ret < 0) {
            throw new AioException("io_setup", (int) -ret, null);
        }
        return new AioContext(id, nrEvents, reapFromRing);
    }

    /**
     * The kernel's {@code aio_context_t}: the address of the completion ring.
     *
     * @return the kernel's {@code aio_context_t}: the address of the completion ring
     */
    public long id() {
        return id;
    }

    /**
     * The {@code nr_events} this context was created with.
     *
     * @return the {@code nr_events} this context was created with
     */
    public int nrEvents() {
        return nrEvents;
    }

    /**
     * How many events the kernel's completion ring holds; at least {@link #nrEvents()}.
     *
     * @return how many events the kernel's completion ring holds; at least {@link #nrEvents()}
     */
    public int ringCapacity() {
        return ring != null ? ring.nr() - 1 : Math.max(nrEvents, 1);
    }

    /**
     * Whether completions are reaped from the ring in user space.
     *
     * @return whether completions are reaped from the ring in user space
     */
    public boolean usesRing() {
        return ring != null;
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return whether {@link #close()} has been called
     */
    public boolean isClosed() {
        return users.isClosed();
    }

    /**
     * io_submit(2): queues the iocbs in order.
     *
     * @param iocbs the requests to submit, in order
     * @return how many were queued; fewer than given when the kernel stopped at one it could not queue
     *         (that one and the rest were not submitted)
     * @throws AioException when none was queued: EAGAIN (no free slot), EBADF (bad file descriptor in the
     *                      first iocb), EINVAL (bad iocb, or the context is closed), EFAULT, EOPNOTSUPP
     */
    public int submit(Iocb... iocbs) throws AioException {
        return submit(Arrays.asList(iocbs));
    }

    /**
     * io_submit(2) for a list of iocbs; see {@link #submit(Iocb...)}.
     *
     * @param iocbs the requests to submit, in order
     * @return how many requests the kernel queued, which may be fewer than given
     * @throws AioException if the system call fails; {@link AioException#errno()} says why
     */
    public int submit(List<Iocb> iocbs) throws AioException {
        int n = iocbs.size();
        acquire("io_submit");
        try {
            if (n <= ThreadScratch.POINTER_SLOTS) {
                try (ThreadScratch scratch = ThreadScratch.acquire()) {
                    MemorySegment pointers = scratch.pointers;
                    for (int i = 0; i < n; i++) {
                        pointers.setAtIndex(JAVA_LONG, i, iocbs.get(i).address());
                    }
                    return submitLocked(pointers.address(), n);
                }
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment pointers = arena.allocate(ADDRESS, n);
                for (int i = 0; i < n; i++) {
                    pointers.setAtIndex(JAVA_LONG, i, iocbs.get(i).address());
                }
                return submitLocked(pointers.address(), n);
            }
        } finally {
            release();
            Reference.reachabilityFence(iocbs);
        }
    }

    /**
     * io_submit(2) with a caller-built array of {@code struct iocb *}, for batches that allocate
     * nothing. {@code nr} reaches the kernel as given: a negative one gets EINVAL.
     *
     * @param iocbPointers an array of {@code struct iocb *}
     * @param nr how many entries of {@code iocbPointers} to submit
     * @return how many requests the kernel queued, which may be fewer than given
     * @throws AioException if the system call fails; {@link AioException#errno()} says why
     */
    public int submit(MemorySegment iocbPointers, long nr) throws AioException {
        Objects.requireNonNull(iocbPointers, "iocbPointers");
        acquire("io_submit");
        try {
            return submitLocked(iocbPointers.address(), nr);
        } finally {
            release();
            Reference.reachabilityFence(iocbPointers);
        }
    }

    private int submitLocked(long iocbpp, long nr) throws AioException {
        long ret = Syscalls.ioSubmit(id, nr, iocbpp);
        submitCalls.increment();
        if (ret < 0) {
            throw new AioException("io_submit", (int) -ret, null);
        }
        submitted.add(ret);
        return (int) ret;
    }

    /**
     * io_getevents(2): waits for at least {@code minNr} completions and returns up to {@code maxNr}.
     *
     * <p>A {@code null} timeout waits without limit, {@link Duration#ZERO} (or a negative duration) never
     * blocks, and any other timeout returns early only with {@code minNr} events in hand: a signal that
     * interrupts the wait (EINTR) is retried with the time that remains.
     *
     * @param minNr the fewest completions to wait for
     * @param maxNr the most completions to return
     * @param timeout how long to wait: {@code null} blocks, {@link java.time.Duration#ZERO} never does
     * @return the completions reaped, at most {@code maxNr}
     * @throws AioException EINVAL when {@code minNr} or {@code maxNr} is negative or {@code minNr > maxNr}
     *                      (the kernel's checks), or the context is closed
     */
    public List<IoEvent> getEvents(int minNr, int maxNr, Duration timeout) throws AioException {
        return getEventsList(minNr, maxNr, timeout, null);
    }

    /**
     * io_pgetevents(2) (Linux 4.18): as {@link #getEvents(int, int, Duration)}, with the calling thread's
     * signal mask replaced by {@code mask} for the wait. The kernel installs the mask, waits and restores the
     * old one as one step, so a signal that {@code mask} unblocks can interrupt only this wait: a signal
     * blocked before the call and already pending is delivered at once, instead of slipping in between an
     * unblocking and a separate wait. This is how an event loop that also waits for a signal avoids that race.
     *
     * <p>Unlike {@code getEvents} without a mask, a signal that interrupts the wait is not retried, since
     * being woken by a signal is what a mask is passed for: when it arrives before any event was reaped,
     * this throws {@link AioException} with EINTR (the signal's handler has run by then); events reaped
     * before it are returned. A call with a mask always enters the kernel, even when the completion ring
     * holds events, so that a pending signal the mask unblocks is delivered as io_pgetevents(2) does it.
     * Only signals with a handler interrupt anything: the kernel discards ignored ones, and in a JVM
     * most signals are handled by the JVM itself or not at all. The mask replaces the thread's whole mask
     * for the wait, so a signal the JVM keeps blocked in its threads (such as {@code SIGQUIT}) may be
     * delivered to this one unless {@code mask} holds it; the kernel never blocks {@code SIGKILL} or
     * {@code SIGSTOP}.
     *
     * @param minNr   the fewest events to wait for
     * @param maxNr   the most events to return
     * @param timeout {@code null} to wait without limit, zero or negative not to wait at all
     * @param mask    the signals blocked during the wait (every other signal is unblocked for it)
     * @return the events reaped, at least {@code minNr} unless the timeout expired first
     * @throws AioException EINVAL when {@code minNr} or {@code maxNr} is negative or {@code minNr > maxNr}
     *                      (the kernel's checks), or the context is closed; EINTR when a signal interrupted
     *                      the wait before any event was reaped; ENOSYS on kernels older than 4.18
     * @throws NullPointerException if {@code mask} is null
     */
    public List<IoEvent> getEvents(int minNr, int maxNr, Duration timeout, SignalSet mask) throws AioException {
        return getEventsList(minNr, maxNr, timeout, Objects.requireNonNull(mask, "mask"));
    }

    private List<IoEvent> getEventsList(int minNr, int maxNr, Duration timeout, SignalSet mask)
            throws AioException {
        long nanos = Timespec.timeoutNanos(timeout);
        if (minNr < 0 || maxNr < 0 || minNr > maxNr) {
            // The kernel rejects these before it touches the events array: let it say so.
            String syscall = syscallName(mask);
            acquire(syscall);
            try (ThreadScratch scratch = ThreadScratch.acquire()) {
                long events = scratch.pointers.address();
                long ret = mask == null
                        ? Syscalls.ioGetevents(id, minNr, maxNr, events, 0)
                        : Syscalls.ioPgetevents(id, minNr, maxNr, events, 0, mask.aioSigset().address());
                throw new AioException(syscall, ret < 0 ? (int) -ret : Errno.EINVAL.number(), null);
            } finally {
                release();
                Reference.reachabilityFence(mask);
            }
        }
        if (maxNr == 0) {
            getEvents(0, IoEventArray.allocate(1), 0, 0L, mask);
            return List.of();
        }
        int capacity = Math.min(maxNr, Math.max(minNr, ringCapacity()));
        IoEventArray events = IoEventArray.allocate(capacity);
        int n = getEvents(minNr, events, capacity, nanos, mask);
        List<IoEvent> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(events.get(i));
        }
        return list;
    }

    /**
     * io_getevents(2) into a reusable array, allocating nothing: waits up to {@code timeoutNanos}
     * (negative: without limit, 0: not at all) for at least {@code minNr} completions and stores up to
     * {@code into.capacity()} of them.
     *
     * @param minNr the fewest completions to wait for
     * @param into where the completions go; its capacity is the most returned
     * @param timeoutNanos how long to wait, in nanoseconds: negative blocks, 0 never does
     * @return how many events were stored at the start of {@code into}
     * @throws AioException if the system call fails; {@link AioException#errno()} says why
     */
    public int getEvents(int minNr, IoEventArray into, long timeoutNanos) throws AioException {
        return getEvents(minNr, into, into.capacity(), timeoutNanos, null);
    }

    /**
     * io_pgetevents(2) into a reusable array, allocating nothing: {@link #getEvents(int, IoEventArray, long)}
     * with the calling thread's signal mask replaced by {@code mask} for the wait, and a signal that
     * interrupts it surfacing as EINTR, as {@link #getEvents(int, int, Duration, SignalSet)} describes.
     *
     * @param minNr        the fewest events to wait for
     * @param into         where the events are stored, up to its capacity
     * @param timeoutNanos negative to wait without limit, 0 not to wait at all
     * @param mask         the signals blocked during the wait
     * @return how many events were stored at the start of {@code into}
     * @throws AioException EINVAL for a negative {@code minNr}, one beyond the capacity, or a closed context;
     *                      EINTR when a signal interrupted the wait before any event was reaped
     * @throws NullPointerException if {@code mask} is null
     */
    public int getEvents(int minNr, IoEventArray into, long timeoutNanos, SignalSet mask) throws AioException {
        return getEvents(minNr, into, into.capacity(), timeoutNanos, Objects.requireNonNull(mask, "mask"));
    }

    private static String syscallName(SignalSet mask) {
        return mask == null ? "io_getevents" : "io_pgetevents";
    }

    /** io_getevents(2), or io_pgetevents(2) with a non-null {@code mask}. */
    private int getEvents(int minNr, IoEventArray into, int maxNr, long timeoutNanos, SignalSet mask)
            throws AioException {
        final long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        final MemorySegment dst = into.segment();
        final String syscall = syscallName(mask);
        final long usig = mask == null ? 0 : mask.aioSigset().address();
        int got = 0;
        if (ring != null && mask == null && minNr >= 0 && minNr <= maxNr) {
            acquire("io_getevents");
            try {
                long stamp = reapLock.tryWriteLock();
                if (stamp != 0) {
                    try {
                        int n = ring.reap(dst, 0, maxNr);
                        if (n > 0) {
                            got = n;
                            ringEvents.add(n);
                        }
                    } finally {
                        reapLock.unlockWrite(stamp);
                    }
                }
            } finally {
                release();
            }
            if (got >= minNr && (got > 0 || timeoutNanos == 0 || minNr == 0)) {
                return got;
            }
        }
        acquire(syscall);
        waiters.incrementAndGet();
        release();
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment ts = scratch.timespec;
            while (true) {
                long tsAddress = 0;
                if (timeoutNanos >= 0) {
                    long remaining = timeoutNanos == 0 ? 0 : Math.max(0, deadline - System.nanoTime());
                    Timespec.set(ts, remaining);
                    tsAddress = ts.address();
                }
                long stamp = ring != null ? reapLock.readLock() : 0;
                long ret;
                try {
                    long events = dst.address() + (long) got * EVENT_SIZE;
                    ret = mask == null
                            ? Syscalls.ioGetevents(id, minNr - got, maxNr - got, events, tsAddress)
                            : Syscalls.ioPgetevents(id, minNr - got, maxNr - got, events, tsAddress, usig);
                } finally {
                    if (ring != null) {
                        reapLock.unlockRead(stamp);
                    }
                }
                getEventsCalls.increment();
                if (ret >= 0) {
                    got += (int) ret;
                    kernelEvents.add(ret);
                    if (got >= minNr || timeoutNanos == 0 || (timeoutNanos > 0 && System.nanoTime() - deadline >= 0)) {
                        return got;
                    }
                } else if (ret == -Errno.EINTR.number() && mask != null) {
                    // The mask let a signal through: being woken is the point, so no retry.
                    if (got > 0) {
                        return got;
                    }
                    throw new AioException(syscall, Errno.EINTR.number(),
                            "a signal that the mask leaves unblocked interrupted the wait; its handler has run");
                } else if (ret == -Errno.EINTR.number()) {
                    if (timeoutNanos == 0 || (timeoutNanos > 0 && System.nanoTime() - deadline >= 0)) {
                        return got;
                    }
                } else if (got > 0) {
                    return got; // hand over what was reaped; the error shows on the next call
                } else if (isClosed()) {
                    throw users.closedError(syscall);
                } else {
                    throw new AioException(syscall, (int) -ret, null);
                }
            }
        } finally {
            waiters.decrementAndGet();
            Reference.reachabilityFence(into);
            Reference.reachabilityFence(mask);
        }
    }

    /**
     * io_cancel(2): asks the kernel to cancel a request in flight. When the kernel accepts (it answers
     * EINPROGRESS), the cancelled request's event arrives through {@link #getEvents}; only some requests
     * can be cancelled at all ({@link Iocb#CMD_POLL} can, file reads and writes cannot).
     *
     * @param iocb a submitted request
     * @throws AioException EINVAL when the iocb is not in flight on this context, cannot be cancelled,
     *                      its {@code aio_key} is not 0, or the context is closed; EAGAIN when the kernel
     *                      could not cancel it now
     */
    public void cancel(Iocb iocb) throws AioException {
        Objects.requireNonNull(iocb, "iocb");
        acquire("io_cancel");
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            // The result argument is unused by current kernels (the event comes through the ring) but was
            // written by old ones: hand them room for one io_event.
            MemorySegment result = scratch.pointers;
            long ret = Syscalls.ioCancel(id, iocb.address(), result.address());
            if (ret < 0 && ret != -Errno.EINPROGRESS.number()) {
                throw new AioException("io_cancel", (int) -ret, null);
            }
        } finally {
            release();
            Reference.reachabilityFence(iocb);
        }
    }

    /**
     * io_destroy(2): cancels what can be cancelled, waits for every other request of the context to
     * complete, and releases the context and its ring. Idempotent; a concurrent second call returns once
     * the first has finished. Threads blocked in {@link #getEvents} are woken. Every later call on this
     * context throws {@link AioException} with EINVAL without reaching the kernel.
     *
     * @throws UncheckedIOException if the kernel refuses to destroy the context, which it does only for an
     *                              id it does not know
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (!users.closeAndAwait()) {
                return;
            }
            if (waiters.get() == 0) {
                cleanable.clean();
            } else {
                ReentrantReadWriteLock.WriteLock lock = ID_REUSE.writeLock();
                lock.lock();
                try {
                    cleanable.clean();
                    CloseGuard.awaitValue(waiters, 0);
                } finally {
                    lock.unlock();
                }
            }
            if (destroyer.result < 0) {
                throw new UncheckedIOException(new AioException("io_destroy", (int) -destroyer.result, null));
            }
        }
    }

    private void acquire(String syscall) throws AioException {
        users.acquire(syscall);
    }

    private void release() {
        users.release();
    }

    /**
     * How often this context has called the kernel, and how its completions were reaped.
     *
     * @return how often this context has called the kernel, and how its completions were reaped
     */
    public Counters counters() {
        return new Counters(submitCalls.sum(), submitted.sum(), getEventsCalls.sum(), ringEvents.sum(),
                kernelEvents.sum());
    }

    /**
     * A snapshot of a context's counters.
     *
     * @param submitCalls       io_submit calls made
     * @param submitted         iocbs the kernel queued
     * @param getEventsCalls    io_getevents calls made
     * @param ringEvents        events reaped from the ring in user space
     * @param syscallEvents     events reaped through io_getevents
     */
    public record Counters(long submitCalls, long submitted, long getEventsCalls, long ringEvents,
                           long syscallEvents) {
    }

    @Override
    public String toString() {
        return "AioContext[id=0x" + Long.toHexString(id) + ", nrEvents=" + nrEvents + ", ring=" + (ring != null)
                + (isClosed() ? ", closed" : "") + "]";
    }

    /** Destroys the context once, from {@link #close()} or, for a context never closed, from the cleaner. */
    private static final class Destroyer implements Runnable {
        private final long id;
        private volatile long result;

        Destroyer(long id) {
            this.id = id;
        }

        @Override
        public void run() {
            result = Syscalls.ioDestroy(id);
        }
    }
}
