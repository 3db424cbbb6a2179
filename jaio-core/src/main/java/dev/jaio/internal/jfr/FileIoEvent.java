package dev.jaio.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Label;
import jdk.jfr.StackTrace;

/**
 * What jaio's file events share: the file, the position and the engine. The event's duration runs from
 * the call that issued the request to its completion; its thread is the one that completed it (an event
 * loop, or a blocking thread), since the stack of the caller that issued it is gone by then.
 */
@Category({"Java Application", "jaio"})
@StackTrace(false)
public abstract class FileIoEvent extends jdk.jfr.Event {
    /** The file's path, as it was opened. */
    @Label("Path")
    public String path;

    /** Where in the file the request started, in bytes; -1 for a flush. */
    @Label("Position")
    public long position;

    /** The engine that ran the request: {@code KERNEL_AIO} or {@code THREAD_POOL}. */
    @Label("Engine")
    public String engine;

    /** The errno's name when the request failed ({@code EIO}, {@code ENOSPC}); null when it succeeded. */
    @Label("Error")
    public String error;

    /** For subclasses. */
    FileIoEvent() {
    }
}
