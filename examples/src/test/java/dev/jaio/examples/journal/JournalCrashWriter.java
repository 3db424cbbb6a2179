package dev.jaio.examples.journal;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The child process of {@link JournalCrashTest}: appends self-describing records from several threads
 * until it is killed, printing {@code ack <sequence> <thread> <index> ok} once each record is
 * acknowledged. A line is printed (and flushed, one write) only after its record is durable.
 */
public final class JournalCrashWriter {
    private JournalCrashWriter() {
    }

    /** Encodes the record of thread {@code t}, index {@code i}: both numbers, then a pattern of varying length. */
    static byte[] record(int t, long i) {
        int length = 8 + 12 + (int) ((i * 7919 + t * 104729) % 3000);
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(t).putLong(i).putInt(length);
        while (b.hasRemaining()) {
            b.put((byte) (b.position() * 31 + i * 17 + t));
        }
        return b.array();
    }

    /** Whether {@code payload} is exactly a record made by {@link #record}. */
    static boolean selfConsistent(ByteBuffer payload) {
        if (payload.remaining() < 16) {
            return false;
        }
        ByteBuffer b = payload.duplicate();
        int t = b.getInt();
        long i = b.getLong();
        return t >= 0 && i >= 0 && ByteBuffer.wrap(record(t, i)).equals(payload);
    }

    /** {@code args}: directory, threads, starting index (distinct per round), durability. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        long base = Long.parseLong(args[2]);
        Journal.Durability durability = Journal.Durability.valueOf(args[3]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        Journal journal = Journal.open(dir, Journal.Options.defaults().withBatchBytes(1 << 16)
                .withSegmentSize(1 << 20).withDurability(durability));
        synchronized (out) {
            out.print("open " + journal.nextSequence() + " ok\n");
            out.flush();
        }
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread.ofPlatform().start(() -> {
                ArrayDeque<CompletableFuture<Void>> window = new ArrayDeque<>();
                for (long i = base; ; i++) {
                    long index = i;
                    window.add(journal.append(record(id, index)).thenAccept(seq -> {
                        String line = "ack " + seq + " " + id + " " + index + " ok\n";
                        synchronized (out) {
                            out.print(line);
                            out.flush();
                        }
                    }));
                    if (window.size() >= 16) {
                        window.poll().join();
                    }
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
