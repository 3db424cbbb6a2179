package dev.jaio.internal.linux;

import dev.jaio.Errno;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What an errno from a kernel AIO call means, and what to do about it. */
public final class AioAdvice {
    private AioAdvice() {
    }

    public static final Path AIO_NR = Path.of("/proc/sys/fs/aio-nr");
    public static final Path AIO_MAX_NR = Path.of("/proc/sys/fs/aio-max-nr");

    public static final String UNAVAILABLE = "kernel AIO is unavailable here: the kernel lacks CONFIG_AIO, or a seccomp "
            + "policy (container runtimes install one) forbids the io_* system calls; run with the thread-pool "
            + "engine, or allow io_setup, io_submit, io_getevents, io_cancel and io_destroy in the policy";

    public static String forError(String syscall, int errno) {
        Errno e = Errno.of(errno);
        if (e == null) {
            return null;
        }
        return switch (e) {
            case ENOSYS -> UNAVAILABLE;
            case EPERM -> syscall.startsWith("io_") && !syscall.equals("io_submit")
                    ? "a security policy forbids kernel AIO in this process (seccomp in containers does this); "
                        + UNAVAILABLE.substring(UNAVAILABLE.indexOf("run with"))
                    : "the operation is not permitted for this process";
            case EFAULT -> "a pointer handed to the kernel points outside this process's memory; "
                    + "check the iocb's buf and the address arrays";
            case EINTR -> "interrupted by a signal before anything happened; retry";
            default -> switch (syscall) {
                case "io_setup" -> switch (e) {
                    case EAGAIN -> "the requested events exceed what /proc/sys/fs/aio-max-nr still allows ("
                            + limits() + "); close contexts that are not needed, ask for fewer events, "
                            + "or raise the limit with sysctl -w fs.aio-max-nr=N";
                    case EINVAL -> "nr_events must be at least 1 and within the kernel's internal limit";
                    case ENOMEM -> "the kernel could not allocate the context's ring; free memory or ask for fewer events";
                    default -> null;
                };
                case "io_submit" -> switch (e) {
                    case EAGAIN -> "the context has no free slot for another request; reap completions with "
                            + "getEvents before submitting more";
                    case EBADF -> "the iocb's file descriptor is not open, or not open for this operation "
                            + "(reading a write-only file, writing a read-only one)";
                    case EINVAL -> "the context is not valid, or the iocb is: an unknown opcode, a reserved "
                            + "field that is not zero, a negative offset, a length too large, or an operation "
                            + "the file does not support";
                    case EOPNOTSUPP -> "the file does not support a flag in aio_rw_flags (RWF_*); drop the flag";
                    default -> null;
                };
                case "io_getevents", "io_pgetevents" -> switch (e) {
                    case EINVAL -> "the context is not valid, or min_nr and nr are out of range "
                            + "(0 <= min_nr <= nr is required)";
                    default -> null;
                };
                case "io_cancel" -> switch (e) {
                    case EINVAL -> "the request is not in flight on this context (it completed, was never "
                            + "submitted here, or its aio_key was changed), or the context is not valid";
                    case EAGAIN -> "the request could not be cancelled; wait for its completion";
                    default -> null;
                };
                case "io_destroy" -> e == Errno.EINVAL ? "the context is not valid" : null;
                default -> null;
            };
        };
    }

    /** "aio-nr=N, aio-max-nr=M" as /proc says now. */
    public static String limits() {
        return "aio-nr=" + readProcLong(AIO_NR) + ", aio-max-nr=" + readProcLong(AIO_MAX_NR);
    }

    /**
     * Reads a number from a /proc file with a stream: /proc files report a size of 0 (or a page),
     * and methods that trust the size can return a truncated value.
     */
    public static long readProcLong(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            return Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
