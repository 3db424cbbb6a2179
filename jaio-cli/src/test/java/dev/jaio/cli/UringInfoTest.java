package dev.jaio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jaio.uring.IoUring;
import org.junit.jupiter.api.Test;

/** {@link UringInfo}: the names of the io_uring features. */
class UringInfoTest {
    @Test
    void shouldNameKnownFeaturesAndShowUnknownBitsInHex() {
        assertEquals("NODROP EXT_ARG", UringInfo.featureNames(IoUring.FEAT_NODROP | IoUring.FEAT_EXT_ARG));
        assertEquals("SINGLE_MMAP NO_IOWAIT 0x40000000",
                UringInfo.featureNames(IoUring.FEAT_SINGLE_MMAP | IoUring.FEAT_NO_IOWAIT | 1 << 30));
        assertEquals("", UringInfo.featureNames(0));
    }
}
