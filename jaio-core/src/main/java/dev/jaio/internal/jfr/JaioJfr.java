package dev.jaio.internal.jfr;

import dev.jaio.internal.engine.IoOp;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

/**
 * The one place jaio emits its Flight Recorder events from. A request calls {@link #begin} when it is
 * issued and {@link #end} when it completes; {@code begin} returns null unless a recording has the
 * request's event enabled, so with JFR off a request costs one flag check at issue and one null check at
 * completion. Engines {@link #register} themselves for the periodic {@code dev.jaio.EngineStatistics}.
 *
 * <p>The event classes are not loaded before Flight Recorder is initialized (by a recording, at startup
 * or later through {@code jcmd}): loading the first event class of a JVM sets up JFR's instrumentation,
 * which took half a second here, and a program that never records should not pay it.
 */
public final class JaioJfr {
    /** The engines the periodic event reports on, held weakly so that an engine dropped unclosed is still collected. */
    private static final ConcurrentLinkedQueue<Source<?>> ENGINES = new ConcurrentLinkedQueue<>();

    static {
        // Called at once if Flight Recorder is already initialized, else when it is.
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                FlightRecorder.addPeriodicEvent(EngineStatisticsEvent.class, Events::emitStatistics);
            }
        });
    }

    private JaioJfr() {
    }

    /**
     * One engine's counters for the periodic event.
     *
     * @param name           the engine's name
     * @param kind           {@code KERNEL_AIO} or {@code THREAD_POOL}
     * @param inFlight       requests accepted and not finished
     * @param submitted      requests accepted
     * @param completed      requests finished successfully
     * @param failed         requests finished with an error or aborted
     * @param submitCalls    io_submit calls
     * @param getEventsCalls io_getevents calls
     */
    public record EngineSnapshot(String name, String kind, long inFlight, long submitted, long completed, long failed,
                                 long submitCalls, long getEventsCalls) {
    }

    private record Source<T>(WeakReference<T> owner, Function<? super T, EngineSnapshot> snapshot) {
        EngineSnapshot take() {
            T o = owner.get();
            return o == null ? null : snapshot.apply(o);
        }
    }

    /**
     * Begins the event for a request of kind {@code op} (a read, write or force event, as
     * {@link IoOp#direction()} says), if a recording has it enabled.
     *
     * @param op the request's operation
     * @return the begun event, or null when its event is not enabled
     */
    public static FileIoEvent begin(IoOp op) {
        return FlightRecorder.isInitialized() ? Events.begin(op) : null;
    }

    /**
     * Ends {@code event} at a request's completion and commits it if it lasted at least its threshold.
     *
     * @param event    what {@link #begin} returned; nothing happens when it is null
     * @param path     the file's path
     * @param position where the request started in the file, -1 for a flush
     * @param bytes    bytes transferred (0 when it failed)
     * @param error    the errno's name when it failed, else null
     * @param engine   the engine's kind
     */
    public static void end(FileIoEvent event, Path path, long position, long bytes, String error, Enum<?> engine) {
        if (event != null) {
            Events.end(event, path, position, bytes, error, engine);
        }
    }

    /**
     * Adds an engine to the periodic {@code dev.jaio.EngineStatistics} event until it is
     * {@linkplain #unregister unregistered} or collected.
     *
     * @param owner    the engine, held weakly
     * @param snapshot reads its counters; must not hold the owner strongly (a method reference is fine)
     * @param <T>      the engine's type
     */
    public static <T> void register(T owner, Function<? super T, EngineSnapshot> snapshot) {
        ENGINES.removeIf(s -> s.owner().get() == null);
        ENGINES.add(new Source<>(new WeakReference<>(owner), snapshot));
    }

    /**
     * Removes an engine from the periodic event, when it closes.
     *
     * @param owner the engine given to {@link #register}
     */
    public static void unregister(Object owner) {
        ENGINES.removeIf(s -> s.owner().get() == null || s.owner().get() == owner);
    }

    /**
     * Everything that touches an event class. The verifier loads a class when it checks an assignment
     * to one of its supertypes or a call of an inherited method, so such code lives here, loaded only
     * once Flight Recorder is initialized, and not in {@link JaioJfr}, which every request calls.
     */
    private static final class Events {
        // Probes whose isEnabled() reads each event class's switch, which JFR flips when a recording starts.
        private static final FileReadEvent READ = new FileReadEvent();
        private static final FileWriteEvent WRITE = new FileWriteEvent();
        private static final FileForceEvent FORCE = new FileForceEvent();

        static FileIoEvent begin(IoOp op) {
            FileIoEvent e = switch (op.direction()) {
                case READ -> READ.isEnabled() ? new FileReadEvent() : null;
                case WRITE -> WRITE.isEnabled() ? new FileWriteEvent() : null;
                case FORCE -> {
                    if (!FORCE.isEnabled()) {
                        yield null;
                    }
                    FileForceEvent f = new FileForceEvent();
                    f.metaData = op.syncsMetadata();
                    yield f;
                }
                case ALLOCATE -> null; // no event: fallocate moves no data and forces nothing
            };
            if (e != null) {
                e.begin();
            }
            return e;
        }

        static void end(FileIoEvent event, Path path, long position, long bytes, String error, Enum<?> engine) {
            event.end();
            if (!event.shouldCommit()) {
                return;
            }
            event.path = String.valueOf(path);
            event.position = position;
            event.engine = engine.name();
            event.error = error;
            if (event instanceof FileReadEvent r) {
                r.bytesRead = Math.max(0, bytes);
                r.endOfFile = error == null && bytes == 0;
            } else if (event instanceof FileWriteEvent w) {
                w.bytesWritten = Math.max(0, bytes);
            }
            event.commit();
        }

        static void emitStatistics() {
            for (Iterator<Source<?>> it = ENGINES.iterator(); it.hasNext(); ) {
                EngineSnapshot s = it.next().take();
                if (s == null) {
                    it.remove();
                    continue;
                }
                EngineStatisticsEvent e = new EngineStatisticsEvent();
                e.engine = s.name();
                e.kind = s.kind();
                e.inFlight = s.inFlight();
                e.submitted = s.submitted();
                e.completed = s.completed();
                e.failed = s.failed();
                e.submitCalls = s.submitCalls();
                e.getEventsCalls = s.getEventsCalls();
                e.commit();
            }
        }
    }
}
