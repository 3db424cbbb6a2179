package dev.jaio.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jaio.AioException;
import dev.jaio.NativeFile;
import dev.jaio.testing.TestFiles;
import dev.jaio.testing.TestFiles.Pipe;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the kernel AIO conformance tests (IoSetupTest, IoSubmitTest, ...) set up again and again: an
 * {@link AioContext}, a patterned file, a pipe, an eventfd, a confined arena for iocbs and buffers, and a
 * temporary directory. Registered as a field, {@code @RegisterExtension final AioFixture fx = new
 * AioFixture();}, it closes everything a test took from it after the test, in an order that is safe
 * for the kernel: the contexts first (io_destroy waits for what is in flight), then the descriptors,
 * then the arena whose memory the kernel may have been reading or writing, then the directory.
 */
final class AioFixture implements AfterEachCallback {
    /** {@code POLLIN}, as the tests here name it. */
    static final int POLLIN = dev.jaio.internal.linux.LibC.POLLIN;
    /** {@code POLLOUT}. */
    static final int POLLOUT = 0x4;
    /** How long a test waits for an event it expects: generous, the machine may be loaded. */
    static final Duration LONG_WAIT = Duration.ofSeconds(10);

    private final Deque<AioContext> contexts = new ArrayDeque<>();
    private final Deque<AutoCloseable> descriptors = new ArrayDeque<>();
    private Arena arena;
    private Path dir;

    /** A context of {@code nrEvents}, closed after the test (closing it earlier is allowed). */
    AioContext context(int nrEvents) throws AioException {
        AioContext ctx = AioContext.setup(nrEvents);
        contexts.push(ctx);
        return ctx;
    }

    /** A context of {@code nrEvents} that reaps from the ring or not, closed after the test. */
    AioContext context(int nrEvents, boolean useRing) throws AioException {
        AioContext ctx = AioContext.setup(nrEvents, useRing);
        contexts.push(ctx);
        return ctx;
    }

    /** The test's confined arena, closed after every context and descriptor. */
    Arena arena() {
        if (arena == null) {
            arena = Arena.ofConfined();
        }
        return arena;
    }

    /** A zeroed iocb in {@link #arena()}. */
    Iocb iocb() {
        return Iocb.allocate(arena());
    }

    /** The test's own temporary directory, deleted after the test. */
    Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("jaio-aio-");
        }
        return dir;
    }

    /** A file {@code f} of {@code size} bytes of {@link TestFiles#patternByte} in {@link #dir()}. */
    Path patterned(int size) throws IOException {
        return TestFiles.patterned(dir(), "f", size);
    }

    /** {@link #patterned(int)}, opened for reading with {@code options} besides. */
    NativeFile patternedFile(int size, OpenOption... options) throws IOException {
        OpenOption[] all = Stream.concat(Stream.of(StandardOpenOption.READ), Stream.of(options))
                .toArray(OpenOption[]::new);
        return open(patterned(size), all);
    }

    /** {@link NativeFile#open}, closed after the test. */
    NativeFile open(Path path, OpenOption... options) throws IOException {
        return track(NativeFile.open(path, options));
    }

    /** A file {@code name} in {@link #dir()}, created if need be and opened for reading and writing. */
    NativeFile openReadWrite(String name) throws IOException {
        return open(dir().resolve(name), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    /** A pipe, both ends closed after the test. */
    Pipe pipe() {
        return track(new Pipe());
    }

    /** An eventfd, closed after the test. */
    EventFd eventFd() throws IOException {
        return track(EventFd.create());
    }

    private <T extends AutoCloseable> T track(T descriptor) {
        descriptors.push(descriptor);
        return descriptor;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        List<Exception> failures = new ArrayList<>();
        while (!contexts.isEmpty()) {
            closeQuietly(contexts.pop(), failures);
        }
        while (!descriptors.isEmpty()) {
            closeQuietly(descriptors.pop(), failures);
        }
        if (arena != null) {
            closeQuietly(arena, failures);
            arena = null;
        }
        if (dir != null) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                failures.add(e);
            }
            dir = null;
        }
        if (!failures.isEmpty()) {
            Exception first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static void closeQuietly(AutoCloseable resource, List<Exception> failures) {
        try {
            resource.close();
        } catch (Exception e) {
            failures.add(e);
        }
    }

    /** Reaps exactly one event, failing if it does not arrive within {@link #LONG_WAIT}. */
    static IoEvent awaitOne(AioContext ctx) throws AioException {
        List<IoEvent> events = ctx.getEvents(1, 1, LONG_WAIT);
        assertEquals(1, events.size(), "one event within " + LONG_WAIT);
        return events.get(0);
    }

    /** Reaps exactly {@code n} events, failing if they do not arrive within {@link #LONG_WAIT}. */
    static List<IoEvent> awaitAll(AioContext ctx, int n) throws AioException {
        List<IoEvent> all = new ArrayList<>(n);
        long deadline = System.nanoTime() + LONG_WAIT.toNanos();
        while (all.size() < n) {
            if (System.nanoTime() - deadline > 0) {
                fail("only " + all.size() + " of " + n + " events arrived within " + LONG_WAIT);
            }
            all.addAll(ctx.getEvents(1, n - all.size(), Duration.ofMillis(500)));
        }
        return all;
    }
}
