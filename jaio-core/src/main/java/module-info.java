/**
 * jaio: Linux kernel asynchronous I/O for Java, on the Foreign Function and Memory API.
 *
 * <p>Applications must allow native access to this module: {@code --enable-native-access=dev.jaio}
 * on the module path, or {@code --enable-native-access=ALL-UNNAMED} on the class path.
 */
module dev.jaio {
    exports dev.jaio;
    exports dev.jaio.aio;
    exports dev.jaio.nio;
    exports dev.jaio.uring;

    // Flight Recorder events (dev.jaio.FileRead, FileWrite, FileForce, EngineStatistics). Not static: jdk.jfr
    // is in every JDK image, and a module read only statically would not be resolved on the module path
    // unless the application added it, so recordings started later (jcmd JFR.start) would miss jaio.
    requires jdk.jfr;

    exports dev.jaio.internal.jfr to jdk.jfr;
}
