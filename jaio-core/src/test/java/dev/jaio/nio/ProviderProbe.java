package dev.jaio.nio;

import dev.jaio.AioEngine;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * A program written against the JDK only (AsynchronousFileChannel.open and Files), run by
 * {@link JaioFileSystemProviderTest} in a child JVM with jaio's provider installed. It prints what the
 * test checks: the channel class, the path's provider, a few Files results, and the engine's counters.
 */
public final class ProviderProbe {
    private ProviderProbe() {
    }

    /**
     * Writes and reads {@code args[0]}/data with AsynchronousFileChannel, then prints its findings (without
     * the engine's counters when {@code args[1]} is {@code no-engine}).
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path file = dir.resolve("data");
        byte[] data = new byte[256 * 1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            System.out.println("channel=" + ch.getClass().getName());
            int written = 0;
            while (written < data.length) {
                Future<Integer> w = ch.write(ByteBuffer.wrap(data, written, 4096), written);
                written += w.get();
            }
            ch.force(true);
            ByteBuffer back = ByteBuffer.allocate(data.length);
            CompletableFuture<Integer> done = new CompletableFuture<>();
            ch.read(back, 0, "attachment", new CompletionHandler<Integer, String>() {
                @Override
                public void completed(Integer n, String a) {
                    done.complete(n);
                }

                @Override
                public void failed(Throwable t, String a) {
                    done.completeExceptionally(t);
                }
            });
            System.out.println("read=" + done.get() + " equal=" + java.util.Arrays.equals(back.array(), data));
            System.out.println("eof=" + ch.read(ByteBuffer.allocate(10), data.length).get());
        }
        System.out.println("provider=" + file.getFileSystem().provider().getClass().getName());
        System.out.println("size=" + Files.size(file));
        try (Stream<Path> s = Files.list(dir)) {
            System.out.println("listed=" + s.map(p -> p.getFileName().toString()).toList());
        }
        System.out.println("toFile=" + file.toFile().length() + " fromFile=" + new File(file.toString()).toPath()
                .getFileSystem().provider().getClass().getSimpleName());
        if (args.length > 1 && args[1].equals("no-engine")) {
            return;
        }
        AioEngine.Stats st = AioEngine.defaultEngine().stats();
        System.out.println("engine=" + AioEngine.defaultEngine().kind() + " submitted=" + st.submitted()
                + " submitCalls=" + st.submitCalls() + " completed=" + st.completed() + " failed=" + st.failed());
    }
}
