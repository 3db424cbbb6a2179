package dev.jaio.aio;

import dev.jaio.AioException;
import dev.jaio.Errno;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jaio.internal.concurrent.CloseGuard;
import dev.jaio.internal.linux.LibC;
import dev.jaio.internal.linux.Syscalls;
import dev.jaio.internal.linux.ThreadScratch;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;

/**
 * An eventfd(2): a counter in the kernel that a request with {@link Iocb#eventFd(int)} increments when
 * it completes, so that an event loop can wait on AIO completions with poll or epoll (or a POLL iocb).
 *
 * <p>Thread-safe; a closed {@code EventFd} never passes its old descriptor to the kernel.
 */
public final class EventFd implements Closeable {
    /** {@code EFD_SEMAPHORE}: each read takes 1 from the counter instead of all of it. */
    public static final int EFD_SEMAPHORE = 1;
    /** {@code EFD_NONBLOCK}: a read of a zero counter fails with EAGAIN instead of waiting. */
    public static final int EFD_NONBLOCK = 04000;
    /** {@code EFD_CLOEXEC}: always set by {@link #create}. */
    public static final int EFD_CLOEXEC = 02000000;

    private final int fd;
    private final int flags;
    private final CloseGuard guard = new CloseGuard();

    private EventFd(int fd, int flags) {
        this.fd = fd;
        this.flags = flags;
    }

    /**
     * A non-blocking eventfd with counter 0.
     *
     * @return the new eventfd
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public static EventFd create() throws IOException {
        return create(0, EFD_NONBLOCK);
    }

    /**
     * eventfd2(2) with an initial value and {@code EFD_*} flags (EFD_CLOEXEC is always added).
     *
     * @param initialValue the counter's initial value
     * @param flags {@code EFD_*} flags
     * @return the new eventfd
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public static EventFd create(int initialValue, int flags) throws IOException {
        long fd = Syscalls.eventfd2(initialValue, flags | EFD_CLOEXEC);
        if (fd < 0) {
            throw new AioException("eventfd2", (int) -fd, null);
        }
        return new EventFd((int) fd, flags);
    }

    /**
     * The descriptor, for {@link Iocb#eventFd(int)}; valid until {@link #close()}.
     *
     * @return the descriptor, for {@link Iocb#eventFd(int)}; valid until {@link #close()}
     */
    public int fd() {
        if (guard.isClosed()) {
            throw new IllegalStateException("eventfd is closed");
        }
        return fd;
    }

    /**
     * Reads and resets the counter (or takes 1 with {@link #EFD_SEMAPHORE}): how many completions were
     * signalled since the last read. Without EFD_NONBLOCK it waits for a non-zero counter.
     *
     * @return the count, or 0 when the counter is zero and the eventfd is non-blocking
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public long read() throws IOException {
        if (!guard.tryAcquire()) {
            throw new ClosedChannelException();
        }
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment word = scratch.word;
            while (true) {
                long n = LibC.read(fd, word, 8);
                if (n == 8) {
                    return word.get(JAVA_LONG, 0);
                }
                if (n == -Errno.EAGAIN.number() && (flags & EFD_NONBLOCK) != 0) {
                    return 0;
                }
                if (n != -Errno.EINTR.number()) {
                    throw new AioException("read(eventfd)", n < 0 ? (int) -n : Errno.EIO.number(), null);
                }
            }
        } finally {
            guard.release();
        }
    }

    /**
     * Adds {@code value} to the counter, waking readers.
     *
     * @param value what to add to the counter
     * @throws IOException if the system call fails; an {@link AioException} names the errno
     */
    public void write(long value) throws IOException {
        if (!guard.tryAcquire()) {
            throw new ClosedChannelException();
        }
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment word = scratch.word;
            word.set(JAVA_LONG, 0, value);
            long n = LibC.write(fd, word, 8);
            if (n != 8) {
                throw new AioException("write(eventfd)", n < 0 ? (int) -n : Errno.EIO.number(), null);
            }
        } finally {
            guard.release();
        }
    }

    /** Closes the descriptor; idempotent. */
    @Override
    public void close() {
        if (guard.closeAndAwait()) {
            LibC.close(fd);
        }
    }
}
