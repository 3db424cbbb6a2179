package dev.jaio.nio;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Futures and completion handlers for jaio's channels: the JDK's channel contract on top of the engine's
 * {@link CompletableFuture}s.
 */
final class Completions {
    private Completions() {
    }

    /**
     * A channel's future: completes with the engine's result, with its exception unwrapped; cancelling it
     * with {@code mayInterruptIfRunning} closes the channel, as {@link java.nio.channels.AsynchronousChannel}
     * allows.
     */
    static final class ChannelFuture<V> extends CompletableFuture<V> {
        private final Channel channel;

        ChannelFuture(Channel channel) {
            this.channel = channel;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled && mayInterruptIfRunning) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // cancellation cannot report it; the channel is closed regardless
                }
            }
            return cancelled;
        }
    }

    static <V> CompletableFuture<V> pending(Channel channel, CompletableFuture<V> source) {
        ChannelFuture<V> f = new ChannelFuture<>(channel);
        source.whenComplete((v, t) -> {
            if (t != null) {
                f.completeExceptionally(unwrap(t));
            } else {
                f.complete(v);
            }
        });
        return f;
    }

    static <V> CompletableFuture<V> completed(Channel channel, V value) {
        ChannelFuture<V> f = new ChannelFuture<>(channel);
        f.complete(value);
        return f;
    }

    static <V> CompletableFuture<V> failed(Channel channel, Throwable t) {
        ChannelFuture<V> f = new ChannelFuture<>(channel);
        f.completeExceptionally(t);
        return f;
    }

    /**
     * Hands the outcome of {@code future} to {@code handler}: on {@code executor} if there is one, else on
     * the thread that completes the future, or on a pool thread if that would be the issuing thread.
     */
    static <V, A> void deliver(CompletableFuture<V> future, A attachment, CompletionHandler<V, ? super A> handler,
                               Executor executor) {
        Thread issuer = Thread.currentThread();
        future.whenComplete((v, t) -> {
            Runnable call = () -> invoke(handler, v, t == null ? null : unwrap(t), attachment);
            Executor ex = executor != null ? executor
                    : Thread.currentThread() == issuer ? DefaultGroup.executor() : null;
            if (ex == null) {
                call.run();
                return;
            }
            try {
                ex.execute(call);
            } catch (RejectedExecutionException e) {
                // The executor is shut down: the handler still runs, once, on jaio's threads.
                DefaultGroup.executor().execute(call);
            }
        });
    }

    private static <V, A> void invoke(CompletionHandler<V, ? super A> handler, V value, Throwable t, A attachment) {
        try {
            if (t != null) {
                handler.failed(t, attachment);
            } else {
                handler.completed(value, attachment);
            }
        } catch (Throwable thrown) {
            Thread me = Thread.currentThread();
            me.getUncaughtExceptionHandler().uncaughtException(me, thrown);
        }
    }

    /** The cause a {@link CompletableFuture} wrapped. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Waits for {@code future} without being interruptible (the interrupt status is kept), and returns
     * its value or throws its exception.
     */
    static <V> V await(CompletableFuture<V> future) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw rethrow(e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for {@code future} to finish, ignoring interrupts (the interrupt status is kept) and its outcome. */
    static void awaitQuietly(CompletableFuture<?> future) {
        try {
            await(future);
        } catch (IOException | RuntimeException ignored) {
            // only its end matters here
        }
    }

    /** The exception to throw for a failed future: its cause as it is when unchecked or an IOException. */
    static IOException rethrow(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof IOException io) {
            return io;
        }
        if (t instanceof UncheckedIOException u) {
            return u.getCause();
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof InterruptedException) {
            return new InterruptedIOException(t.getMessage());
        }
        return new IOException(t);
    }
}
