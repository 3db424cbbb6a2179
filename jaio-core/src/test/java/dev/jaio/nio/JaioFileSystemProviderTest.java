package dev.jaio.nio;

import dev.jaio.testing.ChildJvm;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JaioFileSystemProviderTest {
    @TempDir
    Path tmp;
    JaioFileSystemProvider provider;
    FileSystem fs;
    Path dir;

    @BeforeEach
    void setUp() {
        provider = new JaioFileSystemProvider(FileSystems.getDefault().provider());
        fs = provider.getFileSystem(URI.create("file:///"));
        dir = fs.getPath(tmp.toString());
    }

    @Test
    void shouldWrapPathsSoThatTheyNameTheWrapper() throws Exception {
        assertSame(provider, fs.provider());
        assertSame(fs, dir.getFileSystem());
        assertSame(provider, dir.resolve("a").getFileSystem().provider());
        assertSame(fs, dir.getParent().getFileSystem());
        assertSame(fs, dir.getFileName().getFileSystem());
        assertSame(fs, dir.getRoot().getFileSystem());
        assertSame(fs, dir.toAbsolutePath().getFileSystem());
        assertSame(fs, provider.getPath(dir.toUri()).getFileSystem());
        assertEquals(dir, provider.getPath(dir.toUri()));
        assertEquals(tmp.toString(), dir.toString());
        assertEquals(dir.resolve("x/y"), dir.resolve(fs.getPath("x", "y")));
        assertEquals(fs.getPath("x/y"), dir.relativize(dir.resolve("x/y")));
        assertTrue(dir.resolve("x").startsWith(dir));
        assertTrue(dir.resolve("x").endsWith("x"));
        assertTrue(dir.resolve("x").startsWith(tmp), "a platform path of the default file system is accepted");
        assertTrue(fs.getPathMatcher("glob:**/*.txt").matches(dir.resolve("a.txt")));
        assertEquals(List.of(), iterate(fs.getRootDirectories()).stream()
                .filter(r -> r.getFileSystem() != fs).toList());
    }

    @Test
    void shouldForwardFileOperationsToThePlatform() throws Exception {
        Path a = dir.resolve("a.txt");
        Files.writeString(a, "hello");
        assertEquals("hello", Files.readString(a));
        assertEquals(5, Files.size(a));
        assertTrue(Files.exists(a));
        assertTrue(Files.isRegularFile(a));
        Files.createDirectories(dir.resolve("sub/deeper"));
        Files.copy(a, dir.resolve("sub/b.txt"));
        Files.move(dir.resolve("sub/b.txt"), dir.resolve("sub/deeper/c.txt"));
        Files.createSymbolicLink(dir.resolve("link"), a);
        Path target = Files.readSymbolicLink(dir.resolve("link"));
        assertSame(fs, target.getFileSystem());
        assertTrue(Files.isSameFile(a, dir.resolve("link")));
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = walk.toList();
            assertEquals(6, all.size(), all.toString());
            assertTrue(all.stream().allMatch(p -> p.getFileSystem() == fs));
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> p.getFileSystem() == fs
                && p.getFileName().toString().endsWith(".txt"))) {
            assertEquals(List.of(a), iterate(ds));
        }
        Map<String, Object> attrs = Files.readAttributes(a, "size");
        assertEquals(5L, attrs.get("size"));
        Files.delete(dir.resolve("link"));
        assertFalse(Files.exists(dir.resolve("link")));
    }

    @Test
    void shouldAnswerAsynchronousFileChannelsWithJaiosChannel() throws Exception {
        Path a = dir.resolve("async.bin");
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(a, CREATE, READ, WRITE)) {
            assertInstanceOf(AioAsynchronousFileChannel.class, ch);
            assertEquals(4, ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 0).get());
            assertEquals(-1, ch.read(ByteBuffer.allocate(4), 4).get());
        }
        assertEquals(4, Files.size(a));
    }

    @Test
    void shouldLeaveNonRegularFilesToThePlatform() throws Exception {
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(fs.getPath("/dev/null"), READ)) {
            assertFalse(ch instanceof AioAsynchronousFileChannel, ch.getClass().getName());
        }
    }

    @Test
    void shouldAnswerFileChannelsWithThePlatformsUnlessAskedFor() throws Exception {
        Path a = dir.resolve("fc.bin");
        try (FileChannel ch = FileChannel.open(a, CREATE, WRITE)) {
            assertFalse(ch instanceof AioFileChannel);
        }
        String before = System.getProperty("jaio.nio.fileChannel");
        System.setProperty("jaio.nio.fileChannel", "true");
        try (FileChannel ch = FileChannel.open(a, READ, WRITE)) {
            assertInstanceOf(AioFileChannel.class, ch);
            // Its lock goes to a platform channel reached without the wrapper: no recursion.
            assertTrue(ch.tryLock().isValid());
        } finally {
            if (before == null) {
                System.clearProperty("jaio.nio.fileChannel");
            } else {
                System.setProperty("jaio.nio.fileChannel", before);
            }
        }
    }

    @Test
    void shouldRejectPathsOfOtherProviders() throws Exception {
        Path zip = tmp.resolve("z.zip");
        try (FileSystem zfs = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
            Path inZip = zfs.getPath("/x");
            assertThrows(ProviderMismatchException.class, () -> provider.newByteChannel(inZip, java.util.Set.of()));
            assertFalse(dir.startsWith(inZip));
            assertFalse(provider.isSameFile(dir, inZip));
        }
        assertNull(dir.getRoot().getParent());
    }

    /** The zero-line way in: unchanged code, the provider named on the command line, kernel AIO underneath. */
    @Test
    void shouldRunAnUnchangedProgramOnJaioWithTheProviderProperty() throws Exception {
        String out;
        try (ChildJvm.Running child = ChildJvm.of(ProviderProbe.class, tmp.toString()).sameEngine()
                .systemProperty("java.nio.file.spi.DefaultFileSystemProvider", JaioFileSystemProvider.class.getName())
                .start()) {
            out = child.readAll();
            assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, child.process().exitValue(), out);
        }
        System.out.println("child said:\n" + out);
        assertTrue(out.contains("channel=" + AioAsynchronousFileChannel.class.getName()), out);
        assertTrue(out.contains("provider=" + JaioFileSystemProvider.class.getName()), out);
        assertTrue(out.contains("read=262144 equal=true"), out);
        assertTrue(out.contains("eof=-1"), out);
        assertTrue(out.contains("listed=[data]"), out);
        assertTrue(out.contains("toFile=262144 fromFile=JaioFileSystemProvider"), out);
        Matcher m = Pattern.compile("engine=(\\w+) submitted=(\\d+) submitCalls=(\\d+) completed=(\\d+) failed=(\\d+)")
                .matcher(out);
        assertTrue(m.find(), out);
        long submitted = Long.parseLong(m.group(2));
        long submitCalls = Long.parseLong(m.group(3));
        assertTrue(submitted >= 66, "64 writes, a force and 2 reads went through the engine: " + out);
        assertEquals(0, Long.parseLong(m.group(5)), "no request failed");
        if (m.group(1).equals("KERNEL_AIO")) {
            assertTrue(submitCalls > 0, "the kernel engine called io_submit: " + out);
        } else if (m.group(1).equals("IO_URING")) {
            assertTrue(submitCalls > 0, "the io_uring engine called io_uring_enter: " + out);
            assertTrue(System.getProperty("jaio.engine", "").contains("uring"), "io_uring runs only when asked");
        } else {
            assertEquals("threads", System.getProperty("jaio.engine"), "the thread-pool engine runs only when asked");
        }
    }

    @Test
    void shouldFallBackToThePlatformWhenNativeAccessIsDenied() throws Exception {
        String out;
        try (ChildJvm.Running child = ChildJvm.of(ProviderProbe.class, tmp.toString(), "no-engine").sameEngine()
                .withoutNativeAccess().jvmOptions("--illegal-native-access=deny",
                        "-Djava.nio.file.spi.DefaultFileSystemProvider=" + JaioFileSystemProvider.class.getName())
                .start()) {
            out = child.readAll();
            assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, child.process().exitValue(), out);
        }
        assertTrue(out.contains("jaio's channels are unusable here"), out);
        assertTrue(out.contains("channel=sun.nio.ch."), out);
        assertTrue(out.contains("read=262144 equal=true"), out);
        assertTrue(out.contains("provider=" + JaioFileSystemProvider.class.getName()), out);
    }

    private static <T> List<T> iterate(Iterable<T> it) {
        List<T> l = new ArrayList<>();
        it.forEach(l::add);
        return l;
    }
}
