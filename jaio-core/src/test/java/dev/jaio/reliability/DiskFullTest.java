package dev.jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioEngine;
import dev.jaio.AioException;
import dev.jaio.AsyncFile;
import dev.jaio.Errno;
import dev.jaio.JaioOpenOption;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A full file system: writes fail with ENOSPC in their futures (or come back short), the engine keeps
 * serving other requests, and once space is freed the same write succeeds. Needs root for a small tmpfs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DiskFullTest {
    private static Path mount;
    private static boolean mounted;

    @BeforeAll
    static void mountSmallTmpfs() throws Exception {
        Assumptions.assumeTrue(ReliabilitySupport.isRoot(), "needs root to mount a 2 MiB tmpfs");
        mount = Files.createTempDirectory("jaio-full");
        ReliabilitySupport.mountTmpfs(mount, "2m");
        mounted = true;
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mounted) {
            ReliabilitySupport.unmount(mount);
        }
        if (mount != null) {
            Files.deleteIfExists(mount);
        }
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {true, false})
    void shouldFailWithEnospcKeepWorkingAndRecoverOnceSpaceIsFreed(boolean direct, @TempDir Path elsewhere)
            throws Exception {
        Path filler = mount.resolve("filler-" + direct);
        Files.write(filler, new byte[512 * 1024]);
        Path target = mount.resolve("data-" + direct);
        int chunk = 256 * 1024;
        try (AioEngine engine = ReliabilitySupport.engine(); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(chunk, 4096);
            for (int i = 0; i < chunk; i++) {
                buf.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (i * 13));
            }
            AsyncFile file = direct
                    ? AsyncFile.open(target, engine, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ, JaioOpenOption.DIRECT)
                    : AsyncFile.open(target, engine, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            try (file) {
                long position = 0;
                AioException enospc = null;
                for (int i = 0; i < 64 && enospc == null; i++) {
                    try {
                        int n = file.write(buf, position).join();
                        assertTrue(n > 0 && n <= chunk, "bytes written: n=" + n);
                        position += n; // a short write is how the kernel reports a partial fill
                    } catch (CompletionException e) {
                        enospc = assertInstanceOf(AioException.class, e.getCause());
                    }
                }
                assertNotNull(enospc, "the 2 MiB file system never filled up");
                assertEquals(Errno.ENOSPC.number(), enospc.errno(), enospc.getMessage());
                assertEquals("ENOSPC", enospc.errnoName());
                assertEquals(target, enospc.file());
                assertEquals(position, enospc.position());

                // The engine keeps working: a request on another file system succeeds.
                Path other = elsewhere.resolve("other");
                try (AsyncFile o = AsyncFile.open(other, engine, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    assertEquals(4096, o.write(buf.asSlice(0, 4096), 0).join());
                }
                // Acknowledged data is intact.
                MemorySegment back = arena.allocate(chunk, 4096);
                int r = file.read(back, 0).join();
                assertTrue(r > 0);
                assertArrayEquals(buf.asSlice(0, r).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                        back.asSlice(0, r).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));

                // Free space: the same write now succeeds.
                Files.delete(filler);
                int n = file.write(buf, position).join();
                assertTrue(n > 0, "write after freeing space: n=" + n);
                file.force(false).join();
            }
            Files.deleteIfExists(target);
        }
    }
}
