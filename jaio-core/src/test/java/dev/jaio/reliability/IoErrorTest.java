package dev.jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.testing.Command;
import dev.jaio.testing.LoopDevice;
import dev.jaio.AioEngine;
import dev.jaio.AioException;
import dev.jaio.AsyncFile;
import dev.jaio.Errno;
import dev.jaio.JaioOpenOption;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real EIO from the block layer: a loop device whose backing file is made immutable after attaching,
 * so the loop driver's writes to it fail (EPERM), which the block layer reports to the writer as EIO.
 * (Device-mapper's error target would do as well, but this kernel has no device-mapper.) Root only.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IoErrorTest {
    @TempDir
    Path dir;

    @Test
    void shouldReportEioWithFileAndPositionAndKeepTheEngineWorking() throws Exception {
        Assumptions.assumeTrue(ReliabilitySupport.isRoot(), "needs root for losetup and chattr");
        Assumptions.assumeTrue(Command.run("sh", "-c", "command -v losetup && command -v chattr").exit() == 0,
                "needs losetup and chattr");
        Path backing = dir.resolve("backing.img");
        try (var f = new java.io.RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(16 << 20);
        }
        LoopDevice loop;
        try {
            loop = LoopDevice.attach(backing);
        } catch (IOException e) {
            Assumptions.abort("no free loop device: " + e.getMessage());
            return;
        }
        Path device = loop.device();
        try (loop) {
            Command.runOk("chattr", "+i", backing.toString());
            try (AioEngine engine = ReliabilitySupport.engine(); Arena arena = Arena.ofShared()) {
                MemorySegment buf = arena.allocate(4096, 4096);
                try (AsyncFile f = AsyncFile.open(device, engine, StandardOpenOption.WRITE, StandardOpenOption.READ,
                        JaioOpenOption.DIRECT)) {
                    long position = 5 * 4096;
                    ExecutionException e = assertThrows(ExecutionException.class,
                            () -> f.write(buf, position).get(20, TimeUnit.SECONDS));
                    AioException a = assertInstanceOf(AioException.class, e.getCause());
                    assertEquals(Errno.EIO.number(), a.errno(), a.getMessage());
                    assertEquals("EIO", a.errnoName());
                    assertEquals(device, a.file());
                    assertEquals(position, a.position());
                    assertTrue(a.getMessage().contains(device.toString()), a.getMessage());
                    // Reads of the same device still work: the error belongs to the one request.
                    assertEquals(4096, f.read(buf, 0).get(20, TimeUnit.SECONDS));
                }
                Path other = dir.resolve("other");
                try (AsyncFile o = AsyncFile.open(other, engine, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    assertEquals(4096, o.write(buf, 0).get(20, TimeUnit.SECONDS), "the engine survives EIO");
                }
                assertTrue(Files.size(other) == 4096);
            }
        } finally {
            Command.run("chattr", "-i", backing.toString());
        }
    }
}
