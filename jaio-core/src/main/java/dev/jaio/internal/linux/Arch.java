package dev.jaio.internal.linux;

import java.util.Locale;

/**
 * The processor architecture jaio runs on, and the syscall numbers that differ between them.
 *
 * <p>x86_64 has its own table ({@code arch/x86/entry/syscalls/syscall_64.tbl}); aarch64 uses the
 * generic one ({@code include/uapi/asm-generic/unistd.h}). On any other architecture {@link #current()}
 * answers {@link #UNSUPPORTED}, whose numbers are all -1, and {@link Native} refuses to make calls.
 */
public enum Arch {
    //           io_setup destroy submit cancel getevents eventfd2 ioprio_set ioprio_get
    //           io_uring_setup enter register (one number on both, from the generic table)
    X86_64(206, 207, 209, 210, 208, 290, 251, 252, 425, 426, 427),
    AARCH64(0, 1, 2, 3, 4, 19, 30, 31, 425, 426, 427),
    UNSUPPORTED(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);

    public final long ioSetup;
    public final long ioDestroy;
    public final long ioSubmit;
    public final long ioCancel;
    public final long ioGetevents;
    public final long eventfd2;
    public final long ioprioSet;
    public final long ioprioGet;
    public final long ioUringSetup;
    public final long ioUringEnter;
    public final long ioUringRegister;

    Arch(long ioSetup, long ioDestroy, long ioSubmit, long ioCancel, long ioGetevents,
         long eventfd2, long ioprioSet, long ioprioGet, long ioUringSetup, long ioUringEnter,
         long ioUringRegister) {
        this.ioSetup = ioSetup;
        this.ioDestroy = ioDestroy;
        this.ioSubmit = ioSubmit;
        this.ioCancel = ioCancel;
        this.ioGetevents = ioGetevents;
        this.eventfd2 = eventfd2;
        this.ioprioSet = ioprioSet;
        this.ioprioGet = ioprioGet;
        this.ioUringSetup = ioUringSetup;
        this.ioUringEnter = ioUringEnter;
        this.ioUringRegister = ioUringRegister;
    }

    private static final Arch CURRENT = detect(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));

    /** The architecture of this JVM, or {@link #UNSUPPORTED} when it is not Linux on x86_64 or aarch64. */
    public static Arch current() {
        return CURRENT;
    }

    static Arch detect(String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return UNSUPPORTED;
        }
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> UNSUPPORTED;
        };
    }
}
