package dev.jaio.internal.jfr;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Threshold;

/** A write through jaio, like the JDK's {@code jdk.FileWrite}, with its threshold in {@code default.jfc}. */
@Name("dev.jaio.FileWrite")
@Label("jaio File Write")
@Description("Writing data to a file through jaio, from issue to completion")
@Threshold("1 ms")
public final class FileWriteEvent extends FileIoEvent {
    /** Bytes written. */
    @Label("Bytes Written")
    @DataAmount
    public long bytesWritten;

    /** An event to {@code begin()}. */
    public FileWriteEvent() {
    }
}
