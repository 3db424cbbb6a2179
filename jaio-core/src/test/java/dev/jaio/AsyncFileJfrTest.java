package dev.jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import dev.jaio.internal.engine.IoOp;
import dev.jaio.internal.jfr.FileForceEvent;
import dev.jaio.internal.jfr.FileReadEvent;
import dev.jaio.internal.jfr.FileWriteEvent;
import dev.jaio.internal.jfr.JaioJfr;
import dev.jaio.testing.ChildJvm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionException;
import jdk.jfr.EventType;
import jdk.jfr.Recording;
import jdk.jfr.SettingDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** jaio's Flight Recorder events, recorded to a file and read back with {@code jdk.jfr.consumer}. */
class AsyncFileJfrTest {
    @TempDir
    Path dir;

    private static List<RecordedEvent> named(List<RecordedEvent> all, String name) {
        // A recording keeps events per thread buffer: order them by when they began.
        return all.stream().filter(e -> e.getEventType().getName().equals(name))
                .sorted(Comparator.comparing(RecordedEvent::getStartTime)).toList();
    }

    @Test
    @Timeout(120)
    void shouldRecordReadsWritesForcesAndEngineStatistics() throws Exception {
        Path file = dir.resolve("data");
        Path jfr = dir.resolve("jaio.jfr");
        try (AioEngine engine = EngineTestSupport.builder().name("jaio-jfr-test").build();
             AsyncFile f = AsyncFile.open(file, engine, StandardOpenOption.CREATE, StandardOpenOption.READ,
                     StandardOpenOption.WRITE);
             Recording rec = new Recording()) {
            rec.enable("dev.jaio.FileRead").withThreshold(Duration.ZERO);
            rec.enable("dev.jaio.FileWrite").withThreshold(Duration.ZERO);
            rec.enable("dev.jaio.FileForce").withThreshold(Duration.ZERO);
            rec.enable("dev.jaio.EngineStatistics").with("period", "endChunk");
            rec.start();
            assertEquals(8192, f.write(ByteBuffer.wrap(new byte[8192]), 4096).join());
            f.force(true).join();
            f.force(false).join();
            MemorySegment buf = Arena.ofAuto().allocate(4096, 4096);
            assertEquals(4096, f.read(buf, 8192).join());
            assertEquals(0, f.read(buf, 1 << 20).join(), "past the end of the file");
            rec.stop();
            rec.dump(jfr);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
        String path = file.toString();
        String kind = EngineTestSupport.expectedKind().name();

        List<RecordedEvent> writes = named(events, "dev.jaio.FileWrite");
        assertEquals(1, writes.size(), writes::toString);
        RecordedEvent w = writes.getFirst();
        assertEquals(path, w.getString("path"));
        assertEquals(4096, w.getLong("position"));
        assertEquals(8192, w.getLong("bytesWritten"));
        assertEquals(kind, w.getString("engine"));
        assertNull(w.getString("error"));
        assertFalse(w.getDuration().isNegative());

        List<RecordedEvent> forces = named(events, "dev.jaio.FileForce");
        assertEquals(List.of(true, false), forces.stream().map(e -> e.getBoolean("metaData")).toList());
        assertEquals(-1, forces.getFirst().getLong("position"));

        List<RecordedEvent> reads = named(events, "dev.jaio.FileRead");
        assertEquals(2, reads.size(), reads::toString);
        assertEquals(8192, reads.get(0).getLong("position"));
        assertEquals(4096, reads.get(0).getLong("bytesRead"));
        assertFalse(reads.get(0).getBoolean("endOfFile"));
        assertEquals(1 << 20, reads.get(1).getLong("position"));
        assertEquals(0, reads.get(1).getLong("bytesRead"));
        assertTrue(reads.get(1).getBoolean("endOfFile"));
        // Duration runs from issue to completion: the write ends before the force that followed it begins.
        assertTrue(!w.getEndTime().isAfter(forces.getFirst().getStartTime()), events::toString);

        List<RecordedEvent> stats = named(events, "dev.jaio.EngineStatistics").stream()
                .filter(e -> "jaio-jfr-test".equals(e.getString("engine"))).toList();
        assertFalse(stats.isEmpty(), "the periodic event ran at the end of the recording");
        RecordedEvent s = stats.getLast();
        assertEquals(kind, s.getString("kind"));
        assertTrue(s.getLong("submitted") >= 5 && s.getLong("completed") >= 5, s::toString);
        assertEquals(0, s.getLong("inFlight"));
        if (EngineTestSupport.expectedKind() == AioEngine.Kind.KERNEL_AIO) {
            assertTrue(s.getLong("submitCalls") >= 1, s::toString);
        }
    }

    @Test
    @Timeout(120)
    void shouldRecordTheErrnoOfAFailedRead() throws Exception {
        Path jfr = dir.resolve("err.jfr");
        Path file = Files.write(dir.resolve("small"), new byte[512]);
        long position = Long.MAX_VALUE - 100; // position + length overflows loff_t: the kernel answers EINVAL
        try (AioEngine engine = EngineTestSupport.engine();
             AsyncFile f = AsyncFile.open(file, engine, StandardOpenOption.READ);
             Recording rec = new Recording()) {
            rec.enable("dev.jaio.FileRead").withThreshold(Duration.ZERO);
            rec.start();
            CompletionException e = assertThrows(CompletionException.class,
                    () -> f.read(ByteBuffer.allocate(512), position).join());
            assertEquals("EINVAL", assertInstanceOf(AioException.class, e.getCause()).errnoName());
            rec.stop();
            rec.dump(jfr);
        }
        List<RecordedEvent> reads = named(RecordingFile.readAllEvents(jfr), "dev.jaio.FileRead");
        assertEquals(1, reads.size(), reads::toString);
        assertEquals("EINVAL", reads.getFirst().getString("error"));
        assertEquals(position, reads.getFirst().getLong("position"));
        assertEquals(0, reads.getFirst().getLong("bytesRead"));
        assertFalse(reads.getFirst().getBoolean("endOfFile"));
    }

    @Test
    @Timeout(120)
    void shouldRecordReadsFinishedWithoutAFutureAsTheOthers() throws Exception {
        Path jfr = dir.resolve("nofuture.jfr");
        Path file = Files.write(dir.resolve("cached"), new byte[8192]);
        long bad = Long.MAX_VALUE - 100;
        try (AioEngine engine = EngineTestSupport.engine();
             AsyncFile f = AsyncFile.open(file, engine, StandardOpenOption.READ);
             Recording rec = new Recording()) {
            rec.enable("dev.jaio.FileRead").withThreshold(Duration.ZERO);
            rec.start();
            ByteBuffer b = ByteBuffer.allocate(1024);
            assertNull(f.readOrFuture(b, 4096), "a cached read is finished on this thread");
            AioException e = assertThrows(AioException.class, () -> f.readOrFuture(ByteBuffer.allocate(512), bad));
            assertEquals("EINVAL", e.errnoName());
            rec.stop();
            rec.dump(jfr);
        }
        List<RecordedEvent> reads = named(RecordingFile.readAllEvents(jfr), "dev.jaio.FileRead");
        assertEquals(2, reads.size(), reads::toString);
        assertEquals(4096, reads.get(0).getLong("position"));
        assertEquals(1024, reads.get(0).getLong("bytesRead"));
        assertNull(reads.get(0).getString("error"));
        assertEquals(bad, reads.get(1).getLong("position"));
        assertEquals("EINVAL", reads.get(1).getString("error"));
    }

    @Test
    void shouldBeginNothingWhenNoRecordingAsksForTheEvents() {
        assertNull(JaioJfr.begin(IoOp.READ));
        assertNull(JaioJfr.begin(IoOp.WRITEV));
        assertNull(JaioJfr.begin(IoOp.FDSYNC));
        JaioJfr.end(null, Path.of("x"), 0, 0, null, AioEngine.Kind.KERNEL_AIO); // a no-op, as at every completion
    }

    @Test
    @Timeout(180)
    void shouldLoadNoEventClassInAProgramThatNeverRecords() throws Exception {
        // Loading the first event class sets up JFR's instrumentation (hundreds of milliseconds here).
        ChildJvm.Result r = ChildJvm.of(JfrOffProbe.class, dir.resolve("f").toString())
                .jvmOptions("-XX:TieredStopAtLevel=1", "-Xlog:class+load=info")
                .mergeStderr().timeout(java.time.Duration.ofSeconds(150)).run();
        String out = r.stdout();
        assertEquals(0, r.exitCode(), out);
        assertTrue(out.lines().anyMatch(l -> l.equals("ok 4096")), out);
        assertTrue(out.contains(" dev.jaio.internal.jfr.JaioJfr "), "the hooks ran");
        List<String> events = out.lines().filter(l -> l.contains("dev.jaio.internal.jfr.File")
                || l.contains("dev.jaio.internal.jfr.EngineStatistics") || l.contains(" jdk.jfr.Event ")).toList();
        assertEquals(List.of(), events, "no event class was loaded");
    }

    @Test
    void shouldDefaultToTheThresholdsOfTheJdksFileEvents() {
        // default.jfc of JDK 25: jdk.FileRead and jdk.FileWrite 1 ms, jdk.FileForce 20 ms.
        assertEquals("1 ms", threshold(FileReadEvent.class));
        assertEquals("1 ms", threshold(FileWriteEvent.class));
        assertEquals("20 ms", threshold(FileForceEvent.class));
        assertEquals("dev.jaio.FileRead", EventType.getEventType(FileReadEvent.class).getName());
    }

    private static String threshold(Class<? extends jdk.jfr.Event> c) {
        return EventType.getEventType(c).getSettingDescriptors().stream().filter(d -> d.getName().equals("threshold"))
                .map(SettingDescriptor::getDefaultValue).findFirst().orElseThrow();
    }
}
