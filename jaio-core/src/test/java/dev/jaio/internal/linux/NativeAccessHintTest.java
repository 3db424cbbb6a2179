package dev.jaio.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a JVM without {@code --enable-native-access} prints: the JDK's warning, and jaio's hint naming the flag. */
class NativeAccessHintTest {
    @TempDir
    Path dir;

    private ChildJvm.Result run(String... jvmOptions) throws IOException, InterruptedException {
        return ChildJvm.of(NativeAccessProbe.class, dir.resolve("f").toString()).withoutNativeAccess()
                .jvmOptions("-XX:-UsePerfData", "-XX:TieredStopAtLevel=1").jvmOptions(jvmOptions)
                .timeout(Duration.ofSeconds(120)).run();
    }

    @Test
    @Timeout(180)
    void shouldPrintOneLineNamingTheFlagWhenNativeAccessIsNotEnabled() throws Exception {
        ChildJvm.Result c = run();
        assertEquals(0, c.exitCode(), c.stderr());
        assertEquals("ok 4096", c.stdout().strip());
        List<String> hints = c.stderr().lines().filter(l -> l.startsWith("WARNING: jaio needs native access")).toList();
        assertEquals(1, hints.size(), c.stderr());
        assertTrue(hints.getFirst().contains("add --enable-native-access=ALL-UNNAMED to the java command"), c.stderr());
        // JDK 25's own warning, which this hint accompanies.
        assertTrue(c.stderr().contains("WARNING: A restricted method in java.lang.foreign.Linker has been called"), c.stderr());
    }

    @Test
    @Timeout(180)
    void shouldBeSilentWhenNativeAccessIsEnabled() throws Exception {
        ChildJvm.Result c = run("--enable-native-access=ALL-UNNAMED");
        assertEquals(0, c.exitCode(), c.stderr());
        assertEquals("ok 4096", c.stdout().strip());
        assertFalse(c.stderr().contains("WARNING"), c.stderr());
    }

    @Test
    void shouldHaveNoHintInThisJvmWhichEnablesNativeAccess() {
        assertNull(NativeAccessHint.message(NativeAccessHint.class.getModule()));
        assertFalse(Native.NATIVE_ACCESS_HINTED);
    }
}
