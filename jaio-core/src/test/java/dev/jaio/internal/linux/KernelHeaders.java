package dev.jaio.internal.linux;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's UAPI headers as Debian's {@code linux-libc-dev} installs them, read at test time so that
 * jaio's numbers and layouts are checked against the kernel's own text, not against copies typed into
 * a test. A missing header fails the test (it does not skip it): CI installs the package.
 */
final class KernelHeaders {
    /** x86_64's syscall table. */
    static final Path X86_64_UNISTD = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    /** The generic syscall table, which aarch64 uses. */
    static final Path GENERIC_UNISTD = Path.of("/usr/include/asm-generic/unistd.h");
    /** struct iocb, struct io_event. */
    static final Path AIO_ABI = Path.of("/usr/include/linux/aio_abi.h");

    private static final Pattern NR_DEFINE = Pattern.compile("^#define\\s+__NR_(\\w+)\\s+(\\d+)\\s*$");

    private KernelHeaders() {
    }

    /** The header of the syscall table {@code arch} uses. */
    static Path unistdOf(Arch arch) {
        return switch (arch) {
            case X86_64 -> X86_64_UNISTD;
            case AARCH64 -> GENERIC_UNISTD;
            case UNSUPPORTED -> throw new IllegalArgumentException("no syscall table: arch=" + arch);
        };
    }

    /** The lines of {@code header}, failing with what to install when it is missing. */
    static List<String> read(Path header) throws IOException {
        if (!Files.isReadable(header)) {
            fail(header + " is missing: install the kernel's headers (apt-get install -y linux-libc-dev); "
                    + ".ci/run does it");
        }
        return Files.readAllLines(header);
    }

    /**
     * Every numeric {@code #define __NR_name N} of a syscall table, by name. A name defined more than
     * once (in alternative {@code #if} branches) keeps all its numbers, so that a disagreement shows.
     */
    static Map<String, TreeSet<Long>> syscallNumbers(Path unistd) throws IOException {
        Map<String, TreeSet<Long>> numbers = new HashMap<>();
        for (String line : read(unistd)) {
            Matcher m = NR_DEFINE.matcher(line.strip());
            if (m.matches()) {
                numbers.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(Long.parseLong(m.group(2)));
            }
        }
        if (numbers.size() < 100) {
            fail(unistd + " does not look like a syscall table: only " + numbers.size() + " __NR_ definitions");
        }
        return numbers;
    }
}
