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
 * Handlers of a channel opened without an executor run where the JDK's run: on a group that honours
 * {@code java.nio.channels.DefaultThreadPool.threadFactory} and {@code .initialSize}, each in a child JVM
 * (the properties are read once), compared line by line between the JDK's channel and jaio's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DefaultGroupTest {
    @TempDir
    Path dir;

    private List<String> run(List<String> properties, String command) throws Exception {
        try (ChildJvm.Running child = ChildJvm.of(DefaultGroupProbe.class, command, dir.toString()).sameEngine()
                .jvmOptions(properties).start()) {
            String out = child.readAll();
            System.out.println(properties + " " + command + ":\n" + out);
            List<String> lines = out.lines().filter(l -> l.startsWith("JDK ") || l.startsWith("JAIO ")).toList();
            assertEquals(2, lines.size(), out);
            return lines;
        }
    }

    private static void assertSameAfterTheName(List<String> lines) {
        assertEquals(lines.get(0).substring("JDK ".length()), lines.get(1).substring("JAIO ".length()),
                "the JDK's channel and jaio's: " + lines);
    }

    @Test
    void shouldRunHandlersOnThreadsOfTheConfiguredFactory() throws Exception {
        List<String> lines = run(List.of("-Djava.nio.channels.DefaultThreadPool.threadFactory="
                + DefaultGroupProbe.Factory.class.getName(), "-Djava.nio.channels.DefaultThreadPool.initialSize=1"),
                "handler");
        assertSameAfterTheName(lines);
        assertTrue(lines.get(1).contains("thread=probe-factory-thread daemon=true"), lines.toString());
    }

    @Test
    void shouldRunHandlersOnDaemonThreadsWithoutAFactory() throws Exception {
        List<String> lines = run(List.of(), "handler");
        // Thread names differ (the JDK's are InnocuousThread-N, jaio's jaio-nio-handler-N, as documented).
        for (String l : lines) {
            assertTrue(l.contains("n=10 thread=") && l.endsWith("daemon=true"), l);
        }
    }

    @Test
    void shouldFailTheFirstOpensAsTheJdkDoesForAnInvalidInitialSize() throws Exception {
        List<String> lines = run(List.of("-Djava.nio.channels.DefaultThreadPool.initialSize=many"), "open");
        assertSameAfterTheName(lines);
        assertTrue(lines.get(1).startsWith("JAIO threw=java.lang.Error message=Value of property "
                + "'java.nio.channels.DefaultThreadPool.initialSize' is invalid: java.lang.NumberFormatException"),
                lines.toString());
        assertTrue(lines.get(1).endsWith("threw=java.lang.NoClassDefFoundError"), "later opens: " + lines);
    }

    @Test
    void shouldFailTheFirstOpensAsTheJdkDoesForAFactoryThatCannotBeLoaded() throws Exception {
        List<String> lines = run(List.of("-Djava.nio.channels.DefaultThreadPool.threadFactory=no.such.Factory"),
                "open");
        assertSameAfterTheName(lines);
        assertTrue(lines.get(1).contains("threw=java.lang.Error message=java.lang.ClassNotFoundException: "
                + "no.such.Factory"), lines.toString());
    }
}
