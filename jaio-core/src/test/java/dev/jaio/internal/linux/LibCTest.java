package dev.jaio.internal.linux;

import dev.jaio.testing.TestNatives;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The libc bindings return the result or -errno, as the kernel does. */
class LibCTest {
    private static final int ENOENT = 2;
    private static final int EBADF = 9;
    private static final int EEXIST = 17;
    private static final int EISDIR = 21;
    private static final int EINVAL = 22;
    private static final int EWOULDBLOCK = 11;

    @TempDir
    Path dir;

    @Test
    void shouldReturnMinusErrnoFromOpen() {
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(-ENOENT, LibC.open(arena.allocateFrom(dir.resolve("none").toString()), LibC.O_RDONLY, 0));
            assertEquals(-EISDIR, LibC.open(arena.allocateFrom(dir.toString()), LibC.O_WRONLY, 0));
            MemorySegment p = arena.allocateFrom(dir.resolve("x").toString());
            int fd = LibC.open(p, LibC.O_CREAT | LibC.O_EXCL | LibC.O_RDWR | LibC.O_CLOEXEC, 0600);
            assertTrue(fd >= 0, "fd=" + fd);
            assertEquals(-EEXIST, LibC.open(p, LibC.O_CREAT | LibC.O_EXCL | LibC.O_RDWR, 0600));
            assertEquals(0, LibC.close(fd));
            assertEquals(-EBADF, LibC.close(fd));
        }
    }

    @Test
    void shouldWriteReadTruncateAndAllocate() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            int fd = LibC.open(arena.allocateFrom(dir.resolve("rw").toString()), LibC.O_CREAT | LibC.O_RDWR, 0600);
            MemorySegment src = arena.allocateFrom("hello, kernel");
            assertEquals(src.byteSize(), LibC.pwrite(fd, src, src.byteSize(), 100));
            MemorySegment dst = arena.allocate(src.byteSize());
            assertEquals(src.byteSize(), LibC.pread(fd, dst, dst.byteSize(), 100));
            assertArrayEquals(src.toArray(JAVA_BYTE), dst.toArray(JAVA_BYTE));
            assertEquals(0, LibC.pread(fd, dst, dst.byteSize(), 1 << 20));
            assertEquals(0, LibC.ftruncate(fd, 50));
            assertEquals(-EINVAL, LibC.ftruncate(fd, -1));
            assertEquals(0, LibC.fallocate(fd, 0, 0, 8192));
            assertEquals(-EINVAL, LibC.fallocate(fd, 0, 0, 0));
            assertEquals(0, LibC.fsync(fd));
            assertEquals(0, LibC.fdatasync(fd));
            assertEquals(0, TestNatives.posixFadvise(fd, 0, 0, TestNatives.POSIX_FADV_DONTNEED));
            assertEquals(-EINVAL, TestNatives.posixFadvise(fd, 0, 0, 99));
            MemorySegment st = arena.allocate(Statx.LAYOUT);
            assertEquals(0, LibC.statx(fd, arena.allocateFrom(""), LibC.AT_EMPTY_PATH,
                    Statx.STATX_TYPE | Statx.STATX_SIZE, st));
            assertEquals(8192, st.get(JAVA_LONG, Statx.SIZE));
            assertEquals(Statx.S_IFREG, Short.toUnsignedInt(st.get(JAVA_SHORT, Statx.MODE)) & Statx.S_IFMT);
            assertEquals(0, LibC.close(fd));
            assertEquals(-EBADF, LibC.pread(fd, dst, 1, 0));
            assertEquals(-EBADF, LibC.fsync(fd));
        }
    }

    @Test
    void shouldReportDioAlignWithStatx() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Statx.LAYOUT);
            assertEquals(0, LibC.statx(LibC.AT_FDCWD, arena.allocateFrom(dir.toString()), 0, Statx.STATX_DIOALIGN, st));
            MemorySegment f = arena.allocate(Statx.LAYOUT);
            Path file = dir.resolve("d");
            int fd = LibC.open(arena.allocateFrom(file.toString()), LibC.O_CREAT | LibC.O_RDWR, 0600);
            assertEquals(0, LibC.statx(fd, arena.allocateFrom(""), LibC.AT_EMPTY_PATH, Statx.STATX_DIOALIGN, f));
            LibC.close(fd);
            int mask = f.get(JAVA_INT, Statx.MASK);
            if ((mask & Statx.STATX_DIOALIGN) != 0) {
                int mem = f.get(JAVA_INT, Statx.DIO_MEM_ALIGN);
                int off = f.get(JAVA_INT, Statx.DIO_OFFSET_ALIGN);
                assertEquals(1, Integer.bitCount(mem), "mem=" + mem);
                assertEquals(1, Integer.bitCount(off), "off=" + off);
            }
        }
    }

    @Test
    void shouldLockWithFlock() throws Exception {
        Path p = Files.write(dir.resolve("l"), new byte[1]);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cp = arena.allocateFrom(p.toString());
            int a = LibC.open(cp, LibC.O_RDONLY, 0);
            int b = LibC.open(cp, LibC.O_RDONLY, 0);
            assertEquals(0, LibC.flock(a, LibC.LOCK_EX | LibC.LOCK_NB));
            assertEquals(-EWOULDBLOCK, LibC.flock(b, LibC.LOCK_EX | LibC.LOCK_NB));
            assertEquals(0, LibC.flock(a, LibC.LOCK_UN));
            assertEquals(0, LibC.flock(b, LibC.LOCK_SH | LibC.LOCK_NB));
            assertEquals(-EINVAL, LibC.flock(b, 0));
            LibC.close(a);
            LibC.close(b);
        }
    }

    @Test
    void shouldReadAndWriteAPipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            assertEquals(0, TestNatives.pipe2(fds, LibC.O_CLOEXEC | LibC.O_NONBLOCK));
            int r = fds.getAtIndex(JAVA_INT, 0);
            int w = fds.getAtIndex(JAVA_INT, 1);
            MemorySegment buf = arena.allocate(8);
            assertEquals(-EWOULDBLOCK, LibC.read(r, buf, 8), "empty non-blocking pipe");
            buf.set(JAVA_LONG, 0, 42);
            assertEquals(8, LibC.write(w, buf, 8));
            buf.set(JAVA_LONG, 0, 0);
            assertEquals(8, LibC.read(r, buf, 8));
            assertEquals(42, buf.get(JAVA_LONG, 0));
            MemorySegment iov = arena.allocate(16);
            iov.set(JAVA_LONG, 0, buf.address());
            iov.set(JAVA_LONG, 8, 8);
            assertEquals(8, LibC.pwritev2(w, iov, 1, -1, 0));
            assertEquals(8, LibC.preadv2(r, iov, 1, -1, 0));
            assertEquals(-95, LibC.preadv2(r, iov, 1, -1, 0x80000000), "unknown RWF flag: EOPNOTSUPP");
            LibC.close(r);
            LibC.close(w);
        }
    }

    @Test
    void shouldFailIoctlOnARegularFileWithEnotty() throws Exception {
        Path p = Files.write(dir.resolve("i"), new byte[1]);
        try (Arena arena = Arena.ofConfined()) {
            int fd = LibC.open(arena.allocateFrom(p.toString()), LibC.O_RDONLY, 0);
            assertEquals(-25, LibC.ioctl(fd, LibC.BLKSSZGET, arena.allocate(JAVA_INT)), "ENOTTY");
            LibC.close(fd);
        }
    }
}
