package dev.jaio.nio;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Run by {@link HugeHeapTransferTest} in a child JVM with a small {@code -XX:MaxDirectMemorySize}: a
 * gathering write from {@code PARTS} heap buffers of {@code MIB} MiB each through the JDK's FileChannel or
 * jaio's, then a scattering read back, an AsynchronousFileChannel write and read of one such buffer, and
 * {@code close()}; prints each call's count, and whether close returned.
 *
 * <p>Arguments: {@code JDK|JAIO DIR MIB PARTS}.
 */
public final class HugeHeapTransferProbe {
    private HugeHeapTransferProbe() {
    }

    /** See the class documentation. */
    public static void main(String[] args) throws Exception {
        boolean jdk = args[0].equals("JDK");
        Path p = Path.of(args[1]).resolve("huge-" + args[0]);
        int size = Integer.parseInt(args[2]) << 20;
        int parts = Integer.parseInt(args[3]);
        ByteBuffer[] bufs = new ByteBuffer[parts];
        for (int i = 0; i < parts; i++) {
            byte[] b = new byte[size];
            Arrays.fill(b, (byte) (i + 1));
            bufs[i] = ByteBuffer.wrap(b);
        }
        FileChannel ch = jdk ? FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE) : AioFileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        StringBuilder sb = new StringBuilder("gathering write:");
        try {
            long left = (long) size * parts;
            while (left > 0) {
                long n = ch.write(bufs);
                sb.append(' ').append(n);
                left -= n;
            }
            sb.append(" size=").append(ch.size());
            for (ByteBuffer b : bufs) {
                b.clear();
                Arrays.fill(b.array(), (byte) 0);
            }
            sb.append(" scattering read:");
            ch.position(0);
            long left2 = (long) size * parts;
            while (left2 > 0) {
                long n = ch.read(bufs);
                sb.append(' ').append(n);
                left2 -= n;
            }
            boolean same = true;
            for (int i = 0; i < parts; i++) {
                same &= bufs[i].array()[0] == i + 1 && bufs[i].array()[size - 1] == i + 1;
            }
            sb.append(" data=").append(same ? "same" : "different");
        } catch (Throwable t) {
            sb.append(" threw=").append(t);
        }
        System.out.println(sb);
        System.out.println("close: " + closeWithin(ch, 60_000));

        AsynchronousFileChannel ac = jdk ? AsynchronousFileChannel.open(p, StandardOpenOption.READ,
                StandardOpenOption.WRITE) : AioAsynchronousFileChannel.open(p, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        StringBuilder as = new StringBuilder("async write:");
        try {
            as.append(' ').append(ac.write(bufs[0].clear(), 0).get());
            as.append(" async read: ").append(ac.read(bufs[1].clear(), 0).get());
            as.append(" data=").append(bufs[1].array()[size - 1] == 1 ? "same" : "different");
        } catch (Throwable t) {
            as.append(" threw=").append(t);
        }
        System.out.println(as);
        System.out.println("async close: " + closeWithin(ac, 60_000));
        Files.delete(p);
    }

    private static String closeWithin(java.nio.channels.Channel ch, long millis) throws InterruptedException {
        Thread t = Thread.ofPlatform().daemon().start(() -> {
            try {
                ch.close();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        t.join(millis);
        return t.isAlive() ? "still blocked after " + millis + " ms" : "returned";
    }
}
