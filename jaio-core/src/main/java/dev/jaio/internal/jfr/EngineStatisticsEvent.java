package dev.jaio.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/** One engine's counters, every second while a recording asks for them. */
@Name("dev.jaio.EngineStatistics")
@Label("jaio Engine Statistics")
@Description("Requests in flight and the counters of one jaio engine since it was built")
@Category({"Java Application", "jaio"})
@Period("1 s")
@StackTrace(false)
public final class EngineStatisticsEvent extends jdk.jfr.Event {
    /** The engine's name. */
    @Label("Engine")
    public String engine;

    /** {@code KERNEL_AIO} or {@code THREAD_POOL}. */
    @Label("Kind")
    public String kind;

    /** Requests accepted and not finished. */
    @Label("In Flight")
    public long inFlight;

    /** Requests accepted. */
    @Label("Submitted")
    public long submitted;

    /** Requests finished successfully. */
    @Label("Completed")
    public long completed;

    /** Requests finished with an error, or aborted. */
    @Label("Failed")
    public long failed;

    /** io_submit calls made (0 on the thread-pool engine). */
    @Label("io_submit Calls")
    public long submitCalls;

    /** io_getevents calls made (0 on the thread-pool engine). */
    @Label("io_getevents Calls")
    public long getEventsCalls;

    /** An event to fill and commit. */
    public EngineStatisticsEvent() {
    }
}
