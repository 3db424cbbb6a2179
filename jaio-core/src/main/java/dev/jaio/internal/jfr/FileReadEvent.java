package dev.jaio.internal.jfr;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Threshold;

/** A read through jaio, like the JDK's {@code jdk.FileRead}, with its threshold in {@code default.jfc}. */
@Name("dev.jaio.FileRead")
@Label("jaio File Read")
@Description("Reading data from a file through jaio, from issue to completion")
@Threshold("1 ms")
public final class FileReadEvent extends FileIoEvent {
    /** Bytes read; 0 at or past the end of the file. */
    @Label("Bytes Read")
    @DataAmount
    public long bytesRead;

    /** Whether the read started at or past the end of the file and read nothing. */
    @Label("End of File")
    public boolean endOfFile;

    /** An event to {@code begin()}. */
    public FileReadEvent() {
    }
}
