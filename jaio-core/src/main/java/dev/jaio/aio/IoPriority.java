package dev.jaio.aio;

/**
 * I/O priorities for {@link Iocb#ioPriority(int)} ({@code IOCB_FLAG_IOPRIO}), as ioprio_set(2) defines
 * them: a class in bits 13-15, a level (0 highest, 7 lowest) in bits 0-2, and, since Linux 6.5, a hint
 * in bits 3-12.
 *
 * <p>The kernel checks a request's priority at io_submit (fs/aio.c {@code aio_prep_rw} calls
 * {@code ioprio_check_cap}), which then fails: the real-time class needs CAP_SYS_ADMIN or CAP_SYS_NICE
 * (else EPERM); an unknown class (4 to 7), or class NONE with a non-zero level, is EINVAL. Because bits
 * 3-12 are a hint on Linux 6.5 and later, {@code of(CLASS_BE, 8)} is not an invalid level there but level
 * 0 with hint 1, and is accepted; older kernels treat bits 0-12 as the level and refuse it with EINVAL.
 */
public final class IoPriority {
    private IoPriority() {
    }

    /** {@code IOPRIO_CLASS_NONE}: no class set; the process's own priority applies. */
    public static final int CLASS_NONE = 0;
    /** {@code IOPRIO_CLASS_RT}: real time, served first; privileged. */
    public static final int CLASS_RT = 1;
    /** {@code IOPRIO_CLASS_BE}: best effort, the default class. */
    public static final int CLASS_BE = 2;
    /** {@code IOPRIO_CLASS_IDLE}: served only when nothing else wants the disk. */
    public static final int CLASS_IDLE = 3;

    /** {@code IOPRIO_CLASS_SHIFT}. */
    public static final int CLASS_SHIFT = 13;
    /** Levels are 0 to {@code LEVELS - 1}. */
    public static final int LEVELS = 8;

    /**
     * {@code IOPRIO_PRIO_VALUE(ioClass, level)}, unchecked, so the kernel's own checks can be seen.
     *
     * @param ioClass an {@code IOPRIO_CLASS_*} value
     * @param level the level within the class, 0 (highest) to 7
     * @return the ioprio value
     */
    public static int of(int ioClass, int level) {
        return (ioClass << CLASS_SHIFT) | level;
    }

    /**
     * A real-time priority, level 0 (highest) to 7.
     *
     * @param level the level within the class, 0 (highest) to 7
     * @return the ioprio value
     */
    public static int realTime(int level) {
        return of(CLASS_RT, level);
    }

    /**
     * A best-effort priority, level 0 (highest) to 7.
     *
     * @param level the level within the class, 0 (highest) to 7
     * @return the ioprio value
     */
    public static int bestEffort(int level) {
        return of(CLASS_BE, level);
    }

    /**
     * The idle priority.
     *
     * @return the ioprio value
     */
    public static int idle() {
        return of(CLASS_IDLE, 0);
    }

    /**
     * The class of an ioprio value.
     *
     * @param ioprio an ioprio value, as made by {@link IoPriority}
     * @return the class of an ioprio value
     */
    public static int classOf(int ioprio) {
        return (ioprio >>> CLASS_SHIFT) & 0x7;
    }

    /**
     * The level of an ioprio value (bits 0-2), as Linux 6.5 and later read it.
     *
     * @param ioprio an ioprio value, as made by {@link IoPriority}
     * @return the level of an ioprio value (bits 0-2), as Linux 6.5 and later read it
     */
    public static int levelOf(int ioprio) {
        return ioprio & (LEVELS - 1);
    }

    /**
     * The hint of an ioprio value (bits 3-12, {@code IOPRIO_PRIO_HINT}; Linux 6.5+).
     *
     * @param ioprio an ioprio value, as made by {@link IoPriority}
     * @return the hint of an ioprio value (bits 3-12, {@code IOPRIO_PRIO_HINT}; Linux 6.5+)
     */
    public static int hintOf(int ioprio) {
        return (ioprio >>> 3) & 0x3ff;
    }

    /**
     * The data of an ioprio value: level and hint, bits 0-12 ({@code IOPRIO_PRIO_DATA}).
     *
     * @param ioprio an ioprio value, as made by {@link IoPriority}
     * @return the data of an ioprio value: level and hint, bits 0-12 ({@code IOPRIO_PRIO_DATA})
     */
    public static int dataOf(int ioprio) {
        return ioprio & ((1 << CLASS_SHIFT) - 1);
    }
}
