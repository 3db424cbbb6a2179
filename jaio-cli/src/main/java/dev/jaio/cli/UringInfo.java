package dev.jaio.cli;

import dev.jaio.AioException;
import dev.jaio.uring.IoUring;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Whether io_uring is usable here and, when it is, the features the kernel reports. */
final class UringInfo {
    private UringInfo() {
    }

    /** The {@code IORING_FEAT_*} names, in the kernel's bit order. */
    static final Map<String, Integer> FEATURES = features();

    /** One line: "usable" with the features and {@code kernel.io_uring_disabled}, or why not. */
    static String describe() {
        String disabled = InfoCommand.readProc("/proc/sys/kernel/io_uring_disabled").orElse("absent");
        try {
            String cause = IoUring.unavailabilityCause().orElse(null);
            if (cause != null) {
                return "NOT usable: " + cause;
            }
            try (IoUring ring = IoUring.setup(1)) {
                return "usable (io_uring_setup(1) worked; kernel.io_uring_disabled=" + disabled + "; features "
                        + featureNames(ring.features()) + ")";
            }
        } catch (AioException e) {
            return "NOT usable: " + e.getMessage();
        } catch (RuntimeException | LinkageError e) {
            return "NOT usable: " + e;
        }
    }

    /** The names of the {@code FEAT_*} bits set in {@code features}, and any unknown bits in hex. */
    static String featureNames(int features) {
        StringJoiner j = new StringJoiner(" ");
        int known = 0;
        for (Map.Entry<String, Integer> f : FEATURES.entrySet()) {
            known |= f.getValue();
            if ((features & f.getValue()) != 0) {
                j.add(f.getKey());
            }
        }
        int unknown = features & ~known;
        if (unknown != 0) {
            j.add("0x" + Integer.toHexString(unknown));
        }
        return j.toString();
    }

    private static Map<String, Integer> features() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("SINGLE_MMAP", IoUring.FEAT_SINGLE_MMAP);
        m.put("NODROP", IoUring.FEAT_NODROP);
        m.put("SUBMIT_STABLE", IoUring.FEAT_SUBMIT_STABLE);
        m.put("RW_CUR_POS", IoUring.FEAT_RW_CUR_POS);
        m.put("CUR_PERSONALITY", IoUring.FEAT_CUR_PERSONALITY);
        m.put("FAST_POLL", IoUring.FEAT_FAST_POLL);
        m.put("POLL_32BITS", IoUring.FEAT_POLL_32BITS);
        m.put("SQPOLL_NONFIXED", IoUring.FEAT_SQPOLL_NONFIXED);
        m.put("EXT_ARG", IoUring.FEAT_EXT_ARG);
        m.put("NATIVE_WORKERS", IoUring.FEAT_NATIVE_WORKERS);
        m.put("RSRC_TAGS", IoUring.FEAT_RSRC_TAGS);
        m.put("CQE_SKIP", IoUring.FEAT_CQE_SKIP);
        m.put("LINKED_FILE", IoUring.FEAT_LINKED_FILE);
        m.put("REG_REG_RING", IoUring.FEAT_REG_REG_RING);
        m.put("RECVSEND_BUNDLE", IoUring.FEAT_RECVSEND_BUNDLE);
        m.put("MIN_TIMEOUT", IoUring.FEAT_MIN_TIMEOUT);
        m.put("RW_ATTR", IoUring.FEAT_RW_ATTR);
        m.put("NO_IOWAIT", IoUring.FEAT_NO_IOWAIT);
        return m;
    }
}
