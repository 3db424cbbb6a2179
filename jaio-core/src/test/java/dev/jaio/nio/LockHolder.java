package dev.jaio.nio;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child process that holds an exclusive lock on {@code args[0]} from {@code args[1]} for {@code args[2]}
 * bytes, prints "locked", and keeps it until its standard input ends.
 */
public final class LockHolder {
    private LockHolder() {
    }

    /** Runs the holder. */
    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = ch.lock(Long.parseLong(args[1]), Long.parseLong(args[2]), false)) {
            System.out.println("locked " + lock);
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the parent closes our stdin
            }
        }
    }
}
