package dev.jaio.internal.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.Errno;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** {@link UringSyscalls} and {@link Mman}: the syscall numbers, the six-argument call, and mmap/munmap. */
class UringSyscallsTest {
    @Test
    void shouldUseTheGenericNumbersForIoUringOnBothArchitectures() {
        // include/uapi/asm-generic/unistd.h and arch/x86/entry/syscalls/syscall_64.tbl agree here.
        for (Arch a : new Arch[] {Arch.X86_64, Arch.AARCH64}) {
            assertEquals(425, a.ioUringSetup, a.name());
            assertEquals(426, a.ioUringEnter, a.name());
            assertEquals(427, a.ioUringRegister, a.name());
        }
        assertEquals(-1, Arch.UNSUPPORTED.ioUringSetup);
        assertEquals(-1, Arch.UNSUPPORTED.ioUringEnter);
        assertEquals(-1, Arch.UNSUPPORTED.ioUringRegister);
    }

    @Test
    void shouldPassTheSixthArgument() {
        java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofAuto();
        long fd = UringSyscalls.ioUringSetup(2, arena.allocate(120, 8).address());
        org.junit.jupiter.api.Assumptions.assumeTrue(fd >= 0, () -> "io_uring_setup: " + Errno.nameOf((int) -fd));
        try {
            // struct io_uring_getevents_arg with a zero timespec: wait for 1 completion, time out at once.
            MemorySegment arg = arena.allocate(40, 8);
            arg.set(java.lang.foreign.ValueLayout.JAVA_LONG, 16, arg.address() + 24);
            int getEventsExtArg = 1 | 8;
            // argsz is the sixth argument: the right size waits and times out, another is refused.
            assertEquals(-Errno.ETIME.number(), UringSyscalls.ioUringEnter((int) fd, 0, 1, getEventsExtArg,
                    arg.address(), 24));
            assertEquals(-Errno.EINVAL.number(), UringSyscalls.ioUringEnter((int) fd, 0, 1, getEventsExtArg,
                    arg.address(), 16));
        } finally {
            LibC.close((int) fd);
        }
    }

    @Test
    void shouldMapAndUnmapSharedMemory() {
        MemorySegment path = java.lang.foreign.Arena.ofAuto().allocateFrom("/dev/zero");
        int fd = LibC.open(path, LibC.O_RDWR | LibC.O_CLOEXEC, 0);
        assertTrue(fd >= 0);
        try {
            long addr = Mman.mmap(8192, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED | Mman.MAP_POPULATE, fd, 0);
            assertTrue(addr > 0, "mmap: " + addr);
            MemorySegment m = MemorySegment.ofAddress(addr).reinterpret(8192);
            m.set(JAVA_INT, 4096, 42);
            assertEquals(42, m.get(JAVA_INT, 4096));
            assertEquals(0, Mman.munmap(addr, 8192));
            assertEquals(-Errno.EINVAL.number(), Mman.munmap(addr + 1, 4096), "an unaligned address");
            assertEquals(-Errno.EINVAL.number(), Mman.mmap(0, Mman.PROT_READ, Mman.MAP_SHARED, fd, 0), "length 0");
            assertEquals(-Errno.EBADF.number(), Mman.mmap(4096, Mman.PROT_READ, Mman.MAP_SHARED, 999_999, 0));
        } finally {
            LibC.close(fd);
        }
    }
}
