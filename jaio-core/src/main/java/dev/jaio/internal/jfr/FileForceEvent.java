package dev.jaio.internal.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Threshold;

/** A flush through jaio (FSYNC or FDSYNC), like the JDK's {@code jdk.FileForce}, with its default.jfc threshold. */
@Name("dev.jaio.FileForce")
@Label("jaio File Force")
@Description("Forcing a file's data (and with metaData its metadata) to storage through jaio, from issue to completion")
@Threshold("20 ms")
public final class FileForceEvent extends FileIoEvent {
    /** Whether metadata was forced too (FSYNC rather than FDSYNC). */
    @Label("Update Metadata")
    public boolean metaData;

    /** An event to {@code begin()}. */
    public FileForceEvent() {
    }
}
