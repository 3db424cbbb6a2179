package dev.jaio;

/**
 * The modes of fallocate(2) that {@link NativeFile#allocate(long, long, FallocateMode...)},
 * {@link AsyncFile#allocate(long, long, FallocateMode...)} and
 * {@link AsyncFile#allocateAsync(long, long, FallocateMode...)} take.
 */
public enum FallocateMode {
    /** {@code FALLOC_FL_KEEP_SIZE}: allocate blocks without changing the file's size. */
    KEEP_SIZE(0x01),
    /** {@code FALLOC_FL_PUNCH_HOLE}: free the range's blocks; reads then return zeros. Implies KEEP_SIZE. */
    PUNCH_HOLE(0x02),
    /** {@code FALLOC_FL_ZERO_RANGE}: make the range read as zeros, keeping it allocated. */
    ZERO_RANGE(0x10);

    final int flag;

    FallocateMode(int flag) {
        this.flag = flag;
    }

    /** The mode argument of fallocate(2) for {@code modes}; PUNCH_HOLE brings KEEP_SIZE, as the kernel requires. */
    static int bits(FallocateMode... modes) {
        int mode = 0;
        for (FallocateMode m : modes) {
            mode |= m.flag;
        }
        if ((mode & PUNCH_HOLE.flag) != 0) {
            mode |= KEEP_SIZE.flag;
        }
        return mode;
    }
}
