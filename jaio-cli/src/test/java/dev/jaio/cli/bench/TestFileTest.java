package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestFileTest {
    @TempDir
    Path dir;

    @Test
    void shouldLayOutAFileFullOfDataAndLeaveALargeEnoughOneAlone() throws Exception {
        Path f = dir.resolve("f");
        assertTrue(TestFile.prepare(f, 3 << 20));
        assertEquals(3 << 20, Files.size(f));
        byte[] bytes = Files.readAllBytes(f);
        assertNotEquals(0, bytes[4096 + 17] | bytes[(2 << 20) + 100], "written, not a hole");
        assertFalse(TestFile.prepare(f, 1 << 20), "already large enough");
        assertEquals(3 << 20, Files.size(f));
    }

    @Test
    void shouldWriteSizesThatAreNotWholeChunks() throws Exception {
        Path f = dir.resolve("g");
        assertTrue(TestFile.prepare(f, (1 << 20) + 8192));
        assertEquals((1 << 20) + 8192, Files.size(f));
    }
}
