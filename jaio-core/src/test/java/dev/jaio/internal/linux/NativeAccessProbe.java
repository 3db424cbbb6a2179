package dev.jaio.internal.linux;

import dev.jaio.NativeFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A child JVM's main for {@link NativeAccessHintTest}: makes jaio's first native calls and prints {@code ok}. */
public final class NativeAccessProbe {
    private NativeAccessProbe() {
    }

    /**
     * Opens {@code args[0]} with jaio and prints {@code ok SIZE}.
     *
     * @param args the file
     * @throws Exception if jaio fails
     */
    public static void main(String[] args) throws Exception {
        Path p = Path.of(args[0]);
        Files.write(p, new byte[4096]);
        try (NativeFile f = NativeFile.open(p, StandardOpenOption.READ)) {
            System.out.println("ok " + f.size());
        }
    }
}
