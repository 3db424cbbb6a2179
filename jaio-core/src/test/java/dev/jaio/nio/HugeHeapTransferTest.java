package dev.jaio.nio;

import dev.jaio.testing.ChildJvm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A heap transfer much larger than {@code -XX:MaxDirectMemorySize} (3 x 128 MiB under 32 MiB) completes
 * through jaio's channels with the JDK's counts, and close() then returns: jaio stages heap memory in
 * bounded chunks (the JDK's temporary buffers are not counted against the limit either), and a failure
 * while staging would release the channel rather than leave close() waiting.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class HugeHeapTransferTest {
    @TempDir
    Path dir;

    private List<String> run(String impl) throws Exception {
        try (ChildJvm.Running child = ChildJvm.of(HugeHeapTransferProbe.class, impl, dir.toString(), "128", "3")
                .sameEngine().jvmOptions("-XX:MaxDirectMemorySize=32m", "-Xmx800m").start()) {
            String out = child.readAll();
            System.out.println(impl + ":\n" + out);
            return out.lines().filter(l -> !l.startsWith("WARNING")).toList();
        }
    }

    @Test
    void shouldTransferHugeHeapBuffersAsTheJdkDoesAndStillClose() throws Exception {
        List<String> jdk = run("JDK");
        List<String> jaio = run("JAIO");
        assertEquals(jdk, jaio);
        assertTrue(jaio.contains("close: returned") && jaio.contains("async close: returned"), jaio.toString());
        assertTrue(jaio.get(0).contains("data=same"), jaio.toString());
    }
}
