package dev.jaio;

import dev.jaio.testing.LoopDevice;
import dev.jaio.testing.TestFiles;

import dev.jaio.aio.AioContext;
import dev.jaio.aio.IoEvent;
import dev.jaio.aio.Iocb;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirectIoAlignmentTest {
    private static final long DEVICE_SIZE = 8L << 20;
    private static final List<LoopDevice> LOOPS = new ArrayList<>();
    private static final List<Path> BACKING = new ArrayList<>();

    @AfterAll
    static void detachLoopDevices() throws IOException {
        for (LoopDevice loop : LOOPS) {
            loop.close();
        }
        for (Path p : BACKING) {
            Files.deleteIfExists(p);
        }
    }

    private static synchronized LoopDevice loop(int sectorSize) throws IOException, InterruptedException {
        String reason = LoopDevice.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        Path backing = Files.createTempFile("jaio-loop-" + sectorSize + "-", ".img");
        BACKING.add(backing);
        try (RandomAccessFile raf = new RandomAccessFile(backing.toFile(), "rw")) {
            raf.setLength(DEVICE_SIZE);
        }
        LoopDevice loop = LoopDevice.attach(backing, sectorSize);
        LOOPS.add(loop);
        return loop;
    }

    @Test
    void shouldRejectAlignmentsThatAreNotPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new DirectIoAlignment(0, 512));
        assertThrows(IllegalArgumentException.class, () -> new DirectIoAlignment(512, 0));
        assertThrows(IllegalArgumentException.class, () -> new DirectIoAlignment(3, 512));
        assertThrows(IllegalArgumentException.class, () -> new DirectIoAlignment(512, 1000));
        assertEquals(4096, new DirectIoAlignment(512, 4096).strictest());
        assertEquals(4096, DirectIoAlignment.DEFAULT.strictest());
    }

    @Test
    void shouldAcceptOnlyAlignedNativeRequests() {
        DirectIoAlignment a = new DirectIoAlignment(512, 4096);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(16384, 4096);
            assertTrue(a.accepts(page.asSlice(0, 4096), 8192));
            assertTrue(a.accepts(page.asSlice(512, 4096), 0), "memory alignment 512 suffices");
            assertFalse(a.accepts(page.asSlice(256, 4096), 0));
            assertFalse(a.accepts(page.asSlice(0, 2048), 0), "length below the offset alignment");
            assertFalse(a.accepts(page.asSlice(0, 4096), 512), "offset below the offset alignment");
            assertFalse(a.accepts(MemorySegment.ofArray(new byte[4096]), 0), "heap memory");
        }
    }

    @Test
    void shouldFindTheLogicalBlockSizeOfTheDeviceUnderAFileInSysfs() throws Exception {
        // The fallback for kernels without STATX_DIOALIGN: /sys/dev/block/MAJOR:MINOR of the file's device.
        Path file = Files.createTempFile("jaio-lbs", ".tmp");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(dev.jaio.internal.linux.Statx.LAYOUT);
            assertEquals(0, dev.jaio.internal.linux.LibC.statx(dev.jaio.internal.linux.LibC.AT_FDCWD,
                    arena.allocateFrom(file.toString()), 0, 0, st));
            int major = st.get(ValueLayout.JAVA_INT, dev.jaio.internal.linux.Statx.DEV_MAJOR);
            int minor = st.get(ValueLayout.JAVA_INT, dev.jaio.internal.linux.Statx.DEV_MINOR);
            Path sysfs = Path.of("/sys/dev/block/" + major + ":" + minor + "/queue/logical_block_size");
            Assumptions.assumeTrue(Files.isReadable(sysfs) || Files.isReadable(sysfs.resolve("../../../queue/logical_block_size").normalize()),
                    "the file system under " + file + " has no block device in sysfs: dev=" + major + ":" + minor);
            int lbs = NativeFile.logicalBlockSize(major, minor);
            assertTrue(lbs >= 512 && Integer.bitCount(lbs) == 1, "lbs=" + lbs);
            if (Files.isReadable(sysfs)) {
                assertEquals(Integer.parseInt(Files.readString(sysfs).strip()), lbs);
            }
            assertEquals(-1, NativeFile.logicalBlockSize(0, 0), "no such device");
        } finally {
            Files.delete(file);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void shouldReportTheSectorSizeOfALoopDevice(int sectorSize) throws Exception {
        LoopDevice loop = loop(sectorSize);
        try (NativeFile dev = NativeFile.open(loop.device(), READ, WRITE, JaioOpenOption.DIRECT)) {
            assertEquals(DEVICE_SIZE, dev.size(), "size() of a block device is the device's size");
            DirectIoAlignment a = dev.directIoAlignment();
            assertEquals(sectorSize, a.offset(), "offset alignment is the logical sector size: " + a);
            assertTrue(a.memory() <= a.offset(), a.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void shouldDoDirectIoThroughALoopDeviceWithAio(int sectorSize) throws Exception {
        LoopDevice loop = loop(sectorSize);
        try (NativeFile dev = NativeFile.open(loop.device(), READ, WRITE, JaioOpenOption.DIRECT);
             AioContext ctx = AioContext.setup(8);
             AlignedBufferPool pool = new AlignedBufferPool(dev.directIoAlignment().strictest(), 1 << 16, 4);
             AlignedBufferPool.Buffer src = pool.acquire(sectorSize * 2L);
             AlignedBufferPool.Buffer dst = pool.acquire(sectorSize * 2L);
             Arena arena = Arena.ofConfined()) {
            byte[] data = TestFiles.random(sectorSize * 2, sectorSize);
            MemorySegment.copy(data, 0, src.segment(), ValueLayout.JAVA_BYTE, 0, data.length);
            long offset = sectorSize * 5L;
            Iocb w = Iocb.allocate(arena).prepPwrite(dev.fd(), src.segment(), offset).data(1);
            assertEquals(1, ctx.submit(w));
            IoEvent we = ctx.getEvents(1, 1, Duration.ofSeconds(10)).get(0);
            assertEquals(data.length, we.res(), we.toString());
            Iocb r = Iocb.allocate(arena).prepPread(dev.fd(), dst.segment(), offset).data(2);
            assertEquals(1, ctx.submit(r));
            IoEvent re = ctx.getEvents(1, 1, Duration.ofSeconds(10)).get(0);
            assertEquals(data.length, re.res());
            assertArrayEquals(data, dst.segment().toArray(ValueLayout.JAVA_BYTE));

            // Half a sector is refused: O_DIRECT on a block device needs whole logical blocks.
            Iocb half = Iocb.allocate(arena).prepPread(dev.fd(), dst.segment().asSlice(0, sectorSize / 2), 0);
            int submitted;
            long res;
            try {
                submitted = ctx.submit(half);
                res = ctx.getEvents(1, 1, Duration.ofSeconds(10)).get(0).res();
            } catch (AioException e) {
                submitted = 0;
                res = -e.errno();
            }
            assertEquals(-Errno.EINVAL.number(), res, "submitted=" + submitted);
        }
        byte[] backing = Files.readAllBytes(BACKING.get(BACKING.size() - 1));
        byte[] data = TestFiles.random(sectorSize * 2, sectorSize);
        assertArrayEquals(data, java.util.Arrays.copyOfRange(backing, sectorSize * 5, sectorSize * 7),
                "the write reached the backing file at the same offset");
    }
}
