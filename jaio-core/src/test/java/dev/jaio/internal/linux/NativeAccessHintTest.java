package dev.jaio.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a JVM without {@code --enable-native-access} prints: the JDK's warning, and jaio's hint naming the flag. */
class NativeAccessHintTest {
    @TempDir
    Path dir;

    private record Child(int exit, String out, String err) {
    }

    private Child run(String... jvmOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-XX:-UsePerfData", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NativeAccessProbe.class.getName(),
                dir.resolve("f").toString()));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM finished: " + cmd);
        return new Child(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(180)
    void shouldPrintOneLineNamingTheFlagWhenNativeAccessIsNotEnabled() throws Exception {
        Child c = run();
        assertEquals(0, c.exit(), c.err());
        assertEquals("ok 4096", c.out().strip());
        List<String> hints = c.err().lines().filter(l -> l.startsWith("WARNING: jaio needs native access")).toList();
        assertEquals(1, hints.size(), c.err());
        assertTrue(hints.getFirst().contains("add --enable-native-access=ALL-UNNAMED to the java command"), c.err());
        // JDK 25's own warning, which this hint accompanies.
        assertTrue(c.err().contains("WARNING: A restricted method in java.lang.foreign.Linker has been called"), c.err());
    }

    @Test
    @Timeout(180)
    void shouldBeSilentWhenNativeAccessIsEnabled() throws Exception {
        Child c = run("--enable-native-access=ALL-UNNAMED");
        assertEquals(0, c.exit(), c.err());
        assertEquals("ok 4096", c.out().strip());
        assertFalse(c.err().contains("WARNING"), c.err());
    }

    @Test
    void shouldHaveNoHintInThisJvmWhichEnablesNativeAccess() {
        assertNull(NativeAccessHint.message(NativeAccessHint.class.getModule()));
        assertFalse(Native.NATIVE_ACCESS_HINTED);
    }
}
