package dev.jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Large pool buffers are on memory advised for transparent huge pages before it was touched: the kernel
 * marks such a mapping {@code hg} in /proc/self/smaps, and backs it with huge pages where it has them.
 */
class AlignedBufferPoolHugePagesTest {
    private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    @Test
    void shouldPutBuffersOf256KiBAndMoreOnHugePageAdvisedMemory() throws IOException {
        assumeTrue(thpAdvisable(), "transparent huge pages are off here (" + thpSetting() + "): nothing to advise");
        try (AlignedBufferPool pool = new AlignedBufferPool()) {
            for (long size : new long[] {256 << 10, 1 << 20}) {
                try (AlignedBufferPool.Buffer b = pool.acquire(size)) {
                    MemorySegment s = b.segment();
                    assertEquals(0, s.address() % pool.alignment(), "aligned as every buffer of the pool: " + size);
                    s.fill((byte) 7); // the first touch, where the huge page is faulted in
                    assertEquals(7, s.get(ValueLayout.JAVA_BYTE, size - 1));
                    List<String> vma = mapping(s.address());
                    assertTrue(vma.stream().anyMatch(l -> l.startsWith("VmFlags:") && l.contains(" hg")),
                            "size " + size + ": the mapping is advised MADV_HUGEPAGE: " + vma);
                }
            }
        }
    }

    @Test
    void shouldKeepSmallBuffersOnOrdinaryMemory() throws IOException {
        assumeTrue(thpAdvisable(), "transparent huge pages are off here (" + thpSetting() + ")");
        try (AlignedBufferPool pool = new AlignedBufferPool();
             AlignedBufferPool.Buffer b = pool.acquire(4096)) {
            List<String> vma = mapping(b.segment().address());
            assertFalse(vma.stream().anyMatch(l -> l.startsWith("VmFlags:") && l.contains(" hg")),
                    "a 4 KiB buffer is not advised: " + vma);
        }
    }

    @Test
    void shouldGiveEachOfTwoHalvesOfAChunkItsOwnMemory() {
        try (AlignedBufferPool pool = new AlignedBufferPool()) {
            AlignedBufferPool.Buffer a = pool.acquire(1 << 20);
            AlignedBufferPool.Buffer b = pool.acquire(1 << 20);
            a.segment().fill((byte) 1);
            b.segment().fill((byte) 2);
            assertEquals(1, a.segment().get(ValueLayout.JAVA_BYTE, (1 << 20) - 1));
            assertEquals(2, b.segment().get(ValueLayout.JAVA_BYTE, 0));
            assertTrue(Math.abs(a.segment().address() - b.segment().address()) >= 1 << 20, "no overlap");
            a.close();
            b.close();
        }
    }

    private static boolean thpAdvisable() {
        String s = thpSetting();
        return s.contains("[always]") || s.contains("[madvise]");
    }

    private static String thpSetting() {
        try {
            return Files.readString(THP).trim();
        } catch (IOException e) {
            return "no " + THP;
        }
    }

    /** The /proc/self/smaps lines of the mapping that holds {@code address}. */
    private static List<String> mapping(long address) throws IOException {
        List<String> block = new ArrayList<>();
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            boolean header = dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+");
            if (header) {
                if (inside) {
                    break;
                }
                long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
            }
            if (inside) {
                block.add(line);
            }
        }
        assertFalse(block.isEmpty(), "no mapping holds " + Long.toHexString(address));
        return block;
    }
}
