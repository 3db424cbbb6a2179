package dev.jaio.nio;

import dev.jaio.internal.concurrent.DaemonThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Where completion handlers of a channel opened without an executor run: a cached thread pool made as the
 * JDK makes its default group for {@link java.nio.channels.AsynchronousFileChannel}, honouring the same
 * system properties, read once when the first such channel is opened.
 *
 * <ul>
 *   <li>{@value #THREAD_FACTORY}: the class name of a {@link ThreadFactory} with a public no-argument
 *       constructor, loaded through the system class loader; a class that cannot be loaded or made throws
 *       an {@link Error} wrapping the cause, as the JDK does.</li>
 *   <li>{@value #INITIAL_SIZE}: an integer (a value that is not one throws an {@link Error} with the
 *       JDK's text). The JDK's file channels never start threads ahead of need, and neither does this
 *       group; the value is validated, not used.</li>
 * </ul>
 * Without a factory, threads are daemon threads named {@code jaio-nio-handler-N} (the JDK's are named by
 * its internal {@code InnocuousThread}).
 *
 * <p>As with the JDK's default group, the {@link Error} is thrown by the first open without an executor,
 * and later ones get {@link NoClassDefFoundError}.
 */
final class DefaultGroup {
    static final String THREAD_FACTORY = "java.nio.channels.DefaultThreadPool.threadFactory";
    static final String INITIAL_SIZE = "java.nio.channels.DefaultThreadPool.initialSize";

    private DefaultGroup() {
    }

    private static final class Holder {
        static final ExecutorService EXECUTOR = create();
    }

    /** The group's executor, made on first use. */
    static ExecutorService executor() {
        return Holder.EXECUTOR;
    }

    private static ExecutorService create() {
        initialSize();
        ThreadFactory factory = threadFactory();
        return Executors.newCachedThreadPool(factory != null ? factory : DaemonThreads.factory("jaio-nio-handler"));
    }

    private static int initialSize() {
        String value = System.getProperty(INITIAL_SIZE);
        if (value == null) {
            return -1;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new Error("Value of property '" + INITIAL_SIZE + "' is invalid: " + e);
        }
    }

    private static ThreadFactory threadFactory() {
        String name = System.getProperty(THREAD_FACTORY);
        if (name == null) {
            return null;
        }
        try {
            // Class.newInstance, as the JDK uses, so that the same failures give the same errors.
            @SuppressWarnings("deprecation")
            Object factory = Class.forName(name, true, ClassLoader.getSystemClassLoader()).newInstance();
            return (ThreadFactory) factory;
        } catch (ClassNotFoundException | InstantiationException | IllegalAccessException e) {
            throw new Error(e);
        }
    }
}
