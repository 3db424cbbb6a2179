package dev.jaio.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Arch}: architecture detection, and every syscall number of every architecture checked against the
 * kernel's headers of this machine ({@link KernelHeaders}).
 */
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

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Arch.class, names = {"X86_64", "AARCH64"})
    void shouldUseTheNumbersOfTheKernelsOwnSyscallTable(Arch arch) throws Exception {
        // x86_64: arch/x86/entry/syscalls/syscall_64.tbl, installed as asm/unistd_64.h;
        // aarch64: include/uapi/asm-generic/unistd.h. Read at test time, every column of Arch.
        Path header = KernelHeaders.unistdOf(arch);
        Map<String, TreeSet<Long>> kernel = KernelHeaders.syscallNumbers(header);
        Map<String, Long> ours = arch.syscallNumbers();
        for (Map.Entry<String, Long> e : ours.entrySet()) {
            TreeSet<Long> defined = kernel.get(e.getKey());
            assertNotNull(defined, "__NR_" + e.getKey() + " is not defined in " + header);
            assertEquals(Set.of(e.getValue()), defined, arch + " " + e.getKey() + " against " + header);
        }
        System.out.println("ArchTest: " + arch + " " + ours.size() + " syscall numbers match " + header);
    }

    @Test
    void shouldFindEveryNumberFieldByTheKernelsNameOfTheCall() {
        assertEquals(List.of("io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "eventfd2",
                "ioprio_set", "ioprio_get", "io_pgetevents", "io_uring_setup", "io_uring_enter",
                "io_uring_register"), List.copyOf(Arch.X86_64.syscallNumbers().keySet()));
        assertEquals("io_uring_register", Arch.kernelName("ioUringRegister"));
        assertEquals("eventfd2", Arch.kernelName("eventfd2"));
        assertEquals(Arch.X86_64.ioPgetevents, Arch.X86_64.syscallNumbers().get("io_pgetevents"));
        assertEquals(Arch.AARCH64.ioUringEnter, Arch.AARCH64.syscallNumbers().get("io_uring_enter"));
    }

    @Test
    void shouldGiveNoSyscallNumberWhenUnsupported() {
        Map<String, Long> numbers = Arch.UNSUPPORTED.syscallNumbers();
        assertEquals(Arch.X86_64.syscallNumbers().keySet(), numbers.keySet());
        for (Map.Entry<String, Long> e : numbers.entrySet()) {
            assertEquals(-1, e.getValue(), e.getKey());
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
