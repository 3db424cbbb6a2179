package dev.jaio.cli.bench;

/**
 * {@code --ioengine=aio}: jaio's engine. Waits for {@code AioEngine} and {@code AsyncFile} in jaio-core;
 * until they are there it says so.
 */
final class AioBenchEngine implements BenchEngine {
    @Override
    public void run(JobContext job) {
        throw new UnsupportedOperationException(
                "ioengine=aio needs jaio's AioEngine, which this build does not have yet; try --ioengine=aio-raw");
    }
}
