package dev.jaio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountsTest {
    private static final String MOUNTINFO = """
            22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
            30 22 0:26 / /proc rw,nosuid - proc proc rw
            40 22 0:30 / /mnt/my\\040disk rw,noatime - xfs /dev/vdb rw,attr2
            """;

    @Test
    void shouldPickTheLongestMountPointHoldingThePath() throws Exception {
        Mounts.Mount m = Mounts.find(Path.of("/proc/self"), MOUNTINFO);
        assertNotNull(m);
        assertEquals("proc", m.fsType());
        assertEquals("/proc", m.mountPoint());
        assertEquals("ext4", Mounts.find(Path.of("/"), MOUNTINFO).fsType());
    }

    @Test
    void shouldUnescapeOctalSpaces() {
        assertEquals("/mnt/my disk", Mounts.unescape("/mnt/my\\040disk"));
        assertEquals("plain", Mounts.unescape("plain"));
    }
}
