package dev.jaio.examples.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends records to a journal from several threads, each keeping a window of appends in flight, and
 * prints the throughput and how well group commit grouped them.
 *
 * <p>Usage: {@code JournalDemo [dir] [threads] [recordsPerThread] [recordBytes] [fdatasync|dsync]};
 * the defaults are a temporary directory, 4 threads, 20000 records each, 100 bytes, fdatasync.
 */
public final class JournalDemo {
    private JournalDemo() {
    }

    /** Runs the demo; see the class documentation for the arguments. */
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("journal-demo");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int perThread = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int recordBytes = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        Journal.Durability durability = args.length > 4 && args[4].equalsIgnoreCase("dsync")
                ? Journal.Durability.DSYNC_WRITES : Journal.Durability.FDATASYNC;
        int window = 64; // appends each thread keeps in flight
        try (Journal journal = Journal.open(dir, Journal.Options.defaults().withDurability(durability))) {
            long first = journal.nextSequence();
            AtomicLong acknowledged = new AtomicLong();
            List<Thread> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                byte[] record = new byte[recordBytes];
                int id = t;
                workers.add(Thread.ofPlatform().name("writer-" + t).start(() -> {
                    java.util.ArrayDeque<CompletableFuture<Long>> inFlight = new java.util.ArrayDeque<>();
                    for (int i = 0; i < perThread; i++) {
                        record[0] = (byte) id;
                        inFlight.add(journal.append(record));
                        if (inFlight.size() >= window) {
                            inFlight.poll().join();
                            acknowledged.incrementAndGet();
                        }
                    }
                    while (!inFlight.isEmpty()) {
                        inFlight.poll().join();
                        acknowledged.incrementAndGet();
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long n = acknowledged.get();
            System.out.printf("journal=%s durability=%s threads=%d records=%d recordBytes=%d%n", dir, durability,
                    threads, n, recordBytes);
            System.out.printf("seconds=%.3f records/s=%.0f MiB/s=%.2f groups=%d records/group=%.1f sequences=%d..%d%n",
                    seconds, n / seconds, n * (double) (recordBytes + RecordFormat.HEADER) / seconds / (1 << 20),
                    journal.groupsWritten(), n / (double) Math.max(1, journal.groupsWritten()), first,
                    journal.durableSequence() - 1);
        } catch (IOException e) {
            System.err.println("journal demo failed: " + e);
            System.exit(1);
        }
    }
}
