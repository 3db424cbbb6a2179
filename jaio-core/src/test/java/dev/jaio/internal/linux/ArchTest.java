package dev.jaio.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@link Arch}: architecture detection and the syscall numbers that differ between architectures. */
class ArchTest {
    @Test
    void shouldDetectX86_64UnderEitherName() {
        assertSame(Arch.X86_64, Arch.detect("Linux", "amd64"));
        assertSame(Arch.X86_64, Arch.detect("Linux", "x86_64"));
        assertSame(Arch.X86_64, Arch.detect("linux", "AMD64"));
    }

    @Test
    void shouldDetectAarch64UnderEitherName() {
        assertSame(Arch.AARCH64, Arch.detect("Linux", "aarch64"));
        assertSame(Arch.AARCH64, Arch.detect("Linux", "arm64"));
    }

    @Test
    void shouldAnswerUnsupportedForOtherArchitecturesAndOtherSystems() {
        for (String arch : new String[] {"riscv64", "ppc64le", "s390x", "x86", "i386", "arm", ""}) {
            assertSame(Arch.UNSUPPORTED, Arch.detect("Linux", arch), arch);
        }
        assertSame(Arch.UNSUPPORTED, Arch.detect("Mac OS X", "aarch64"));
        assertSame(Arch.UNSUPPORTED, Arch.detect("Windows 11", "amd64"));
        assertSame(Arch.UNSUPPORTED, Arch.detect("FreeBSD", "amd64"));
        assertSame(Arch.UNSUPPORTED, Arch.detect("", "amd64"));
    }

    @Test
    void shouldUseTheX86_64SyscallTable() {
        // arch/x86/entry/syscalls/syscall_64.tbl
        Arch a = Arch.X86_64;
        assertEquals(206, a.ioSetup);
        assertEquals(207, a.ioDestroy);
        assertEquals(208, a.ioGetevents);
        assertEquals(209, a.ioSubmit);
        assertEquals(210, a.ioCancel);
        assertEquals(251, a.ioprioSet);
        assertEquals(252, a.ioprioGet);
        assertEquals(290, a.eventfd2);
    }

    @Test
    void shouldUseTheGenericSyscallTableOnAarch64() {
        // include/uapi/asm-generic/unistd.h
        Arch a = Arch.AARCH64;
        assertEquals(0, a.ioSetup);
        assertEquals(1, a.ioDestroy);
        assertEquals(2, a.ioSubmit);
        assertEquals(3, a.ioCancel);
        assertEquals(4, a.ioGetevents);
        assertEquals(19, a.eventfd2);
        assertEquals(30, a.ioprioSet);
        assertEquals(31, a.ioprioGet);
    }

    @Test
    void shouldGiveNoSyscallNumberWhenUnsupported() {
        Arch a = Arch.UNSUPPORTED;
        for (long n : new long[] {a.ioSetup, a.ioDestroy, a.ioSubmit, a.ioCancel, a.ioGetevents, a.eventfd2,
            a.ioprioSet, a.ioprioGet}) {
            assertEquals(-1, n);
        }
    }

    @Test
    void shouldDetectTheRunningJvm() {
        assertSame(Arch.detect(System.getProperty("os.name"), System.getProperty("os.arch")), Arch.current());
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "not Linux");
        String arch = System.getProperty("os.arch");
        assertSame(arch.equals("aarch64") ? Arch.AARCH64 : arch.equals("amd64") ? Arch.X86_64 : Arch.UNSUPPORTED,
                Arch.current());
    }
}
