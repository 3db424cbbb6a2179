package dev.jaio.uring;

import dev.jaio.Errno;

/** What an errno from io_uring_setup(2), io_uring_enter(2) or io_uring_register(2) means, and what to do. */
final class UringAdvice {
    private UringAdvice() {
    }

    static final String DISABLED_FILE = "/proc/sys/kernel/io_uring_disabled";

    static final String UNAVAILABLE = "io_uring is unavailable here: the kernel is older than 5.1 or built without "
            + "CONFIG_IO_URING, or a seccomp policy (container runtimes commonly install one) blocks the io_uring "
            + "system calls; use kernel AIO (dev.jaio.aio.AioContext) or allow io_uring_setup, io_uring_enter and "
            + "io_uring_register in the policy";

    /** The advice for {@code errno} from {@code syscall}; never null, so AioException adds no AIO advice. */
    static String forError(String syscall, int errno) {
        Errno e = Errno.of(errno);
        if (e == null) {
            return "";
        }
        String text = switch (e) {
            case ENOSYS -> UNAVAILABLE;
            case EFAULT -> syscall.equals("io_uring_register")
                    ? "a buffer or array is outside this process's memory, or a buffer is file-backed memory (a "
                        + "mapped regular file; kernels from 6.x answer EFAULT where io_uring_register(2) says "
                        + "EOPNOTSUPP), or longer than 1 GiB"
                    : "a pointer handed to the kernel points outside this process's memory";
            case EINTR -> "interrupted by a signal before anything happened; retry";
            default -> switch (syscall) {
                case "io_uring_setup" -> switch (e) {
                    case EPERM -> disabledAdvice();
                    case EINVAL -> "entries must be 1 to 32768 (or any positive count with SETUP_CLAMP), the flags "
                            + "known to this kernel and consistent (SETUP_SQ_AFF needs SETUP_SQPOLL, SETUP_CQSIZE a "
                            + "cqEntries of at least entries), and resv zero";
                    case EMFILE, ENFILE -> "no descriptor is left for the ring; close files or raise RLIMIT_NOFILE";
                    case ENOMEM -> "the kernel could not allocate the rings; ask for fewer entries";
                    default -> null;
                };
                case "io_uring_enter" -> switch (e) {
                    case EBADF -> "the descriptor is not open";
                    case EBADFD -> "the ring is disabled (SETUP_R_DISABLED) and must be enabled first";
                    case EOPNOTSUPP -> "the descriptor is not an io_uring";
                    case EINVAL -> "a flag is invalid, or the wait argument's size is wrong";
                    case EBUSY, EAGAIN -> "the completion queue is full or the kernel ran out of resources; reap "
                            + "completions before submitting more";
                    case ENXIO -> "the ring is being torn down";
                    default -> null;
                };
                case "io_uring_register" -> switch (e) {
                    case EBUSY -> "buffers or files are already registered; unregister them first";
                    case ENXIO -> "nothing of that kind is registered, or the ring is being torn down";
                    case EINVAL -> "the count is 0 or too large, or a buffer is empty or too long";
                    case EBADF -> "a descriptor in the array is not open";
                    case EMFILE -> "more files than the kernel's limit (1048576) or RLIMIT_NOFILE allows";
                    case ENOMEM -> "the buffers exceed RLIMIT_MEMLOCK, or the kernel ran out of memory";
                    case EOPNOTSUPP -> "the buffers are file-backed memory, which cannot be registered";
                    default -> null;
                };
                case "mmap" -> "the kernel refused to map the ring";
                default -> null;
            };
        };
        return text != null ? text : "";
    }

    /** Why io_uring_setup answered EPERM, from {@code kernel.io_uring_disabled}. */
    static String disabledAdvice() {
        long disabled = readDisabled();
        if (disabled == 2) {
            return "kernel.io_uring_disabled=2: io_uring is disabled for every process; "
                    + "sysctl -w kernel.io_uring_disabled=0 enables it";
        }
        if (disabled == 1) {
            return "kernel.io_uring_disabled=1: only members of kernel.io_uring_group or processes with "
                    + "CAP_SYS_ADMIN may create rings";
        }
        return "a security policy (a seccomp filter, SELinux) forbids io_uring in this process (kernel.io_uring_disabled="
                + disabled + ")";
    }

    /** The value of {@code kernel.io_uring_disabled}, or -1 where the kernel has no such setting (before 6.6). */
    static long readDisabled() {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(DISABLED_FILE))) {
            return Long.parseLong(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim());
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
    }
}
