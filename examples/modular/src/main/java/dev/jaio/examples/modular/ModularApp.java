package dev.jaio.examples.modular;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.jaio.AsyncFile;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes a file and reads it back, first through {@link AsyncFile}, then through
 * {@link AsynchronousFileChannel#open}, which is jaio's channel when jaio is the default file system
 * provider ({@code -Djava.nio.file.spi.DefaultFileSystemProvider=dev.jaio.nio.JaioFileSystemProvider}),
 * and prints one line per step.
 */
public final class ModularApp {
    private ModularApp() {
    }

    /**
     * Runs the two steps in the directory {@code args[0]}.
     *
     * @param args the directory to write in
     * @throws Exception if a read or write fails
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Module jaio = AsyncFile.class.getModule();
        System.out.println("module=" + jaio.getName() + " app=" + ModularApp.class.getModule().getName()
                + " nativeAccess=" + jaio.isNativeAccessEnabled());
        byte[] data = new byte[4 * 4096];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 17 + 3);
        }
        try (AsyncFile f = AsyncFile.open(dir.resolve("async.dat"), CREATE, READ, WRITE)) {
            int written = f.write(ByteBuffer.wrap(data), 0).join();
            f.force(false).join();
            ByteBuffer back = ByteBuffer.allocate(data.length);
            int read = f.read(back, 0).join();
            System.out.println("asyncfile written=" + written + " read=" + read + " equal="
                    + Arrays.equals(back.array(), data) + " engine=" + f.engine().kind());
        }
        Path nio = dir.resolve("nio.dat");
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(nio, CREATE, READ, WRITE)) {
            int written = ch.write(ByteBuffer.wrap(data), 0).get();
            ByteBuffer back = ByteBuffer.allocate(data.length);
            int read = ch.read(back, 0).get();
            System.out.println("nio written=" + written + " read=" + read + " equal=" + Arrays.equals(back.array(), data)
                    + " channel=" + ch.getClass().getName() + " provider="
                    + nio.getFileSystem().provider().getClass().getName());
        }
    }
}
