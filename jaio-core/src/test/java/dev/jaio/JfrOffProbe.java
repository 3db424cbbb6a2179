package dev.jaio;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A child JVM's main for {@link AsyncFileJfrTest}: reads and writes through AsyncFile with no recording. */
public final class JfrOffProbe {
    private JfrOffProbe() {
    }

    /**
     * Writes and reads back {@code args[0]}, then prints {@code ok}.
     *
     * @param args the file
     * @throws Exception if jaio fails
     */
    public static void main(String[] args) throws Exception {
        Path p = Path.of(args[0]);
        Files.write(p, new byte[8192]);
        try (AsyncFile f = AsyncFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            f.write(ByteBuffer.allocate(4096), 0).join();
            f.force(false).join();
            System.out.println("ok " + f.read(ByteBuffer.allocate(4096), 4096).join());
        }
    }
}
