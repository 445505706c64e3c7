package dev.vigil.server.cli;

import static dev.vigil.server.cli.CommandLineTest.serveConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.api.EventTimeBounds;
import dev.vigil.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every {@code vigil serve} option that sizes memory or time, at both ends of its range: the
 * value at the end reaches the configuration, one step past it is a usage error naming the
 * option and the range.
 */
class ServeOptionRangeTest {
    private static Arguments bound(String option, String taken, Function<ServerConfig, Object> read, Object value, String refused,
                                   String message) {
        return Arguments.of(option, taken, read, value, refused, option + ": " + message);
    }

    static Stream<Arguments> bounds() {
        return Stream.of(
                bound("--journal-retention", "365d", ServerConfig::journal, Duration.ofDays(365), "365d1ms",
                        "must be between 0ms and 365d, was 31536000001ms"),
                bound("--webhook-timeout", "10m", c -> c.webhooks().timeout(), Duration.ofMinutes(10), "10m1ms",
                        "must be between 1ms and 10m, was 600001ms"),
                bound("--webhook-timeout", "1ms", c -> c.webhooks().timeout(), Duration.ofMillis(1), "0s",
                        "must be between 1ms and 10m, was 0ms"),
                bound("--webhook-max-age", "30d", c -> c.webhooks().maxAge(), Duration.ofDays(30), "30d1ms",
                        "must be between 1ms and 30d, was 2592000001ms"),
                bound("--webhook-concurrency", "256", c -> c.webhooks().concurrency(), 256, "257", "must be between 1 and 256, was 257"),
                bound("--replay-job-size", "1GB", ServerConfig::replayJobBytes, 1L << 30, "1073741825",
                        "must be between 0B and 1GB, was 1073741825B"),
                bound("--replay-job-events", "10000000", ServerConfig::replayJobEvents, 10_000_000L, "10000001",
                        "must be between 0 and 10000000, was 10000001"),
                bound("--replay-sort-memory", "50000000", c -> c.input().replaySortMemory(), 50_000_000, "50000001",
                        "must be between 1000 and 50000000, was 50000001"),
                bound("--replay-sort-memory", "1000", c -> c.input().replaySortMemory(), 1_000, "999",
                        "must be between 1000 and 50000000, was 999"),
                bound("--max-body", "1GB", ServerConfig::maxBodyBytes, 1L << 30, "1025MB", "must be between 1B and 1GB, was 1025MB"),
                bound("--max-body", "1", ServerConfig::maxBodyBytes, 1L, "0", "must be between 1B and 1GB, was 0B"),
                bound("--max-events-per-request", "1000000", c -> c.input().eventsPerRequest(), 1_000_000, "1000001",
                        "must be between 1 and 1000000, was 1000001"),
                bound("--max-event-fields", "10000", c -> c.input().fieldsPerEvent(), 10_000, "10001",
                        "must be between 1 and 10000, was 10001"),
                bound("--max-string-length", "16777216", c -> c.input().stringLength(), 16_777_216, "16777217",
                        "must be between 1 and 16777216, was 16777217"),
                bound("--max-rule-set-files", "10000", c -> c.input().ruleSetFiles(), 10_000, "10001",
                        "must be between 1 and 10000, was 10001"),
                bound("--max-rule-set-size", "64MB", c -> c.input().ruleSetBytes(), 64L << 20, "65MB",
                        "must be between 1B and 64MB, was 65MB"),
                bound("--max-streams", "10000", c -> c.input().streamClients(), 10_000, "10001", "must be between 1 and 10000, was 10001"),
                bound("--rate-limit", "1000000", c -> c.input().requestsPerSecond(), 1_000_000, "1000001",
                        "must be between 0 and 1000000, was 1000001"),
                bound("--request-timeout", "1h", c -> c.input().requestTimeout(), Duration.ofHours(1), "61m",
                        "must be between 1ms and 1h, was 61m"),
                bound("--max-facts", "100000000", c -> c.rules().maxFacts(), 100_000_000L, "100000001",
                        "must be between 1 and 100000000, was 100000001"),
                bound("--max-event-time-ahead", "7d", c -> c.input().eventTimes().maxAhead(), Duration.ofDays(7), "7d1ms",
                        "must be between 1s and 7d, was 604800001ms"),
                bound("--max-event-time-ahead", "1s", c -> c.input().eventTimes().maxAhead(), Duration.ofSeconds(1), "999ms",
                        "must be between 1s and 7d, was 999ms"),
                bound("--min-event-time", "9999-12-31T23:59:59.999Z", c -> c.input().eventTimes().earliest(), EventTimeBounds.LAST,
                        "+10000-01-01T00:00:00Z", "must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, was +10000-01-01T00:00:00Z"),
                bound("--min-event-time", "1970-01-01T00:00:00Z", c -> c.input().eventTimes().earliest(), Instant.EPOCH,
                        "1969-12-31T23:59:59.999Z",
                        "must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, was 1969-12-31T23:59:59.999Z"));
    }

    @ParameterizedTest(name = "{0} {1} is taken, {4} is not")
    @MethodSource("bounds")
    void serve_takesTheEndOfEachRange_andRefusesOneStepPast(String option, String taken, Function<ServerConfig, Object> read,
                                                             Object value, String refused, String message) {
        assertThat(read.apply(serveConfig(option, taken))).isEqualTo(value);
        assertThatThrownBy(() -> serveConfig(option, refused)).isInstanceOf(CommandLine.ParameterException.class).hasMessage(message);
    }

    @Test
    void serve_eventTimeBounds_defaultToTheEpochAndAnHourAhead_andAreListed() {
        var help = new StringWriter();
        Main.commandLine(new Environment(Map.of())).setOut(new PrintWriter(help)).execute("serve", "--help");

        assertThat(serveConfig().input().eventTimes()).isEqualTo(EventTimeBounds.LIVE);
        assertThat(help.toString().replaceAll("\\s+", " ")).contains("--max-event-time-ahead", "VIGIL_MAX_EVENT_TIME_AHEAD", "default 1h", "--min-event-time",
                "VIGIL_MIN_EVENT_TIME; default 1970-01-01");
    }
}
