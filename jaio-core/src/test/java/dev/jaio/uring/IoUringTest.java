package dev.jaio.uring;

import dev.jaio.testing.TestNatives;
import static dev.jaio.uring.UringTestSupport.assertErrno;
import static dev.jaio.uring.UringTestSupport.assumeIoUring;
import static dev.jaio.uring.UringTestSupport.one;
import static dev.jaio.uring.UringTestSupport.submitAndReap;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.aio.EventFd;
import dev.jaio.aio.IoVec;
import dev.jaio.internal.linux.LibC;
import dev.jaio.internal.linux.Statx;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link IoUring} on the real kernel: the rings, requests on real files, registration, close. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoUringTest {
    @TempDir
    Path dir;

    @BeforeEach
    void requireIoUring() {
        assumeIoUring();
    }

    private Path fileWith(byte[] data) throws IOException {
        return Files.write(dir.resolve("data"), data);
    }

    private static int open(Path path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            int fd = LibC.open(a.allocateFrom(path.toString()), flags | LibC.O_CLOEXEC, 0644);
            assertTrue(fd >= 0, "open " + path + ": " + Errno.nameOf(-fd));
            return fd;
        }
    }

    private static byte[] bytes(MemorySegment s) {
        return s.toArray(JAVA_BYTE);
    }

    @Test
    void shouldSetUpRingsOfThePowerOfTwoSizesTheKernelChose() throws Exception {
        try (IoUring ring = IoUring.setup(6)) {
            assertEquals(8, ring.sqEntries());
            assertEquals(16, ring.cqEntries());
            assertTrue(ring.fd() >= 0);
            assertTrue((ring.features() & IoUring.FEAT_EXT_ARG) != 0, "features=" + ring.features());
            assertEquals(0, ring.sqReady());
            assertEquals(0, ring.cqReady());
        }
    }

    @Test
    void shouldHonourCqSizeAndReportTheKernelsSizesInTheParams() throws Exception {
        IoUringParams p = new IoUringParams().flags(IoUringParams.SETUP_CQSIZE).cqEntries(100);
        try (IoUring ring = IoUring.setup(4, p)) {
            assertEquals(128, ring.cqEntries());
            assertEquals(128, p.cqEntries());
            assertEquals(4, p.sqEntries());
            assertEquals(ring.features(), p.features());
        }
    }

    @Test
    void shouldCompleteANopWithItsUserData() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            ring.getSqe().prepNop().userData(0xfeedL);
            assertEquals(1, ring.sqReady());
            Cqe cqe = one(ring);
            assertEquals(new Cqe(0xfeedL, 0, 0), cqe);
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void shouldReturnNullFromGetSqeWhenTheSubmissionQueueIsFull() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            for (int i = 0; i < 4; i++) {
                Sqe sqe = ring.getSqe();
                assertNotNull(sqe, "entry " + i);
                sqe.prepNop().userData(i);
            }
            assertNull(ring.getSqe(), "a fifth entry from a 4-entry SQ");
            assertEquals(4, ring.submit());
            Sqe again = ring.getSqe();
            assertNotNull(again, "room again once the kernel consumed the entries");
            again.prepNop().userData(4);
            List<Cqe> cqes = submitAndReap(ring, 5);
            Set<Long> data = new HashSet<>();
            cqes.forEach(c -> data.add(c.userData()));
            assertEquals(Set.of(0L, 1L, 2L, 3L, 4L), data);
        }
    }

    @Test
    void shouldHandOutZeroedEntries() throws Exception {
        try (IoUring ring = IoUring.setup(1)) {
            ring.getSqe().prepRead(7, 0x1234L, 99, 5).userData(42).flags(Sqe.IOSQE_ASYNC);
            ring.getSqe(); // full: nothing
            ring.submit();
            ring.getCqes(1, 1, Duration.ofSeconds(30));
            Sqe fresh = ring.getSqe();
            assertArrayEquals(new byte[64], bytes(fresh.segment()));
        }
    }

    @Test
    void shouldReadAndWriteARealFile() throws Exception {
        byte[] data = new byte[8192];
        new Random(1).nextBytes(data);
        Path path = fileWith(data);
        int fd = open(path, LibC.O_RDWR);
        try (IoUring ring = IoUring.setup(8)) {
            MemorySegment buf = Arena.ofAuto().allocate(4096, 4096);
            ring.getSqe().prepRead(fd, buf, 4096).userData(1);
            Cqe read = one(ring);
            assertEquals(4096, read.res());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 4096, 8192), bytes(buf));

            buf.fill((byte) 0x5a);
            ring.getSqe().prepWrite(fd, buf, 8192).userData(2);
            assertEquals(new Cqe(2, 4096, 0), one(ring));
            ring.getSqe().prepFsync(fd, 0).userData(3);
            assertEquals(new Cqe(3, 0, 0), one(ring));
            ring.getSqe().prepFsync(fd, Sqe.FSYNC_DATASYNC).userData(4);
            assertEquals(new Cqe(4, 0, 0), one(ring));
            byte[] tail = java.util.Arrays.copyOfRange(Files.readAllBytes(path), 8192, 12288);
            byte[] expected = new byte[4096];
            java.util.Arrays.fill(expected, (byte) 0x5a);
            assertArrayEquals(expected, tail);
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void shouldReadAndWriteWithIovecs() throws Exception {
        byte[] data = new byte[300];
        new Random(2).nextBytes(data);
        int fd = open(fileWith(data), LibC.O_RDWR);
        try (IoUring ring = IoUring.setup(4)) {
            Arena arena = Arena.ofAuto();
            MemorySegment a = arena.allocate(100);
            MemorySegment b = arena.allocate(200);
            MemorySegment iov = IoVec.array(arena, List.of(a, b));
            ring.getSqe().prepReadv(fd, iov, 2, 0).userData(1);
            assertEquals(300, one(ring).res());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 100), bytes(a));
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 100, 300), bytes(b));

            ring.getSqe().prepWritev(fd, iov, 2, 300).userData(2);
            assertEquals(300, one(ring).res());
            byte[] all = Files.readAllBytes(dir.resolve("data"));
            assertArrayEquals(data, java.util.Arrays.copyOfRange(all, 300, 600));
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void shouldFallocate() throws Exception {
        int fd = open(fileWith(new byte[0]), LibC.O_RDWR);
        try (IoUring ring = IoUring.setup(4)) {
            ring.getSqe().prepFallocate(fd, 0, 0, 1 << 20).userData(1);
            assertEquals(0, one(ring).res());
            assertEquals(1 << 20, Files.size(dir.resolve("data")));
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void shouldOpenStatAndCloseAFileThroughTheRing() throws Exception {
        Path path = fileWith(new byte[1234]);
        try (IoUring ring = IoUring.setup(4)) {
            Arena arena = Arena.ofAuto();
            MemorySegment name = arena.allocateFrom(path.toString());
            ring.getSqe().prepOpenat(LibC.AT_FDCWD, name, LibC.O_RDONLY | LibC.O_CLOEXEC, 0).userData(1);
            Cqe opened = one(ring);
            assertTrue(opened.res() >= 0, "openat: " + Errno.nameOf(opened.errno()));
            int fd = opened.res();

            MemorySegment stx = arena.allocate(Statx.LAYOUT);
            ring.getSqe().prepStatx(LibC.AT_FDCWD, name, 0, Statx.STATX_SIZE, stx).userData(2);
            assertEquals(new Cqe(2, 0, 0), one(ring));
            assertEquals(1234L, stx.get(JAVA_LONG, Statx.SIZE));

            MemorySegment buf = arena.allocate(2000);
            ring.getSqe().prepRead(fd, buf, 0).userData(3);
            assertEquals(1234, one(ring).res(), "the descriptor from openat reads the file");

            ring.getSqe().prepClose(fd).userData(4);
            assertEquals(new Cqe(4, 0, 0), one(ring));
            ring.getSqe().prepRead(fd, buf, 0).userData(5);
            assertEquals(-Errno.EBADF.number(), one(ring).res(), "the descriptor is closed");
        }
    }

    @Test
    void shouldFailACompletionWithEbadfForADescriptorThatIsNotOpen() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            ring.getSqe().prepRead(999_999, Arena.ofAuto().allocate(16), 0).userData(1);
            Cqe cqe = one(ring);
            assertEquals(-Errno.EBADF.number(), cqe.res());
            assertTrue(cqe.failed());
            assertEquals(Errno.EBADF.number(), cqe.errno());
        }
    }

    @Test
    void shouldFailACompletionWithEinvalForAnUnknownOpcode() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            ring.getSqe().opcode(250).userData(1);
            assertEquals(-Errno.EINVAL.number(), one(ring).res());
        }
    }

    @Test
    void shouldFailACompletionWithEfaultForABufferOutsideTheProcess() throws Exception {
        int fd = open(fileWith(new byte[4096]), LibC.O_RDONLY);
        try (IoUring ring = IoUring.setup(4)) {
            ring.getSqe().prepRead(fd, 8L, 4096, 0).userData(1);
            assertEquals(-Errno.EFAULT.number(), one(ring).res());
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void shouldCancelTheRestOfALinkWhenOneRequestFails() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            ring.getSqe().prepRead(999_999, Arena.ofAuto().allocate(16), 0).userData(1).flags(Sqe.IOSQE_IO_LINK);
            ring.getSqe().prepNop().userData(2).flags(Sqe.IOSQE_IO_LINK);
            ring.getSqe().prepNop().userData(3);
            Map<Long, Integer> res = results(submitAndReap(ring, 3));
            assertEquals(Map.of(1L, -Errno.EBADF.number(), 2L, -Errno.ECANCELED.number(),
                    3L, -Errno.ECANCELED.number()), res);
        }
    }

    @Test
    void shouldRunLinkedRequestsInOrder() throws Exception {
        int fd = open(fileWith(new byte[0]), LibC.O_RDWR);
        try (IoUring ring = IoUring.setup(4)) {
            MemorySegment src = Arena.ofAuto().allocateFrom("linked");
            MemorySegment dst = Arena.ofAuto().allocate(6);
            ring.getSqe().prepWrite(fd, src.asSlice(0, 6), 0).userData(1).flags(Sqe.IOSQE_IO_LINK);
            ring.getSqe().prepFsync(fd, 0).userData(2).flags(Sqe.IOSQE_IO_LINK);
            ring.getSqe().prepRead(fd, dst, 0).userData(3);
            List<Cqe> cqes = submitAndReap(ring, 3);
            assertEquals(List.of(new Cqe(1, 6, 0), new Cqe(2, 0, 0), new Cqe(3, 6, 0)), cqes,
                    "a link completes in order");
            assertEquals("linked", new String(bytes(dst)));
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void shouldExpireATimeoutWithEtime() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            MemorySegment ts = Sqe.timespec(Arena.ofAuto(), Duration.ofMillis(10));
            ring.getSqe().prepTimeout(ts, 0, 0).userData(1);
            assertEquals(new Cqe(1, -Errno.ETIME.number(), 0), one(ring));
        }
    }

    @Test
    void shouldCompleteACountedTimeoutWhenEnoughOthersComplete() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            MemorySegment ts = Sqe.timespec(Arena.ofAuto(), Duration.ofHours(1));
            ring.getSqe().prepTimeout(ts, 1, 0).userData(1);
            ring.getSqe().prepNop().userData(2);
            Map<Long, Integer> res = results(submitAndReap(ring, 2));
            assertEquals(Map.of(1L, 0, 2L, 0), res);
        }
    }

    @Test
    void shouldCancelARequestThatCannotCompleteByItself() throws Exception {
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.setup(4)) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            assertEquals(0, TestNatives.pipe2(fds, LibC.O_CLOEXEC));
            try {
                ring.getSqe().prepPollAdd(fds.getAtIndex(JAVA_INT, 0), 1 /* POLLIN */).userData(1);
                ring.submit();
                assertEquals(List.of(), ring.getCqes(0, 4, Duration.ofMillis(50)), "nothing to read: pending");
                ring.getSqe().prepCancel(1, 0).userData(2);
                Map<Long, Integer> res = results(submitAndReap(ring, 2));
                assertEquals(Map.of(1L, -Errno.ECANCELED.number(), 2L, 0), res);

                ring.getSqe().prepCancel(77, 0).userData(3);
                assertEquals(new Cqe(3, -Errno.ENOENT.number(), 0), one(ring), "nothing to cancel");
            } finally {
                LibC.close(fds.getAtIndex(JAVA_INT, 0));
                LibC.close(fds.getAtIndex(JAVA_INT, 1));
            }
        }
    }

    @Test
    void shouldRemoveAPollAndCancelALinkedRequestOnItsTimeout() throws Exception {
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.setup(4)) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            assertEquals(0, TestNatives.pipe2(fds, LibC.O_CLOEXEC));
            int readEnd = fds.getAtIndex(JAVA_INT, 0);
            try {
                ring.getSqe().prepPollAdd(readEnd, 1).userData(1).flags(Sqe.IOSQE_IO_LINK);
                ring.getSqe().prepLinkTimeout(Sqe.timespec(arena, Duration.ofMillis(10)), 0).userData(2);
                Map<Long, Integer> res = results(submitAndReap(ring, 2));
                assertEquals(Map.of(1L, -Errno.ECANCELED.number(), 2L, -Errno.ETIME.number()), res);

                ring.getSqe().prepPollAdd(readEnd, 1).userData(3);
                ring.submit();
                ring.getSqe().prepPollRemove(3).userData(4);
                res = results(submitAndReap(ring, 2));
                assertEquals(Map.of(3L, -Errno.ECANCELED.number(), 4L, 0), res);
            } finally {
                LibC.close(readEnd);
                LibC.close(fds.getAtIndex(JAVA_INT, 1));
            }
        }
    }

    @Test
    void shouldCompleteAPollWithTheEventsThatFired() throws Exception {
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.setup(4)) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            assertEquals(0, TestNatives.pipe2(fds, LibC.O_CLOEXEC));
            try {
                ring.getSqe().prepPollAdd(fds.getAtIndex(JAVA_INT, 0), 1).userData(1);
                ring.submit();
                assertEquals(1, LibC.write(fds.getAtIndex(JAVA_INT, 1), arena.allocate(1), 1));
                assertEquals(new Cqe(1, 1, 0), ring.getCqes(1, 1, Duration.ofSeconds(30)).get(0));
            } finally {
                LibC.close(fds.getAtIndex(JAVA_INT, 0));
                LibC.close(fds.getAtIndex(JAVA_INT, 1));
            }
        }
    }

    @Test
    void shouldKeepEveryCompletionWhenTheCompletionQueueOverflows() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            assertTrue((ring.features() & IoUring.FEAT_NODROP) != 0, "this kernel has FEAT_NODROP");
            int total = 0;
            for (int round = 0; round < 5; round++) {      // 20 completions for a CQ of 8, none reaped
                for (int i = 0; i < 4; i++) {
                    ring.getSqe().prepNop().userData(total++);
                }
                ring.submit();
            }
            assertEquals(ring.cqEntries(), ring.cqReady(), "the CQ is full");
            assertTrue(ring.cqOverflowPending(), "the kernel holds the rest in its overflow list");
            Set<Long> seen = new HashSet<>();
            CqeArray into = CqeArray.allocate(3);
            while (seen.size() < total) {
                int n = ring.getCqes(1, into, TimeUnit.SECONDS.toNanos(30));
                for (int i = 0; i < n; i++) {
                    assertTrue(seen.add(into.userData(i)), "completion reaped twice: " + into.get(i));
                    assertEquals(0, into.res(i));
                }
            }
            assertEquals(total, seen.size());
            assertFalse(ring.cqOverflowPending());
            assertEquals(0, ring.cqOverflow(), "FEAT_NODROP: nothing was dropped");
            assertEquals(0, ring.inFlight());
            assertEquals(0, ring.sqDropped());
        }
    }

    @Test
    void shouldReadAndWriteRegisteredBuffers() throws Exception {
        byte[] data = new byte[8192];
        new Random(3).nextBytes(data);
        int fd = open(fileWith(data), LibC.O_RDWR);
        try (IoUring ring = IoUring.setup(4)) {
            MemorySegment b0 = Arena.ofAuto().allocate(4096, 4096);
            MemorySegment b1 = Arena.ofAuto().allocate(8192, 4096);
            ring.registerBuffers(b0, b1);
            ring.getSqe().prepReadFixed(fd, b1.asSlice(4096, 4096), 0, 1).userData(1);
            assertEquals(new Cqe(1, 4096, 0), one(ring));
            assertArrayEquals(java.util.Arrays.copyOf(data, 4096), bytes(b1.asSlice(4096, 4096)));

            b0.fill((byte) 7);
            ring.getSqe().prepWriteFixed(fd, b0, 8192, 0).userData(2);
            assertEquals(new Cqe(2, 4096, 0), one(ring));
            byte[] sevens = new byte[4096];
            java.util.Arrays.fill(sevens, (byte) 7);
            assertArrayEquals(sevens, java.util.Arrays.copyOfRange(Files.readAllBytes(dir.resolve("data")), 8192,
                    12288));

            ring.getSqe().prepReadFixed(fd, Arena.ofAuto().allocate(4096), 0, 0).userData(3);
            assertEquals(-Errno.EFAULT.number(), one(ring).res(), "memory outside the registered buffer");
            ring.getSqe().prepReadFixed(fd, b0, 0, 5).userData(4);
            // io_uring_enter(2) lists EINVAL for a bad buf_index; 6.x kernels answer EFAULT (no such buffer).
            assertEquals(-Errno.EFAULT.number(), one(ring).res(), "buf_index beyond the registered buffers");
            ring.unregisterBuffers();
            ring.getSqe().prepReadFixed(fd, b0, 0, 0).userData(5);
            assertEquals(-Errno.EFAULT.number(), one(ring).res(), "no buffers registered");
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void shouldUseRegisteredFiles() throws Exception {
        byte[] data = "registered file".getBytes();
        int fd = open(fileWith(data), LibC.O_RDONLY);
        try (IoUring ring = IoUring.setup(4)) {
            MemorySegment buf = Arena.ofAuto().allocate(data.length);
            ring.getSqe().prepRead(0, buf, 0).flags(Sqe.IOSQE_FIXED_FILE).userData(1);
            assertEquals(-Errno.EBADF.number(), one(ring).res(), "IOSQE_FIXED_FILE with no files registered");

            ring.registerFiles(-1, fd);
            LibC.close(fd); // the kernel holds its own reference
            fd = -1;
            ring.getSqe().prepRead(1, buf, 0).flags(Sqe.IOSQE_FIXED_FILE).userData(2);
            assertEquals(data.length, one(ring).res());
            assertArrayEquals(data, bytes(buf));
            ring.getSqe().prepRead(0, buf, 0).flags(Sqe.IOSQE_FIXED_FILE).userData(3);
            assertEquals(-Errno.EBADF.number(), one(ring).res(), "an empty slot");
            ring.unregisterFiles();
        } finally {
            if (fd >= 0) {
                LibC.close(fd);
            }
        }
    }

    @Test
    void shouldSignalARegisteredEventFd() throws Exception {
        try (IoUring ring = IoUring.setup(4); EventFd efd = EventFd.create()) {
            ring.registerEventFd(efd.fd());
            ring.getSqe().prepNop().userData(1);
            ring.getSqe().prepNop().userData(2);
            submitAndReap(ring, 2);
            assertTrue(efd.read() >= 1, "the eventfd counted completions");
            ring.unregisterEventFd();
        }
    }

    @Test
    void shouldRejectRegisteredBuffersAClosableArenaCouldFree() throws Exception {
        try (IoUring ring = IoUring.setup(4); Arena shared = Arena.ofShared(); Arena confined = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> ring.registerBuffers(shared.allocate(4096)));
            assertThrows(IllegalArgumentException.class, () -> ring.registerBuffers(confined.allocate(4096)));
            assertThrows(IllegalArgumentException.class,
                    () -> ring.registerBuffers(MemorySegment.ofArray(new byte[4096])));
            ring.registerBuffers(Arena.ofAuto().allocate(4096), Arena.global().allocate(4096),
                    MemorySegment.ofBuffer(java.nio.ByteBuffer.allocateDirect(4096)));
        }
    }

    @Test
    void shouldPinTheArenasThatOnlyTheGarbageCollectorFrees() {
        // No public API says which arenas free memory only when unreachable; if a new JDK renames its
        // sessions, this fails loudly instead of letting registerBuffers accept a closable arena.
        try (Arena shared = Arena.ofShared(); Arena confined = Arena.ofConfined()) {
            assertTrue(IoUring.freedOnlyByGc(Arena.ofAuto().allocate(8)));
            assertTrue(IoUring.freedOnlyByGc(Arena.global().allocate(8)));
            assertTrue(IoUring.freedOnlyByGc(MemorySegment.ofBuffer(java.nio.ByteBuffer.allocateDirect(8))));
            assertFalse(IoUring.freedOnlyByGc(shared.allocate(8)));
            assertFalse(IoUring.freedOnlyByGc(confined.allocate(8)));
        }
    }

    @Test
    void shouldNotBlockWithAZeroTimeoutAndReturnEarlyOnlyWithMinNr() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            assertEquals(List.of(), ring.getCqes(1, 4, Duration.ZERO));
            assertEquals(List.of(), ring.getCqes(1, 4, Duration.ofMillis(20)), "nothing comes: times out");
            assertEquals(0, ring.getCqes(1, CqeArray.allocate(4), 0));
            ring.getSqe().prepNop().userData(9);
            ring.submitAndWait(1);
            assertEquals(1, ring.cqReady(), "submitAndWait waited for the completion");
            assertEquals(List.of(new Cqe(9, 0, 0)), ring.getCqes(0, 4, Duration.ZERO));
        }
    }

    @Test
    void shouldRejectWaitCountsOutsideTheArray() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            CqeArray into = CqeArray.allocate(2);
            assertThrows(IllegalArgumentException.class, () -> ring.getCqes(3, into, 0));
            assertThrows(IllegalArgumentException.class, () -> ring.getCqes(-1, into, 0));
            assertThrows(IllegalArgumentException.class, () -> ring.getCqes(0, 0, Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> ring.getCqes(3, 2, Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> ring.getCqes(-1, 2, Duration.ZERO));
        }
    }

    @Test
    void shouldRejectSetupFlagsThisLayerCannotMap() {
        for (int flag : new int[] {IoUringParams.SETUP_SQE128, IoUringParams.SETUP_CQE32,
                IoUringParams.SETUP_NO_MMAP, IoUringParams.SETUP_REGISTERED_FD_ONLY}) {
            assertThrows(IllegalArgumentException.class, () -> IoUring.setup(4, new IoUringParams().flags(flag)),
                    "flag 0x" + Integer.toHexString(flag));
        }
    }

    @Test
    void shouldWorkWithModernSetupFlags() throws Exception {
        int[] flagSets = {
            IoUringParams.SETUP_SINGLE_ISSUER | IoUringParams.SETUP_DEFER_TASKRUN,
            IoUringParams.SETUP_COOP_TASKRUN | IoUringParams.SETUP_TASKRUN_FLAG,
            IoUringParams.SETUP_NO_SQARRAY,
            IoUringParams.SETUP_SQPOLL,
            IoUringParams.SETUP_SUBMIT_ALL | IoUringParams.SETUP_CLAMP,
        };
        for (int flags : flagSets) {
            try (IoUring ring = IoUring.setup(4, new IoUringParams().flags(flags).sqThreadIdle(10))) {
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < 4; i++) {
                        ring.getSqe().prepNop().userData(round * 4 + i);
                    }
                    ring.submit();
                    List<Cqe> cqes = ring.getCqes(4, 4, Duration.ofSeconds(30));
                    assertEquals(4, cqes.size(), "flags=0x" + Integer.toHexString(flags));
                    assertEquals(0, ring.inFlight(), "every request counted once: flags=0x" + Integer.toHexString(flags));
                }
            }
        }
    }

    @Test
    void shouldRefuseEveryCallAfterCloseWithEbadf() throws Exception {
        IoUring ring = IoUring.setup(4);
        Sqe sqe = ring.getSqe();
        ring.close();
        ring.close(); // idempotent
        assertTrue(ring.isClosed());
        assertErrno(Errno.EBADF, "io_uring_get_sqe", ring::getSqe);
        assertErrno(Errno.EBADF, "io_uring_enter", ring::submit);
        assertErrno(Errno.EBADF, "io_uring_enter", () -> ring.submitAndWait(1));
        assertErrno(Errno.EBADF, "io_uring_enter", () -> ring.getCqes(0, 1, Duration.ZERO));
        assertErrno(Errno.EBADF, "io_uring_enter", () -> ring.getCqes(0, CqeArray.allocate(1), 0));
        assertErrno(Errno.EBADF, "io_uring_register", () -> ring.registerBuffers(Arena.ofAuto().allocate(8)));
        assertErrno(Errno.EBADF, "io_uring_register", ring::unregisterBuffers);
        assertErrno(Errno.EBADF, "io_uring_register", () -> ring.registerFiles(0));
        assertErrno(Errno.EBADF, "io_uring_register", ring::unregisterFiles);
        assertErrno(Errno.EBADF, "io_uring_register", () -> ring.registerEventFd(0));
        assertErrno(Errno.EBADF, "io_uring_register", ring::unregisterEventFd);
        assertErrno(Errno.EBADF, "io_uring_cq_overflow", ring::cqOverflow);
        assertErrno(Errno.EBADF, "io_uring_sq_dropped", ring::sqDropped);
        assertThrows(IllegalStateException.class, () -> sqe.prepNop(), "the SQE array is unmapped");
    }

    @Test
    void shouldNotPassTheOldDescriptorToTheKernelAfterClose() throws Exception {
        IoUring ring = IoUring.setup(4);
        int old = ring.fd();
        ring.close();
        // The kernel hands the lowest free number to the next open: the old ring's number now names a file.
        int fd = open(fileWith(new byte[16]), LibC.O_RDONLY);
        try {
            assertErrno(Errno.EBADF, "io_uring_enter", ring::submit);
            assertErrno(Errno.EBADF, "io_uring_register", () -> ring.registerFiles(fd));
            if (fd == old) {
                assertEquals(16, LibC.pread(fd, Arena.ofAuto().allocate(32), 32, 0), "the file is untouched");
            }
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void shouldWakeAWaiterWhenClosedFromAnotherThread() throws Exception {
        IoUring ring = IoUring.setup(4);
        CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                ring.getCqes(1, 1, null);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(200);
        ring.close();
        Throwable t = waiter.get(60, TimeUnit.SECONDS);
        AioException e = assertThrows(AioException.class, () -> {
            throw t;
        });
        assertEquals(Errno.EBADF.number(), e.errno());
    }

    @Test
    void shouldWakeASubmitterWaitingForCompletionsWhenClosed() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            assertEquals(0, TestNatives.pipe2(fds, LibC.O_CLOEXEC));
            IoUring ring = IoUring.setup(4);
            try {
                ring.getSqe().prepPollAdd(fds.getAtIndex(JAVA_INT, 0), 1).userData(1); // never ready
                CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
                    try {
                        ring.submitAndWait(1);
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                });
                Thread.sleep(200);
                ring.close();
                Throwable t = waiter.get(60, TimeUnit.SECONDS);
                assertTrue(t instanceof AioException e && e.errno() == Errno.EBADF.number(), String.valueOf(t));
            } finally {
                ring.close();
                LibC.close(fds.getAtIndex(JAVA_INT, 0));
                LibC.close(fds.getAtIndex(JAVA_INT, 1));
            }
        }
    }

    @Test
    void shouldKeepRegisteredBuffersOfARingClosedWithRequestsInFlight() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            assertEquals(0, TestNatives.pipe2(fds, LibC.O_CLOEXEC));
            int before = IoUring.retainedCount();
            IoUring ring = IoUring.setup(4);
            try {
                MemorySegment registered = Arena.ofAuto().allocate(4096);
                ring.registerBuffers(registered);
                ring.getSqe().prepReadFixed(fds.getAtIndex(JAVA_INT, 0), registered.asSlice(0, 1), -1, 0).userData(1);
                ring.submit();
                assertEquals(1, ring.inFlight());
            } finally {
                ring.close();
                LibC.close(fds.getAtIndex(JAVA_INT, 0));
                LibC.close(fds.getAtIndex(JAVA_INT, 1));
            }
            assertEquals(before + 1, IoUring.retainedCount(), "the buffers outlive the ring");
        }
    }

    @Test
    void shouldHoldUnregisteredBuffersUntilTheRequestsInFlightComplete() throws Exception {
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.setup(4)) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            assertEquals(0, TestNatives.pipe2(fds, LibC.O_CLOEXEC));
            try {
                MemorySegment registered = Arena.ofAuto().allocate(4096);
                ring.registerBuffers(registered);
                ring.getSqe().prepReadFixed(fds.getAtIndex(JAVA_INT, 0), registered.asSlice(0, 1), -1, 0).userData(1);
                ring.submit();
                assertEquals(List.of(), ring.getCqes(0, 1, Duration.ofMillis(20)), "the pipe is empty: pending");
                ring.unregisterBuffers();
                assertTrue(ring.holdsRetiredBuffers(), "a read may still write into the buffer");
                MemorySegment one = arena.allocate(1);
                one.set(JAVA_BYTE, 0, (byte) 'x');
                assertEquals(1, LibC.write(fds.getAtIndex(JAVA_INT, 1), one, 1));
                assertEquals(new Cqe(1, 1, 0), ring.getCqes(1, 1, Duration.ofSeconds(30)).get(0));
                assertEquals('x', registered.get(JAVA_BYTE, 0));
                assertFalse(ring.holdsRetiredBuffers(), "nothing in flight: the buffer may go");
            } finally {
                LibC.close(fds.getAtIndex(JAVA_INT, 0));
                LibC.close(fds.getAtIndex(JAVA_INT, 1));
            }
        }
    }

    @Test
    void shouldCloseTheDescriptorOfARingThatWasNeverClosed() throws Exception {
        int fd = leakRing();
        Path link = Path.of("/proc/self/fd/" + fd);
        for (int i = 0; i < 200 && isRing(link); i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertFalse(isRing(link), "the cleaner closed fd " + fd);
    }

    private static int leakRing() throws AioException {
        IoUring ring = IoUring.setup(2);
        ring.getSqe().prepNop();
        ring.submit();
        return ring.fd();
    }

    private static boolean isRing(Path fdLink) {
        try {
            return Files.readSymbolicLink(fdLink).toString().contains("io_uring");
        } catch (IOException gone) {
            return false;
        }
    }

    @Test
    void shouldTurnAFailedMmapIntoAnAioException() throws Exception {
        // mmap of the rings fails only when the process is out of address space or memory; the conversion is
        // checked here on the kernel's convention (-errno) instead.
        assertEquals(0x7f00_0000_0000L, IoUring.Resources.mapped(0x7f00_0000_0000L));
        AioException e = assertErrno(Errno.ENOMEM, "mmap", () -> IoUring.Resources.mapped(-Errno.ENOMEM.number()));
        assertTrue(e.getMessage().contains("map the ring"), e.getMessage());
    }

    @Test
    void shouldRejectBuffersOf2GibOrMore() {
        try (IoUring ring = IoUring.setup(2)) {
            MemorySegment huge = MemorySegment.ofAddress(4096).reinterpret(3L << 30);
            Sqe sqe = ring.getSqe();
            assertThrows(IllegalArgumentException.class, () -> sqe.prepRead(0, huge, 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepWriteFixed(0, huge, 0, 0));
        } catch (AioException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<Long, Integer> results(List<Cqe> cqes) {
        Map<Long, Integer> m = new HashMap<>();
        for (Cqe c : cqes) {
            assertNull(m.put(c.userData(), c.res()), "one completion per request: " + c);
        }
        return m;
    }
}
