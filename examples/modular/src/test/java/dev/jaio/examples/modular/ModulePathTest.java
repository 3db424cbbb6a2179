package dev.jaio.examples.modular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.AsyncFile;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link ModularApp} in child JVMs on the module path: its own module and {@code dev.jaio} (built by
 * this reactor, as a jar or as classes), nothing on the class path.
 */
class ModulePathTest {
    private static final String MAIN = "dev.jaio.examples.modular/" + ModularApp.class.getName();

    @TempDir
    Path dir;

    private record Child(int exit, String out, String err) {
    }

    private static Path locationOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Child run(String... jvmOptions) throws IOException, InterruptedException {
        Path app = locationOf(ModularApp.class);
        Path jaio = locationOf(AsyncFile.class);
        // Both are modules with descriptors, not automatic ones: the module path is what they declare.
        assertTrue(ModuleFinder.of(jaio).find("dev.jaio").orElseThrow().descriptor().exports().stream()
                .anyMatch(e -> e.source().equals("dev.jaio.nio")), "dev.jaio exports dev.jaio.nio: " + jaio);
        assertFalse(ModuleFinder.of(app).find("dev.jaio.examples.modular").orElseThrow().descriptor().isAutomatic());
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-XX:-UsePerfData", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-p", app + ":" + jaio, "-m", MAIN, dir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("CLASSPATH");
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM finished: " + cmd);
        return new Child(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(180)
    void shouldReadAndWriteThroughAsyncFileOnTheModulePath() throws Exception {
        Child c = run("--enable-native-access=dev.jaio");
        assertEquals(0, c.exit(), c.err());
        List<String> lines = c.out().lines().toList();
        assertEquals("module=dev.jaio app=dev.jaio.examples.modular nativeAccess=true", lines.get(0));
        assertTrue(lines.get(1).startsWith("asyncfile written=16384 read=16384 equal=true engine="), c.out());
        assertTrue(lines.get(2).startsWith("nio written=16384 read=16384 equal=true channel="), c.out());
        assertFalse(c.err().contains("WARNING"), "no native-access warning with the flag: " + c.err());
    }

    @Test
    @Timeout(180)
    void shouldServeAsynchronousFileChannelThroughJaiosProviderOnTheModulePath() throws Exception {
        Child c = run("--enable-native-access=dev.jaio",
                "-Djava.nio.file.spi.DefaultFileSystemProvider=dev.jaio.nio.JaioFileSystemProvider");
        assertEquals(0, c.exit(), c.err());
        String nio = c.out().lines().filter(l -> l.startsWith("nio ")).findFirst().orElseThrow();
        assertEquals("nio written=16384 read=16384 equal=true channel=dev.jaio.nio.AioAsynchronousFileChannel "
                + "provider=dev.jaio.nio.JaioFileSystemProvider", nio);
        assertFalse(c.err().contains("WARNING"), c.err());
    }

    @Test
    @Timeout(240)
    void shouldRecordJaiosFlightRecorderEventsOnTheModulePath() throws Exception {
        Path jfr = dir.resolve("app.jfr");
        Child c = run("--enable-native-access=dev.jaio", "-XX:StartFlightRecording:filename=" + jfr
                + ",+dev.jaio.FileRead#threshold=0ms,+dev.jaio.FileWrite#threshold=0ms");
        assertEquals(0, c.exit(), c.err());
        // The command the README shows, on the recording the application left.
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jfr").toString(), "print",
                "--events", "dev.jaio.FileRead", jfr.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "jfr print finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("dev.jaio.FileRead {"), out);
        assertTrue(out.contains("path = \"" + dir.resolve("async.dat") + "\""), out);
        assertTrue(out.contains("bytesRead = 16.0 kB") && out.contains("engine = \""), out);
    }

    @Test
    @Timeout(180)
    void shouldNameTheModuleFlagWhenNativeAccessIsNotEnabled() throws Exception {
        Child c = run();
        assertEquals(0, c.exit(), "JDK 25 warns and goes on: " + c.err());
        assertTrue(c.out().startsWith("module=dev.jaio app=dev.jaio.examples.modular nativeAccess=false"), c.out());
        List<String> hints = c.err().lines().filter(l -> l.startsWith("WARNING: jaio needs native access")).toList();
        assertEquals(1, hints.size(), c.err());
        assertTrue(hints.getFirst().contains("not enabled for module dev.jaio: add --enable-native-access=dev.jaio"),
                hints.getFirst());
        assertTrue(c.err().contains("WARNING: A restricted method in java.lang.foreign.Linker has been called"), c.err());
    }
}
