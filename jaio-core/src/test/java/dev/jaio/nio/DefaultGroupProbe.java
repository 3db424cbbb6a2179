package dev.jaio.nio;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run by {@link DefaultGroupTest} in a child JVM with the {@code java.nio.channels.DefaultThreadPool.*}
 * properties set: for the JDK's channel and jaio's, opened without an executor, prints on which thread a
 * completion handler ran ({@code handler DIR}), or what opening threw, twice ({@code open DIR}).
 */
public final class DefaultGroupProbe {
    private DefaultGroupProbe() {
    }

    /** A thread factory named by the property; its threads say they came from it. */
    public static final class Factory implements ThreadFactory {
        private static final AtomicInteger MADE = new AtomicInteger();

        /** Made by the default group through its public no-argument constructor. */
        public Factory() {
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "probe-factory-thread");
            t.setDaemon(true);
            MADE.incrementAndGet();
            return t;
        }
    }

    private static AsynchronousFileChannel open(String impl, Path p) throws Exception {
        return impl.equals("JDK") ? AsynchronousFileChannel.open(p, StandardOpenOption.READ)
                : AioAsynchronousFileChannel.open(p, StandardOpenOption.READ);
    }

    /** Prints one line per implementation; see the class documentation. */
    public static void main(String[] args) throws Exception {
        Path p = Path.of(args[1]).resolve("data");
        Files.write(p, new byte[100]);
        for (String impl : new String[] {"JDK", "JAIO"}) {
            if (args[0].equals("handler")) {
                try (AsynchronousFileChannel ch = open(impl, p)) {
                    CompletableFuture<String> ran = new CompletableFuture<>();
                    ch.read(ByteBuffer.allocate(10), 0, null, new CompletionHandler<Integer, Void>() {
                        @Override
                        public void completed(Integer n, Void a) {
                            Thread t = Thread.currentThread();
                            ran.complete("n=" + n + " thread=" + t.getName() + " daemon=" + t.isDaemon());
                        }

                        @Override
                        public void failed(Throwable exc, Void a) {
                            ran.complete("failed=" + exc);
                        }
                    });
                    System.out.println(impl + " " + ran.get(30, TimeUnit.SECONDS));
                }
            } else {
                StringBuilder sb = new StringBuilder(impl);
                for (int i = 0; i < 2; i++) {
                    try (AsynchronousFileChannel ch = open(impl, p)) {
                        sb.append(" opened");
                    } catch (Throwable t) {
                        sb.append(" threw=").append(t.getClass().getName());
                        if (i == 0) {
                            sb.append(" message=").append(t.getMessage()).append(" cause=").append(t.getCause());
                        }
                    }
                }
                System.out.println(sb);
            }
        }
    }
}
