package dev.jaio.uring;

import dev.jaio.testing.ChildJvm;
import dev.jaio.testing.TestNatives;
import static dev.jaio.uring.UringTestSupport.assertErrno;
import static dev.jaio.uring.UringTestSupport.assumeIoUring;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AioException;
import dev.jaio.Errno;
import dev.jaio.internal.linux.LibC;
import dev.jaio.internal.linux.UringSyscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every errno of io_uring_setup(2), io_uring_enter(2) and io_uring_register(2) that Java can produce,
 * produced on the real kernel, through {@link IoUring} where its API can pass the bad argument and
 * through {@link UringSyscalls} where it cannot (a bad pointer).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoUringErrnoTest {
    @TempDir
    Path dir;

    @BeforeEach
    void requireIoUring() {
        assumeIoUring();
    }

    // ---- io_uring_setup(2) ----------------------------------------------------------------------------

    @Test
    void setupShouldFailWithEinvalForZeroOrTooManyEntries() {
        assertErrno(Errno.EINVAL, "io_uring_setup", () -> IoUring.setup(0));
        assertErrno(Errno.EINVAL, "io_uring_setup", () -> IoUring.setup(32769));
        AioException e = assertErrno(Errno.EINVAL, "io_uring_setup", () -> IoUring.setup(-1));
        assertTrue(e.getMessage().contains("entries must be"), e.getMessage());
    }

    @Test
    void setupShouldClampTooManyEntriesWithSetupClamp() throws Exception {
        try (IoUring ring = IoUring.setup(100_000, new IoUringParams().flags(IoUringParams.SETUP_CLAMP))) {
            assertEquals(32768, ring.sqEntries());
        }
    }

    @Test
    void setupShouldFailWithEinvalForAnUnknownFlag() {
        assertErrno(Errno.EINVAL, "io_uring_setup", () -> IoUring.setup(4, new IoUringParams().flags(1 << 30)));
    }

    @Test
    void setupShouldFailWithEinvalForSqAffWithoutSqPoll() {
        assertErrno(Errno.EINVAL, "io_uring_setup",
                () -> IoUring.setup(4, new IoUringParams().flags(IoUringParams.SETUP_SQ_AFF)));
    }

    @Test
    void setupShouldFailWithEinvalForAnInvalidCqSize() {
        assertErrno(Errno.EINVAL, "io_uring_setup",
                () -> IoUring.setup(4, new IoUringParams().flags(IoUringParams.SETUP_CQSIZE).cqEntries(0)));
        assertErrno(Errno.EINVAL, "io_uring_setup",
                () -> IoUring.setup(8, new IoUringParams().flags(IoUringParams.SETUP_CQSIZE).cqEntries(4)));
    }

    @Test
    void setupShouldFailWithEinvalForNonZeroResv() {
        for (int i = 0; i < 3; i++) {
            IoUringParams p = new IoUringParams().resv(i, 1);
            assertErrno(Errno.EINVAL, "io_uring_setup", () -> IoUring.setup(4, p));
        }
    }

    @Test
    void setupShouldFailWithEfaultForParamsOutsideTheProcess() {
        // IoUring always passes its own params; the raw syscall takes any address.
        assertEquals(-Errno.EFAULT.number(), UringSyscalls.ioUringSetup(4, 8L));
    }

    @Test
    void setupShouldFailWithEinvalForAttachWqToADescriptorThatIsNotARing() throws Exception {
        // IORING_SETUP_ATTACH_WQ with a wq_fd that is not a ring.
        int fd = LibC.open(Arena.ofAuto().allocateFrom("/dev/null"), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        try {
            assertErrno(Errno.EINVAL, "io_uring_setup",
                    () -> IoUring.setup(4, new IoUringParams().flags(IoUringParams.SETUP_ATTACH_WQ).wqFd(fd)));
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void setupShouldFailWithEmfileWhenTheProcessHasNoDescriptorLeft() throws Exception {
        String out = ChildJvm.of(EmfileChild.class).jvmOptions("-XX:-UsePerfData", "-XX:TieredStopAtLevel=1")
                .mergeStderr().run().stdout().strip();
        assertTrue(out.startsWith("EMFILE | io_uring_setup failed: EMFILE"), out);
        assertTrue(out.contains("RLIMIT_NOFILE"), out);
    }

    @Test
    void shouldSayWhatIsMissingFromAnOldKernel() {
        String missing = IoUring.missingFeatures(IoUring.FEAT_NODROP | IoUring.FEAT_SINGLE_MMAP);
        assertTrue(missing != null && missing.contains("IORING_FEAT_EXT_ARG") && missing.contains("5.11"), missing);
        assertEquals(null, IoUring.missingFeatures(IoUring.FEAT_EXT_ARG));
    }

    // ---- io_uring_enter(2) ----------------------------------------------------------------------------

    @Test
    void enterShouldFailWithEbadfForADescriptorThatIsNotOpen() {
        assertEquals(-Errno.EBADF.number(), UringSyscalls.ioUringEnter(-1, 0, 0, 0, 0, 0));
        assertEquals(-Errno.EBADF.number(), UringSyscalls.ioUringEnter(999_999, 0, 0, 0, 0, 0));
    }

    @Test
    void enterShouldFailWithEopnotsuppForADescriptorThatIsNotARing() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[1]);
        int fd = LibC.open(Arena.ofAuto().allocateFrom(file.toString()), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        try {
            assertEquals(-Errno.EOPNOTSUPP.number(), UringSyscalls.ioUringEnter(fd, 0, 0, 0, 0, 0));
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void enterShouldFailWithEinvalForUnknownFlags() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            assertEquals(-Errno.EINVAL.number(), UringSyscalls.ioUringEnter(ring.fd(), 0, 0, 1 << 30, 0, 0));
        }
    }

    @Test
    void enterShouldFailWithEinvalForAWaitArgumentOfTheWrongSize() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            MemorySegment arg = Arena.ofAuto().allocate(IoUring.GETEVENTS_ARG_SIZE);
            assertEquals(-Errno.EINVAL.number(), UringSyscalls.ioUringEnter(ring.fd(), 0, 1,
                    IoUring.ENTER_GETEVENTS | IoUring.ENTER_EXT_ARG, arg.address(), 8));
        }
    }

    @Test
    void enterShouldFailWithEfaultForAWaitArgumentOutsideTheProcess() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            assertEquals(-Errno.EFAULT.number(), UringSyscalls.ioUringEnter(ring.fd(), 0, 1,
                    IoUring.ENTER_GETEVENTS | IoUring.ENTER_EXT_ARG, 8L, IoUring.GETEVENTS_ARG_SIZE));
            // Without EXT_ARG the argument is a signal mask of _NSIG / 8 = 8 bytes.
            assertEquals(-Errno.EFAULT.number(), UringSyscalls.ioUringEnter(ring.fd(), 0, 1,
                    IoUring.ENTER_GETEVENTS, 8L, 8));
        }
    }

    @Test
    void enterShouldFailWithEbadfdOnADisabledRing() throws Exception {
        try (IoUring ring = IoUring.setup(4, new IoUringParams().flags(IoUringParams.SETUP_R_DISABLED))) {
            ring.getSqe().prepNop();
            AioException e = assertErrno(Errno.EBADFD, "io_uring_enter", ring::submit);
            assertTrue(e.getMessage().contains("disabled"), e.getMessage());
        }
    }

    // ---- io_uring_register(2) -------------------------------------------------------------------------

    @Test
    void registerShouldFailWithEinvalForNoBuffersOrNoFiles() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            assertErrno(Errno.EINVAL, "io_uring_register", () -> ring.registerBuffers());
            assertErrno(Errno.EINVAL, "io_uring_register", () -> ring.registerFiles());
        }
    }

    @Test
    void registerShouldFailWithEbusyWhenBuffersOrFilesAreRegistered() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            ring.registerBuffers(Arena.ofAuto().allocate(4096));
            AioException e = assertErrno(Errno.EBUSY, "io_uring_register",
                    () -> ring.registerBuffers(Arena.ofAuto().allocate(4096)));
            assertTrue(e.getMessage().contains("unregister"), e.getMessage());
            ring.registerFiles(-1);
            assertErrno(Errno.EBUSY, "io_uring_register", () -> ring.registerFiles(-1));
        }
    }

    @Test
    void registerShouldFailWithEfaultForABufferOutsideTheProcess() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            // A segment of the global scope that names no memory of this process.
            MemorySegment nowhere = MemorySegment.ofAddress(4096).reinterpret(4096);
            assertErrno(Errno.EFAULT, "io_uring_register", () -> ring.registerBuffers(nowhere));
            assertEquals(-Errno.EFAULT.number(),
                    UringSyscalls.ioUringRegister(ring.fd(), IoUring.REGISTER_BUFFERS, 8L, 1));
        }
    }

    @Test
    void registerShouldRefuseFileBackedMemory() throws Exception {
        Path file = Files.write(dir.resolve("mapped"), new byte[8192]);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE);
             IoUring ring = IoUring.setup(4)) {
            MemorySegment mapped = MemorySegment.ofBuffer(ch.map(java.nio.channels.FileChannel.MapMode.READ_WRITE,
                    0, 8192));
            String fsType = Files.getFileStore(file).type();
            Assumptions.assumeFalse(fsType.equals("tmpfs"), "tmpfs (shmem) pages can be registered: " + dir);
            // io_uring_register(2) says EOPNOTSUPP; kernels that pin with FOLL_LONGTERM (6.x) answer EFAULT.
            AioException e = org.junit.jupiter.api.Assertions.assertThrows(AioException.class,
                    () -> ring.registerBuffers(mapped));
            assertEquals("io_uring_register", e.syscall());
            assertTrue(e.errno() == Errno.EFAULT.number() || e.errno() == Errno.EOPNOTSUPP.number(), e.getMessage());
            assertTrue(e.getMessage().contains("file-backed"), e.getMessage());
            System.out.println("file-backed buffer on " + fsType + ": " + e.errnoName());
        }
    }

    @Test
    void registerShouldFailWithEnxioWhenNothingIsRegistered() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            assertErrno(Errno.ENXIO, "io_uring_register", ring::unregisterBuffers);
            assertErrno(Errno.ENXIO, "io_uring_register", ring::unregisterFiles);
            assertErrno(Errno.ENXIO, "io_uring_register", ring::unregisterEventFd);
        }
    }

    @Test
    void registerShouldFailWithEinvalForUnregisterWithArguments() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            ring.registerBuffers(Arena.ofAuto().allocate(4096));
            assertEquals(-Errno.EINVAL.number(),
                    UringSyscalls.ioUringRegister(ring.fd(), IoUring.UNREGISTER_BUFFERS, 0, 1));
        }
    }

    @Test
    void registerShouldFailWithEbadfForADescriptorThatIsNotOpen() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            assertErrno(Errno.EBADF, "io_uring_register", () -> ring.registerFiles(999_999));
            assertErrno(Errno.EBADF, "io_uring_register", () -> ring.registerEventFd(999_999));
        }
        // Not -1: kernels from 6.13 take fd -1 as a "blind" registration, refused with EINVAL for this opcode.
        assertEquals(-Errno.EBADF.number(),
                UringSyscalls.ioUringRegister(999_999, IoUring.UNREGISTER_FILES, 0, 0));
    }

    @Test
    void registerShouldFailWithEmfileForMoreFilesThanTheKernelAllows() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            int[] fds = new int[(1 << 20) + 1]; // IORING_MAX_FIXED_FILES + 1
            Arrays.fill(fds, -1);
            assertErrno(Errno.EMFILE, "io_uring_register", () -> ring.registerFiles(fds));
        }
    }

    @Test
    void registerShouldFailWithEopnotsuppForADescriptorThatIsNotARing() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[1]);
        int fd = LibC.open(Arena.ofAuto().allocateFrom(file.toString()), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        try {
            assertEquals(-Errno.EOPNOTSUPP.number(),
                    UringSyscalls.ioUringRegister(fd, IoUring.UNREGISTER_FILES, 0, 0));
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void registerShouldFailWithEinvalForAnEventFdThatIsNotOne() throws Exception {
        try (IoUring ring = IoUring.setup(4); Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            assertEquals(0, TestNatives.pipe2(fds, LibC.O_CLOEXEC));
            try {
                assertErrno(Errno.EINVAL, "io_uring_register", () -> ring.registerEventFd(fds.getAtIndex(JAVA_INT, 0)));
            } finally {
                LibC.close(fds.getAtIndex(JAVA_INT, 0));
                LibC.close(fds.getAtIndex(JAVA_INT, 1));
            }
        }
    }
}
