package dev.jaio.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader of fio's {@code --output-format=json} for tests, on Jackson's tree model: it takes from each
 * job the fields that tools reading fio's JSON use (job name and options, per direction {@code iops},
 * {@code bw}, {@code io_bytes}, {@code runtime}, {@code total_ios}, {@code clat_ns} and {@code lat_ns}
 * with percentiles, and {@code usr_cpu}, {@code sys_cpu}, {@code ctx}), and fails naming the first one
 * missing or of the wrong type. The same reader is used on fio's own output and on jaio's.
 */
public final class FioJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * One direction of a job.
     *
     * @param iops        requests per second
     * @param bwKiB       bandwidth, KiB/s
     * @param ioBytes     bytes moved
     * @param runtimeMs   the direction's runtime, milliseconds
     * @param totalIos    requests completed
     * @param clatMeanNs  mean completion latency, nanoseconds
     * @param clatN       how many latencies {@code clat_ns} holds
     * @param percentiles {@code clat_ns.percentile}, by fio's key ({@code "99.000000"}), nanoseconds; empty
     *                    when nothing ran
     * @param latMeanNs   mean total latency, nanoseconds
     */
    public record Direction(double iops, long bwKiB, long ioBytes, long runtimeMs, long totalIos, double clatMeanNs,
                            long clatN, Map<String, Long> percentiles, double latMeanNs) {
    }

    /**
     * One job.
     *
     * @param jobname the job's name
     * @param options {@code job options}, as fio writes them (strings)
     * @param read    its reads
     * @param write   its writes
     * @param usrCpu  user CPU, percent
     * @param sysCpu  system CPU, percent
     * @param ctx     context switches
     */
    public record Job(String jobname, Map<String, String> options, Direction read, Direction write, double usrCpu,
                      double sysCpu, long ctx) {
    }

    /**
     * A whole document.
     *
     * @param fioVersion the {@code fio version} field ({@code fio-3.33}, {@code jaio-0.1.0})
     * @param timestamp  seconds since the epoch
     * @param jobs       the jobs
     */
    public record Report(String fioVersion, long timestamp, List<Job> jobs) {
    }

    private FioJson() {
    }

    /**
     * Reads a document.
     *
     * @param json the text
     * @return what it says
     * @throws IOException              if it is not JSON
     * @throws IllegalArgumentException naming the first field fio tools read that is missing or mistyped
     */
    public static Report read(String json) throws IOException {
        return report(MAPPER.readTree(json));
    }

    /**
     * The tree of a document, for fields the reader does not take.
     *
     * @param json the text
     * @return the root node
     * @throws IOException if it is not JSON
     */
    public static JsonNode tree(String json) throws IOException {
        return MAPPER.readTree(json);
    }

    private static Report report(JsonNode root) {
        List<Job> jobs = new ArrayList<>();
        for (JsonNode j : array(root, "jobs")) {
            Map<String, String> options = new LinkedHashMap<>();
            object(j, "job options").properties().forEach(e -> options.put(e.getKey(), e.getValue().asText()));
            jobs.add(new Job(text(j, "jobname"), options, direction(object(j, "read")), direction(object(j, "write")),
                    number(j, "usr_cpu"), number(j, "sys_cpu"), integer(j, "ctx")));
        }
        return new Report(text(root, "fio version"), integer(root, "timestamp"), jobs);
    }

    private static Direction direction(JsonNode d) {
        JsonNode clat = object(d, "clat_ns");
        Map<String, Long> percentiles = new LinkedHashMap<>();
        JsonNode p = clat.get("percentile");
        if (p != null) {
            p.properties().forEach(e -> percentiles.put(e.getKey(), e.getValue().asLong()));
        }
        return new Direction(number(d, "iops"), integer(d, "bw"), integer(d, "io_bytes"), integer(d, "runtime"),
                integer(d, "total_ios"), number(clat, "mean"), integer(clat, "N"), percentiles,
                number(object(d, "lat_ns"), "mean"));
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null) {
            throw new IllegalArgumentException("fio JSON has no field " + name);
        }
        return v;
    }

    private static JsonNode object(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isObject()) {
            throw new IllegalArgumentException("fio JSON field is not an object: " + name + "=" + v);
        }
        return v;
    }

    private static JsonNode array(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isArray()) {
            throw new IllegalArgumentException("fio JSON field is not an array: " + name + "=" + v);
        }
        return v;
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("fio JSON field is not a string: " + name + "=" + v);
        }
        return v.asText();
    }

    private static double number(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isNumber()) {
            throw new IllegalArgumentException("fio JSON field is not a number: " + name + "=" + v);
        }
        return v.asDouble();
    }

    private static long integer(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isIntegralNumber()) {
            throw new IllegalArgumentException("fio JSON field is not an integer: " + name + "=" + v);
        }
        return v.asLong();
    }
}
