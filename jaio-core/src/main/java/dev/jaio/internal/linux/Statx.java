package dev.jaio.internal.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;

/**
 * {@code struct statx} from {@code linux/stat.h}, the fields jaio reads and the padding between them.
 *
 * {@snippet lang=c :
 * struct statx {
 *     __u32 stx_mask;  __u32 stx_blksize;  __u64 stx_attributes;            // 0x00
 *     __u32 stx_nlink; __u32 stx_uid; __u32 stx_gid; __u16 stx_mode; ...    // 0x10
 *     __u64 stx_ino;   __u64 stx_size; __u64 stx_blocks; __u64 stx_attributes_mask; // 0x20
 *     struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;   // 0x40
 *     __u32 stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;  // 0x80
 *     __u64 stx_mnt_id;                                                    // 0x90
 *     __u32 stx_dio_mem_align;   // memory buffer alignment for direct I/O // 0x98
 *     __u32 stx_dio_offset_align; // file offset alignment for direct I/O  // 0x9c
 *     __u64 stx_subvol;                                                    // 0xa0
 *     __u32 stx_atomic_write_unit_min;      // RWF_ATOMIC, Linux 6.11+     // 0xa8
 *     __u32 stx_atomic_write_unit_max;                                     // 0xac
 *     __u32 stx_atomic_write_segments_max;                                 // 0xb0
 *     __u32 stx_dio_read_offset_align;                                     // 0xb4
 *     __u64 __spare3[9];                                                   // 0xb8
 * };                                                                       // 0x100
 * }
 */
public final class Statx {
    private Statx() {
    }

    public static final int STATX_TYPE = 0x1;
    public static final int STATX_MODE = 0x2;
    public static final int STATX_SIZE = 0x200;
    public static final int STATX_BLOCKS = 0x400;
    public static final int STATX_DIOALIGN = 0x2000;
    public static final int STATX_WRITE_ATOMIC = 0x10000;

    public static final int S_IFMT = 0170000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFBLK = 0060000;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("stx_mask"),
            JAVA_INT.withName("stx_blksize"),
            JAVA_LONG.withName("stx_attributes"),
            JAVA_INT.withName("stx_nlink"),
            JAVA_INT.withName("stx_uid"),
            JAVA_INT.withName("stx_gid"),
            JAVA_SHORT.withName("stx_mode"),
            MemoryLayout.paddingLayout(2),
            JAVA_LONG.withName("stx_ino"),
            JAVA_LONG.withName("stx_size"),
            JAVA_LONG.withName("stx_blocks"),
            JAVA_LONG.withName("stx_attributes_mask"),
            MemoryLayout.paddingLayout(64), // four struct statx_timestamp of 16 bytes
            JAVA_INT.withName("stx_rdev_major"),
            JAVA_INT.withName("stx_rdev_minor"),
            JAVA_INT.withName("stx_dev_major"),
            JAVA_INT.withName("stx_dev_minor"),
            JAVA_LONG.withName("stx_mnt_id"),
            JAVA_INT.withName("stx_dio_mem_align"),
            JAVA_INT.withName("stx_dio_offset_align"),
            JAVA_LONG.withName("stx_subvol"),
            JAVA_INT.withName("stx_atomic_write_unit_min"),
            JAVA_INT.withName("stx_atomic_write_unit_max"),
            JAVA_INT.withName("stx_atomic_write_segments_max"),
            JAVA_INT.withName("stx_dio_read_offset_align"),
            MemoryLayout.paddingLayout(72)).withName("statx");

    public static final long MASK = offset("stx_mask");
    public static final long BLKSIZE = offset("stx_blksize");
    public static final long MODE = offset("stx_mode");
    public static final long SIZE = offset("stx_size");
    public static final long BLOCKS = offset("stx_blocks");
    public static final long DEV_MAJOR = offset("stx_dev_major");
    public static final long DEV_MINOR = offset("stx_dev_minor");
    public static final long RDEV_MAJOR = offset("stx_rdev_major");
    public static final long RDEV_MINOR = offset("stx_rdev_minor");
    public static final long DIO_MEM_ALIGN = offset("stx_dio_mem_align");
    public static final long DIO_OFFSET_ALIGN = offset("stx_dio_offset_align");
    public static final long ATOMIC_WRITE_UNIT_MIN = offset("stx_atomic_write_unit_min");
    public static final long ATOMIC_WRITE_UNIT_MAX = offset("stx_atomic_write_unit_max");

    private static long offset(String field) {
        return LAYOUT.byteOffset(PathElement.groupElement(field));
    }
}
