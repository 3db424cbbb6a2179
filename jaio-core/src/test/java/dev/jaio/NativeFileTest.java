package dev.jaio;

import dev.jaio.testing.ChildJvm;
import dev.jaio.testing.Command;
import dev.jaio.testing.TestFiles;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DSYNC;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.SYNC;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.internal.linux.LibC;
import dev.jaio.internal.linux.Statx;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class NativeFileTest {
    @TempDir
    Path dir;

    private static byte[] read(NativeFile f, long position, int length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(length, 4096);
            int n = f.read(buf, position);
            return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private static void write(NativeFile f, byte[] data, long position) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Math.max(1, data.length), 4096);
            MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
            assertEquals(data.length, f.write(buf.asSlice(0, data.length), position));
        }
    }

    @Test
    void shouldOpenForReadingWhenNoAccessModeIsGiven() throws Exception {
        Path p = TestFiles.patterned(dir, "r", 100);
        try (NativeFile f = NativeFile.open(p)) {
            assertTrue(f.isReadable());
            assertFalse(f.isWritable());
            assertFalse(f.isDirect());
            assertEquals(100, f.size());
            assertEquals(TestFiles.patternByte(7), read(f, 0, 100)[7]);
            assertEquals(LibC.O_RDONLY, f.openFlags() & 3);
        }
    }

    @Test
    void shouldFailWithNoSuchFileWithoutCreate() {
        Path p = dir.resolve("missing");
        assertThrows(NoSuchFileException.class, () -> NativeFile.open(p, READ));
        assertThrows(NoSuchFileException.class, () -> NativeFile.open(p, WRITE));
        // CREATE without WRITE does not create, as for FileChannel.open
        assertThrows(NoSuchFileException.class, () -> NativeFile.open(p, READ, CREATE));
        assertFalse(Files.exists(p));
    }

    @Test
    void shouldCreateWithCreateAndRefuseCreateNewOnExistingFile() throws Exception {
        Path p = dir.resolve("c");
        try (NativeFile f = NativeFile.open(p, WRITE, CREATE)) {
            assertTrue(f.isWritable());
            assertFalse(f.isReadable());
        }
        assertTrue(Files.isRegularFile(p));
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> NativeFile.open(p, WRITE, CREATE_NEW));
        assertEquals(p.toString(), e.getFile());
        try (NativeFile f = NativeFile.open(dir.resolve("n"), WRITE, CREATE_NEW)) {
            assertEquals(0, f.size());
        }
    }

    @Test
    void shouldTruncateExistingOnlyWhenWriting() throws Exception {
        Path p = TestFiles.patterned(dir, "t", 5000);
        try (NativeFile f = NativeFile.open(p, READ, TRUNCATE_EXISTING)) {
            assertEquals(5000, f.size(), "TRUNCATE_EXISTING is ignored without WRITE");
        }
        try (NativeFile f = NativeFile.open(p, WRITE, TRUNCATE_EXISTING)) {
            assertEquals(0, f.size());
        }
    }

    @Test
    void shouldAppendWhateverThePositionWithAppend() throws Exception {
        Path p = dir.resolve("a");
        Files.write(p, new byte[] {1, 2, 3});
        try (NativeFile f = NativeFile.open(p, APPEND)) {
            assertTrue(f.isAppend());
            write(f, new byte[] {4, 5}, 0); // pwrite on an O_APPEND file appends on Linux
        }
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Files.readAllBytes(p));
        assertThrows(IllegalArgumentException.class, () -> NativeFile.open(p, READ, APPEND));
        assertThrows(IllegalArgumentException.class, () -> NativeFile.open(p, APPEND, TRUNCATE_EXISTING));
    }

    @Test
    void shouldSetSyncFlagsForDsyncAndSync() throws Exception {
        Path p = dir.resolve("s");
        try (NativeFile f = NativeFile.open(p, WRITE, CREATE, DSYNC)) {
            assertEquals(LibC.O_DSYNC, f.openFlags() & LibC.O_SYNC);
            write(f, new byte[] {9}, 0);
        }
        try (NativeFile f = NativeFile.open(p, WRITE, SYNC)) {
            assertEquals(LibC.O_SYNC, f.openFlags() & LibC.O_SYNC);
            write(f, new byte[] {8}, 1);
        }
        assertArrayEquals(new byte[] {9, 8}, Files.readAllBytes(p));
    }

    @Test
    void shouldOpenWithODirectFromJaioOrJdkOption() throws Exception {
        Path p = TestFiles.patterned(dir, "d", 8192);
        try (NativeFile a = NativeFile.open(p, READ, JaioOpenOption.DIRECT);
             NativeFile b = NativeFile.open(p, READ, jdkDirect())) {
            assertTrue(a.isDirect());
            assertTrue(b.isDirect());
            assertEquals(LibC.O_DIRECT, b.openFlags() & LibC.O_DIRECT);
            assertEquals(TestFiles.patternByte(4096 + 5), read(a, 4096, 4096)[5]);
            // O_DIRECT on ext4 refuses a misaligned buffer address with EINVAL
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment misaligned = arena.allocate(8192, 4096).asSlice(1, 4096);
                AioException e = assertThrows(AioException.class, () -> a.read(misaligned, 0));
                assertEquals(Errno.EINVAL, e.errnoConstant());
                assertEquals("pread", e.syscall());
            }
        }
    }

    @Test
    void shouldOpenWithNoatime() throws Exception {
        Path p = TestFiles.patterned(dir, "na", 10);
        try (NativeFile f = NativeFile.open(p, READ, JaioOpenOption.NOATIME)) {
            assertEquals(LibC.O_NOATIME, f.openFlags() & LibC.O_NOATIME);
            assertEquals(10, read(f, 0, 10).length);
        }
    }

    @Test
    void shouldCreateWithGivenPermissions() throws Exception {
        Path p = dir.resolve("perm");
        try (NativeFile f = NativeFile.open(p, Set.of(WRITE, CREATE_NEW),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")))) {
            assertEquals(0, f.size());
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    }

    @Test
    void shouldRefuseUnknownOptionsAndAttributes() {
        Path p = dir.resolve("x");
        assertThrows(UnsupportedOperationException.class,
                () -> NativeFile.open(p, Set.of(WRITE, CREATE), new java.nio.file.attribute.FileAttribute<String>() {
                    @Override
                    public String name() {
                        return "dos:hidden";
                    }

                    @Override
                    public String value() {
                        return "true";
                    }
                }));
        assertThrows(UnsupportedOperationException.class,
                () -> NativeFile.open(p, new java.nio.file.OpenOption() { }));
    }

    @Test
    void shouldSayPlainlyThatADirectoryCannotBeOpened() throws Exception {
        // Read-only open(2) of a directory succeeds; NativeFile refuses it after statx.
        FileSystemException r = assertThrows(FileSystemException.class, () -> NativeFile.open(dir, READ));
        assertTrue(r.getMessage().contains("is a directory"), r.getMessage());
        // For writing the kernel itself says EISDIR.
        FileSystemException w = assertThrows(FileSystemException.class, () -> NativeFile.open(dir, WRITE));
        assertTrue(w.getMessage().contains("EISDIR"), w.getMessage());
    }

    @Test
    void shouldSayPlainlyWhenTheFileSystemRefusesODirect() throws Exception {
        // procfs files do not support O_DIRECT: open(2) fails with EINVAL (measured: dd iflag=direct
        // if=/proc/version gives "Invalid argument" on this kernel).
        Path version = Path.of("/proc/version");
        Assumptions.assumeTrue(Files.isReadable(version), "no /proc/version to try O_DIRECT on");
        try (NativeFile plain = NativeFile.open(version, READ)) {
            assertFalse(plain.isDirect());
        }
        AioException e = assertThrows(AioException.class, () -> NativeFile.open(version, READ, JaioOpenOption.DIRECT));
        assertEquals(Errno.EINVAL, e.errnoConstant());
        assertEquals("open", e.syscall());
        assertTrue(e.getMessage().contains("O_DIRECT"), e.getMessage());
    }

    @Test
    @Timeout(120)
    void shouldThrowAccessDeniedForAnUnreadableFileOpenedByAnotherUser() throws Exception {
        // Root passes permission checks, so the open runs in a child JVM dropped to nobody with setpriv.
        String reason = ChildJvm.nobodyUnavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path p = Files.write(dir.resolve("secret"), new byte[] {1});
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
        Path open = Files.write(dir.resolve("public"), new byte[] {1});
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("r--r--r--"));

        ChildJvm.Result denied = ChildCommands.run(true, List.of(), "open", p.toString());
        assertEquals(0, denied.exitCode(), denied.stderr());
        assertTrue(denied.line().startsWith("AccessDeniedException: "), denied.line());
        assertTrue(denied.line().contains("EACCES"), denied.line());

        ChildJvm.Result allowed = ChildCommands.run(true, List.of(), "open", open.toString());
        assertEquals("OK", allowed.line(), allowed.stderr());
    }

    @Test
    void shouldThrowAccessDeniedForAWriteToAnImmutableFile() throws Exception {
        // Even root gets EPERM writing a file with the ext4 immutable attribute (chattr +i).
        Path p = Files.write(dir.resolve("immutable"), new byte[] {1});
        Command.Result chattr = Command.run("chattr", "+i", p.toString());
        Assumptions.assumeTrue(chattr.exit() == 0, "chattr +i is not possible here: " + chattr.output().strip());
        try {
            AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> NativeFile.open(p, WRITE));
            assertTrue(e.getMessage().contains("EPERM"), e.getMessage());
            assertDoesNotThrow(() -> NativeFile.open(p, READ).close());
        } finally {
            Command.run("chattr", "-i", p.toString());
        }
    }

    @Test
    void shouldTruncateAndExtend() throws Exception {
        Path p = TestFiles.patterned(dir, "tr", 10000);
        try (NativeFile f = NativeFile.open(p, READ, WRITE)) {
            f.truncate(4096);
            assertEquals(4096, f.size());
            f.truncate(20000);
            assertEquals(20000, f.size());
            assertArrayEquals(new byte[100], read(f, 10000, 100), "extension reads as zeros");
            assertEquals(TestFiles.patternByte(4095), read(f, 4095, 1)[0]);
            assertThrows(IllegalArgumentException.class, () -> f.truncate(-1));
        }
    }

    @Test
    void shouldAllocateAndExtendWithModeZero() throws Exception {
        Path p = dir.resolve("al");
        try (NativeFile f = NativeFile.open(p, READ, WRITE, CREATE)) {
            f.allocate(0, 1 << 20);
            assertEquals(1 << 20, f.size());
            assertTrue(blocks(p) * 512 >= 1 << 20, "blocks are allocated: blocks=" + blocks(p));
        }
    }

    @Test
    void shouldAllocateWithoutChangingSizeWithKeepSize() throws Exception {
        Path p = TestFiles.patterned(dir, "ks", 4096);
        try (NativeFile f = NativeFile.open(p, READ, WRITE)) {
            long before = blocks(p);
            f.allocate(0, 1 << 20, FallocateMode.KEEP_SIZE);
            assertEquals(4096, f.size());
            assertTrue(blocks(p) * 512 >= 1 << 20, "blocks before=" + before + " after=" + blocks(p));
        }
    }

    @Test
    void shouldReadZerosAfterPunchHoleAndKeepTheSize() throws Exception {
        Path p = TestFiles.patterned(dir, "ph", 3 * 4096);
        try (NativeFile f = NativeFile.open(p, READ, WRITE)) {
            f.sync();
            long before = blocks(p);
            f.allocate(4096, 4096, FallocateMode.PUNCH_HOLE); // KEEP_SIZE is added for the caller
            assertEquals(3 * 4096, f.size());
            assertArrayEquals(new byte[4096], read(f, 4096, 4096));
            assertEquals(TestFiles.patternByte(4095), read(f, 4095, 1)[0]);
            assertEquals(TestFiles.patternByte(8192), read(f, 8192, 1)[0]);
            assertTrue(blocks(p) < before, "the hole frees blocks: before=" + before + " after=" + blocks(p));
        }
    }

    @Test
    void shouldReadZerosAfterZeroRange() throws Exception {
        Path p = TestFiles.patterned(dir, "zr", 3 * 4096);
        try (NativeFile f = NativeFile.open(p, READ, WRITE)) {
            f.allocate(100, 5000, FallocateMode.ZERO_RANGE);
            assertEquals(3 * 4096, f.size());
            assertArrayEquals(new byte[5000], read(f, 100, 5000));
            assertEquals(TestFiles.patternByte(99), read(f, 99, 1)[0]);
            assertEquals(TestFiles.patternByte(5100), read(f, 5100, 1)[0]);
            f.allocate(3 * 4096, 4096, FallocateMode.ZERO_RANGE);
            assertEquals(4 * 4096, f.size(), "ZERO_RANGE without KEEP_SIZE extends the file");
        }
    }

    @Test
    void shouldReportFallocateErrorsWithErrno() throws Exception {
        Path p = TestFiles.patterned(dir, "fe", 4096);
        try (NativeFile ro = NativeFile.open(p, READ)) {
            AioException e = assertThrows(AioException.class, () -> ro.allocate(0, 4096));
            assertEquals(Errno.EBADF, e.errnoConstant());
            assertEquals("fallocate", e.syscall());
        }
        try (NativeFile f = NativeFile.open(p, WRITE)) {
            AioException e = assertThrows(AioException.class, () -> f.allocate(0, 0));
            assertEquals(Errno.EINVAL, e.errnoConstant(), "fallocate with length 0 is EINVAL");
        }
    }

    @Test
    void shouldSyncAndDataSync() throws Exception {
        Path p = dir.resolve("sy");
        try (NativeFile f = NativeFile.open(p, READ, WRITE, CREATE)) {
            write(f, new byte[] {1, 2, 3}, 0);
            f.sync();
            f.dataSync();
        }
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(p));
    }

    @Test
    void shouldKeepASecondOpenFileFromTakingTheLock() throws Exception {
        Path p = TestFiles.patterned(dir, "lk", 10);
        try (NativeFile a = NativeFile.open(p, READ); NativeFile b = NativeFile.open(p, READ)) {
            assertTrue(a.tryLock());
            assertFalse(b.tryLock());
            assertFalse(b.tryLock(true), "a shared lock waits for an exclusive one too");
            a.unlock();
            assertTrue(b.tryLock(true));
            assertTrue(a.tryLock(true), "shared locks coexist");
            assertFalse(a.tryLock(false), "no exclusive lock while another open file shares it");
        }
    }

    @Test
    @Timeout(30)
    void shouldWaitInLockUntilTheHolderUnlocks() throws Exception {
        Path p = TestFiles.patterned(dir, "lw", 10);
        try (NativeFile a = NativeFile.open(p, READ); NativeFile b = NativeFile.open(p, READ)) {
            a.lock();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    b.lock();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            t.join(200);
            assertTrue(t.isAlive(), "lock() waits while another open file holds it");
            a.unlock();
            t.join();
            assertFalse(a.tryLock());
        }
    }

    @Test
    @Timeout(120)
    void shouldKeepAnotherProcessFromTakingTheLock() throws Exception {
        Path p = TestFiles.patterned(dir, "lp", 10);
        try (NativeFile a = NativeFile.open(p, READ)) {
            assertTrue(a.tryLock());
            ChildJvm.Result held = ChildCommands.run(false, List.of(), "trylock", p.toString());
            assertEquals("tryLock=false", held.line(), held.stderr());
            a.unlock();
            ChildJvm.Result free = ChildCommands.run(false, List.of(), "trylock", p.toString());
            assertEquals("tryLock=true", free.line(), free.stderr());
        }
    }

    @Test
    void shouldReleaseTheLockOnClose() throws Exception {
        Path p = TestFiles.patterned(dir, "lc", 10);
        try (NativeFile b = NativeFile.open(p, READ)) {
            NativeFile a = NativeFile.open(p, READ);
            assertTrue(a.tryLock());
            a.close();
            assertTrue(b.tryLock());
        }
    }

    @Test
    void shouldCloseIdempotently() throws Exception {
        NativeFile f = NativeFile.open(TestFiles.patterned(dir, "ci", 10));
        assertFalse(f.isClosed());
        f.close();
        f.close();
        assertTrue(f.isClosed());
        assertTrue(f.toString().contains("closed"), f.toString());
    }

    @Test
    void shouldNeverPassAStaleDescriptorToTheKernel() throws Exception {
        Path first = TestFiles.patterned(dir, "old", 4096);
        Path second = TestFiles.patterned(dir, "new", 8192);
        NativeFile old = NativeFile.open(first, READ, WRITE);
        int number = old.fd();
        old.close();
        try (NativeFile fresh = NativeFile.open(second, READ, WRITE)) {
            Assumptions.assumeTrue(fresh.fd() == number,
                    "another thread took the freed descriptor number first: old=" + number + " new=" + fresh.fd());
            IllegalStateException ise = assertThrows(IllegalStateException.class, old::fd);
            assertTrue(ise.getMessage().contains("closed"), ise.getMessage());
            assertThrows(ClosedChannelException.class, old::size);
            assertThrows(ClosedChannelException.class, () -> old.truncate(0));
            assertThrows(ClosedChannelException.class, () -> old.allocate(0, 4096, FallocateMode.PUNCH_HOLE));
            assertThrows(ClosedChannelException.class, old::sync);
            assertThrows(ClosedChannelException.class, old::dataSync);
            assertThrows(ClosedChannelException.class, old::tryLock);
            assertThrows(ClosedChannelException.class, old::lock);
            assertThrows(ClosedChannelException.class, old::unlock);
            assertThrows(ClosedChannelException.class, old::directIoAlignment);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(4096, 4096);
                assertThrows(ClosedChannelException.class, () -> old.write(buf, 0));
                assertThrows(ClosedChannelException.class, () -> old.read(buf, 0));
            }
            old.close();
            assertEquals(8192, fresh.size());
            assertTrue(fresh.tryLock(), "the old object took no lock on the new file");
            byte[] content = Files.readAllBytes(second);
            for (int i = 0; i < content.length; i++) {
                assertEquals(TestFiles.patternByte(i), content[i], "byte " + i);
            }
        }
    }

    @Test
    void shouldReportDirectIoAlignmentOfARegularFile() throws Exception {
        try (NativeFile f = NativeFile.open(TestFiles.patterned(dir, "al", 10))) {
            DirectIoAlignment a = f.directIoAlignment();
            assertTrue(a.offset() >= 512 && a.offset() <= 4096, a.toString());
            assertTrue(a.memory() >= 1 && a.memory() <= 4096, a.toString());
            assertEquals(a, f.directIoAlignment());
        }
    }

    @Test
    void shouldDeleteOnClose() throws Exception {
        Path p = TestFiles.patterned(dir, "doc", 10);
        NativeFile.open(p, READ, java.nio.file.StandardOpenOption.DELETE_ON_CLOSE).close();
        assertFalse(Files.exists(p));
    }

    @Test
    void shouldRejectHeapSegmentsForBlockingIo() throws Exception {
        try (NativeFile f = NativeFile.open(TestFiles.patterned(dir, "h", 10))) {
            assertThrows(IllegalArgumentException.class, () -> f.read(MemorySegment.ofArray(new byte[10]), 0));
        }
    }

    @Test
    void shouldKnowDirectByJaiosOptionOrTheJdksAndByNothingElseCalledDirect() throws Exception {
        assertTrue(NativeFile.isDirectOption(JaioOpenOption.DIRECT));
        assertTrue(NativeFile.isDirectOption(jdkDirect()));
        java.nio.file.OpenOption impostor = new java.nio.file.OpenOption() {
            @Override
            public String toString() {
                return "DIRECT";
            }
        };
        assertTrue(!NativeFile.isDirectOption(impostor), "an option of another class named DIRECT");
        assertTrue(!NativeFile.isDirectOption(JaioOpenOption.NOATIME));
        assertTrue(!NativeFile.isDirectOption(java.nio.file.StandardOpenOption.READ));
    }

    /**
     * The JDK's {@code com.sun.nio.file.ExtendedOpenOption.DIRECT}, looked up by name: the tests are
     * compiled into module dev.jaio, which does not read jdk.unsupported.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static java.nio.file.OpenOption jdkDirect() throws ClassNotFoundException {
        Class c = Class.forName("com.sun.nio.file.ExtendedOpenOption");
        return (java.nio.file.OpenOption) Enum.valueOf(c, "DIRECT");
    }

    /** stx_blocks: 512-byte units allocated to the file. */
    private static long blocks(Path p) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Statx.LAYOUT);
            assertEquals(0, LibC.statx(LibC.AT_FDCWD, arena.allocateFrom(p.toString()), 0, Statx.STATX_BLOCKS, st));
            return st.get(ValueLayout.JAVA_LONG, Statx.BLOCKS);
        }
    }
}
