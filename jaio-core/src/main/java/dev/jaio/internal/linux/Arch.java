package dev.jaio.internal.linux;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The processor architecture jaio runs on, and the syscall numbers that differ between them.
 *
 * <p>x86_64 has its own table ({@code arch/x86/entry/syscalls/syscall_64.tbl}); aarch64 uses the
 * generic one ({@code include/uapi/asm-generic/unistd.h}). On any other architecture {@link #current()}
 * answers {@link #UNSUPPORTED}, whose numbers are all -1, and {@link Native} refuses to make calls.
 */
public enum Arch {
    //           io_setup destroy submit cancel getevents eventfd2 ioprio_set ioprio_get pgetevents
    //           io_uring_setup io_uring_enter io_uring_register
    X86_64(206, 207, 209, 210, 208, 290, 251, 252, 333, 425, 426, 427),
    AARCH64(0, 1, 2, 3, 4, 19, 30, 31, 292, 425, 426, 427),
    UNSUPPORTED(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);

    // Each public long field is the number of the syscall its name spells in camel case (ioPgetevents is
    // io_pgetevents): syscallNumbers() finds them by that rule, and the test checks them all against the
    // kernel's headers, so a new column needs no new test.
    public final long ioSetup;
    public final long ioDestroy;
    public final long ioSubmit;
    public final long ioCancel;
    public final long ioGetevents;
    public final long eventfd2;
    public final long ioprioSet;
    public final long ioprioGet;
    /** io_pgetevents(2), Linux 4.18. */
    public final long ioPgetevents;
    /** io_uring_setup(2), Linux 5.1. */
    public final long ioUringSetup;
    /** io_uring_enter(2), Linux 5.1. */
    public final long ioUringEnter;
    /** io_uring_register(2), Linux 5.1. */
    public final long ioUringRegister;

    Arch(long ioSetup, long ioDestroy, long ioSubmit, long ioCancel, long ioGetevents,
         long eventfd2, long ioprioSet, long ioprioGet, long ioPgetevents,
         long ioUringSetup, long ioUringEnter, long ioUringRegister) {
        this.ioSetup = ioSetup;
        this.ioDestroy = ioDestroy;
        this.ioSubmit = ioSubmit;
        this.ioCancel = ioCancel;
        this.ioGetevents = ioGetevents;
        this.eventfd2 = eventfd2;
        this.ioprioSet = ioprioSet;
        this.ioprioGet = ioprioGet;
        this.ioPgetevents = ioPgetevents;
        this.ioUringSetup = ioUringSetup;
        this.ioUringEnter = ioUringEnter;
        this.ioUringRegister = ioUringRegister;
    }

    /**
     * Every syscall number of this architecture by the kernel's name of the call (the {@code __NR_} suffix,
     * such as {@code io_pgetevents}), in declaration order; all -1 for {@link #UNSUPPORTED}.
     *
     * @return a read-only map from syscall name to number
     */
    public Map<String, Long> syscallNumbers() {
        Map<String, Long> numbers = new LinkedHashMap<>();
        for (Field f : Arch.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (f.getType() == long.class && Modifier.isPublic(m) && !Modifier.isStatic(m)) {
                try {
                    numbers.put(kernelName(f.getName()), f.getLong(this));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("public field not readable: field=" + f.getName(), e);
                }
            }
        }
        return Collections.unmodifiableMap(numbers);
    }

    /** {@code ioUringSetup} to {@code io_uring_setup}: an underscore before each capital, all lower case. */
    static String kernelName(String fieldName) {
        StringBuilder sb = new StringBuilder(fieldName.length() + 4);
        for (int i = 0; i < fieldName.length(); i++) {
            char c = fieldName.charAt(i);
            if (Character.isUpperCase(c)) {
                sb.append('_').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
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
