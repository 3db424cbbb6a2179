/**
 * jaio: Linux kernel asynchronous I/O for Java, on the Foreign Function and Memory API.
 *
 * <p>Applications must allow native access to this module: {@code --enable-native-access=dev.jaio}
 * on the module path, or {@code --enable-native-access=ALL-UNNAMED} on the class path.
 */
module dev.jaio {
    exports dev.jaio;
    exports dev.jaio.nio;
    exports dev.jaio.uring;
}
