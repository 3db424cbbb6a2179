package dev.jaio.nio;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A read into a buffer of a confined arena, on its owner thread, works on jaio's FileChannel as on the
 * JDK's: the same counts, positions and bytes, buffered and with O_DIRECT, single and scattering, and a
 * read larger than jaio's heap chunk.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfinedBufferTest {
    @TempDir
    Path dir;

    private static String outcome(Callable<?> call) {
        try {
            return "value:" + call.call();
        } catch (Throwable t) {
            return t.getClass().getName() + ": " + t.getMessage();
        }
    }

    private static List<String> scenarios(FileChannel ch) {
        List<String> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            ByteBuffer a = arena.allocate(8192, 4096).asByteBuffer();
            out.add(outcome(() -> ch.read(a, 4096) + " pos=" + a.position() + " hash=" + a.flip().hashCode()));
            ByteBuffer b = arena.allocate(3 << 20, 4096).asByteBuffer();
            out.add(outcome(() -> ch.read(b, 0) + " pos=" + b.position() + " hash=" + b.flip().hashCode()));
            ByteBuffer c = arena.allocate(8192, 4096).asByteBuffer();
            out.add(outcome(() -> ch.position(0).read(c) + " pos=" + c.position() + " channel=" + ch.position()
                    + " hash=" + c.flip().hashCode()));
            ByteBuffer d = arena.allocate(4096, 4096).asByteBuffer();
            ByteBuffer e = ByteBuffer.allocate(4096);
            out.add(outcome(() -> ch.position(8192).read(new ByteBuffer[] {d, e}) + " hash="
                    + d.flip().hashCode() + "/" + e.flip().hashCode()));
            ByteBuffer f = arena.allocate(4096, 4096).asByteBuffer();
            out.add(outcome(() -> ch.read(f, 1L << 30)));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldReadIntoAConfinedBufferOnTheOwnerThreadAsTheJdkDoes(boolean direct) throws Exception {
        Path p = dir.resolve("f");
        byte[] data = new byte[(3 << 20) + 4096];
        new Random(7).nextBytes(data);
        Files.write(p, data);
        OpenOption[] options = direct ? new OpenOption[] {READ, AioAsynchronousFileChannelTest.JDK_DIRECT}
                : new OpenOption[] {READ};
        List<String> jdk;
        List<String> jaio;
        try (FileChannel ch = FileChannel.open(p, options)) {
            jdk = scenarios(ch);
        }
        try (FileChannel ch = AioFileChannel.open(p, options)) {
            jaio = scenarios(ch);
        }
        System.out.println((direct ? "O_DIRECT" : "buffered") + ", confined buffers: " + jdk);
        assertEquals(jdk, jaio);
    }
}
