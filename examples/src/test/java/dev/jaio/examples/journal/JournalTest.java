package dev.jaio.examples.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JournalTest {
    private static final int PAYLOAD = 100;
    private static final int RECORD = RecordFormat.HEADER + PAYLOAD;

    @TempDir
    Path dir;

    static byte[] payload(long i, int size) {
        byte[] b = new byte[size];
        for (int k = 0; k < size; k++) {
            b[k] = (byte) (i * 131 + k * 7 + (i >>> 8));
        }
        return b;
    }

    private static Journal.Options small() {
        return Journal.Options.defaults().withSegmentSize(1 << 20).withBatchBytes(1 << 16);
    }

    private static List<byte[]> replayAll(Journal j) throws IOException {
        List<byte[]> out = new ArrayList<>();
        j.replay(b -> {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.add(a);
        });
        return out;
    }

    private static void appendAll(Journal j, int from, int count) {
        List<CompletableFuture<Long>> fs = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            fs.add(j.append(payload(i, PAYLOAD)));
        }
        for (int i = 0; i < count; i++) {
            assertEquals(from + i, fs.get(i).join());
        }
    }

    @ParameterizedTest
    @EnumSource(Journal.Durability.class)
    void shouldAcknowledgeAndReplayRecordsInOrder(Journal.Durability durability) throws IOException {
        try (Journal j = Journal.open(dir, small().withDurability(durability))) {
            appendAll(j, 0, 500);
            assertEquals(500, j.durableSequence());
            List<byte[]> got = replayAll(j);
            assertEquals(500, got.size());
            for (int i = 0; i < 500; i++) {
                assertArrayEquals(payload(i, PAYLOAD), got.get(i), "record " + i);
            }
        }
    }

    @Test
    void shouldKeepRecordsAndSequenceAcrossReopen() throws IOException {
        try (Journal j = Journal.open(dir, small())) {
            appendAll(j, 0, 300);
        }
        try (Journal j = Journal.open(dir, small())) {
            assertEquals(300, j.nextSequence());
            appendAll(j, 300, 300);
        }
        try (Journal j = Journal.open(dir, small())) {
            List<byte[]> got = replayAll(j);
            assertEquals(600, got.size());
            for (int i = 0; i < 600; i++) {
                assertArrayEquals(payload(i, PAYLOAD), got.get(i), "record " + i);
            }
        }
    }

    @Test
    void shouldRollToNewSegmentsAndReplayAcrossThem() throws IOException {
        Journal.Options o = Journal.Options.defaults().withBatchBytes(64 * 1024).withSegmentSize(64 * 1024);
        int size = 5000;
        try (Journal j = Journal.open(dir, o)) {
            List<CompletableFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                fs.add(j.append(payload(i, size)));
            }
            fs.forEach(CompletableFuture::join);
        }
        assertTrue(segments().size() >= 7, "segments=" + segments());
        try (Journal j = Journal.open(dir, o)) {
            List<Long> seqs = new ArrayList<>();
            j.replay(0, (seq, b) -> {
                byte[] a = new byte[b.remaining()];
                b.get(a);
                assertArrayEquals(payload(seq, size), a, "record " + seq);
                seqs.add(seq);
            });
            assertEquals(100, seqs.size());
            List<Long> tail = new ArrayList<>();
            j.replay(95, (seq, b) -> tail.add(seq));
            assertEquals(List.of(95L, 96L, 97L, 98L, 99L), tail);
        }
    }

    @Test
    void shouldStopRecoveryAtCorruptRecordAndNeverResurrectLaterOnes() throws IOException {
        try (Journal j = Journal.open(dir, small())) {
            appendAll(j, 0, 100);
        }
        Path seg = segments().get(0);
        flipByte(seg, 50L * RECORD + RecordFormat.HEADER + 10); // a payload byte of record 50
        try (Journal j = Journal.open(dir, small())) {
            assertEquals(50, j.nextSequence(), "recovery stops at the corrupt record");
            assertEquals(50, replayAll(j).size());
            // A shorter record at 50 so that old record 51 would line up differently; then reopen.
            assertEquals(50L, j.append(payload(1000, 10)).join());
        }
        try (Journal j = Journal.open(dir, small())) {
            List<byte[]> got = replayAll(j);
            assertEquals(51, got.size(), "records 51..99 written before the corruption stay gone");
            assertArrayEquals(payload(1000, 10), got.get(50));
        }
    }

    @Test
    void shouldStopRecoveryAtTornTailSector() throws IOException {
        try (Journal j = Journal.open(dir, small())) {
            appendAll(j, 0, 80);
        }
        Path seg = segments().get(0);
        // A torn write: the last 512-byte sector holding part of record 79 never made it (reads as zeros).
        long end = 80L * RECORD;
        long sector = (end - 1) & -512L;
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(sector);
            f.write(new byte[512]);
        }
        try (Journal j = Journal.open(dir, small())) {
            long n = j.nextSequence();
            assertTrue(n < 80 && n >= 75, "recovered up to the torn sector: nextSequence=" + n);
            assertEquals(n, replayAll(j).size());
            assertEquals(n, j.append(payload(n, PAYLOAD)).join());
        }
    }

    @Test
    void shouldDeleteSegmentsWrittenAfterTornRecord() throws IOException {
        Journal.Options o = Journal.Options.defaults().withBatchBytes(64 * 1024).withSegmentSize(64 * 1024);
        try (Journal j = Journal.open(dir, o)) {
            List<CompletableFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                fs.add(j.append(payload(i, 5000)));
            }
            fs.forEach(CompletableFuture::join);
        }
        List<Path> before = segments();
        assertTrue(before.size() >= 4, "segments=" + before);
        flipByte(before.get(1), 3); // the CRC of the first record of the second segment
        try (Journal j = Journal.open(dir, o)) {
            assertEquals(2, segments().size(), "the damaged segment is kept (emptied), later ones deleted");
            long n = j.nextSequence();
            assertEquals(n, replayAll(j).size());
            assertEquals(n, j.append(payload(n, 5000)).join());
        }
    }

    @Test
    void shouldGroupConcurrentWritersIntoFewerFlushes() throws Exception {
        int threads = 8;
        int each = 200;
        try (Journal j = Journal.open(dir, small())) {
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ts.add(Thread.ofPlatform().start(() -> {
                    List<CompletableFuture<Long>> fs = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        fs.add(j.append(payload(i, PAYLOAD)));
                    }
                    fs.forEach(CompletableFuture::join);
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(threads * each, j.durableSequence());
            assertTrue(j.groupsWritten() < threads * each,
                    "groups=" + j.groupsWritten() + " records=" + threads * each);
            assertEquals(threads * each, replayAll(j).size());
        }
    }

    @Test
    void shouldFailAppendsAfterCloseWithClosedChannelException() throws IOException {
        Journal j = Journal.open(dir, small());
        CompletableFuture<Long> before = j.append(payload(0, PAYLOAD));
        j.close();
        assertEquals(0L, before.join(), "an append accepted before close is flushed by close");
        CompletionException e = assertThrows(CompletionException.class, () -> j.append(payload(1, PAYLOAD)).join());
        assertInstanceOf(ClosedChannelException.class, e.getCause());
        j.close();
    }

    @Test
    void shouldRejectRecordLargerThanMaximum() throws IOException {
        try (Journal j = Journal.open(dir, small())) {
            assertThrows(IllegalArgumentException.class, () -> j.append(new byte[j.maxRecordSize() + 1]));
            assertEquals(0L, j.append(new byte[j.maxRecordSize()]).join());
            assertEquals(1L, j.append(new byte[0]).join());
        }
        try (Journal j = Journal.open(dir, small())) {
            assertEquals(2, j.nextSequence());
        }
    }

    @Test
    void shouldRefuseSecondOpenWhileLocked() throws IOException {
        try (Journal j = Journal.open(dir, small())) {
            IOException e = assertThrows(IOException.class, () -> Journal.open(dir, small()));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertFalse(j.toString().isEmpty());
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x5a);
        }
    }
}
