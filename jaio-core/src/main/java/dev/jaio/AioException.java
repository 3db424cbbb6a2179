package dev.jaio;

import dev.jaio.internal.linux.AioAdvice;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A Linux system call answered with an error.
 *
 * <p>Carries the errno ({@link #errno()}, {@link #errnoName()}), the call that failed
 * ({@link #syscall()}) and, where the failure belongs to a file request, the file and the position.
 * The message names all of these and says what to do about it, for example
 * {@code io_setup failed: EAGAIN (Resource temporarily unavailable): ...}.
 */
public class AioException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The system call or operation that failed. */
    private final String syscall;
    /** The positive error number. */
    private final int errno;
    /** The file of the failed request, or null; not serialized. */
    private final transient Path file;
    /** The position of the failed request, or -1. */
    private final long position;

    /**
     * An error from {@code syscall} with the given errno; {@code advice} says what it means here and
     * what to do (null for the standard advice for that call and errno).
     *
     * @param syscall the system call or operation that failed, such as {@code "io_submit"}
     * @param errno the positive error number
     * @param advice what to do about it, or {@code null}
     */
    public AioException(String syscall, int errno, String advice) {
        this(syscall, errno, advice, null, -1);
    }

    /**
     * An error from a request on {@code file} at {@code position} (-1 when it has none), such as
     * a failed read whose completion carried {@code -errno}.
     *
     * @param syscall the system call or operation that failed, such as {@code "io_submit"}
     * @param errno the positive error number
     * @param advice what to do about it, or {@code null}
     * @param file the file the request was for, or {@code null}
     * @param position the file position of the request, or -1
     */
    public AioException(String syscall, int errno, String advice, Path file, long position) {
        super(message(syscall, errno, advice, file, position));
        this.syscall = syscall;
        this.errno = errno;
        this.file = file;
        this.position = position;
    }

    /**
     * The positive error number.
     *
     * @return the positive error number
     */
    public int errno() {
        return errno;
    }

    /**
     * The error's symbolic name, such as {@code "EINVAL"}, or {@code "errno N"} when unknown.
     *
     * @return the error's symbolic name, such as {@code "EINVAL"}, or {@code "errno N"} when unknown
     */
    public String errnoName() {
        return Errno.nameOf(errno);
    }

    /**
     * The error as a constant, or {@code null} for a number {@link Errno} does not know.
     *
     * @return the error as a constant, or {@code null} for a number {@link Errno} does not know
     */
    public Errno errnoConstant() {
        return Errno.of(errno);
    }

    /**
     * The system call or operation that failed, such as {@code "io_submit"} or {@code "pread"}.
     *
     * @return the system call or operation that failed, such as {@code "io_submit"} or {@code "pread"}
     */
    public String syscall() {
        return syscall;
    }

    /**
     * The file the failed request was for, or {@code null}.
     *
     * @return the file the failed request was for, or {@code null}
     */
    public Path file() {
        return file;
    }

    /**
     * The file position of the failed request, or -1.
     *
     * @return the file position of the failed request, or -1
     */
    public long position() {
        return position;
    }

    private static String message(String syscall, int errno, String advice, Path file, long position) {
        StringBuilder sb = new StringBuilder(128)
                .append(syscall).append(" failed: ")
                .append(Errno.nameOf(errno)).append(" (").append(Errno.describe(errno)).append(')');
        if (file != null) {
            sb.append(": file=").append(file);
            if (position >= 0) {
                sb.append(" position=").append(position);
            }
        }
        String text = advice != null ? advice : AioAdvice.forError(syscall, errno);
        if (text != null && !text.isEmpty()) {
            sb.append(": ").append(text);
        }
        return sb.toString();
    }
}
