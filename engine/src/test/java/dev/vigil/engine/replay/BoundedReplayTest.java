package dev.vigil.engine.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays bounded by the rules' windows, not by the size of the input: a million
 * transactions (4 ms apart on 10,000 accounts, 67 minutes of event time) replay in 256 MB. Slow: it
 * runs in {@code mvn verify}, not in {@code mvn test}.
 */
@Tag("slow")
class BoundedReplayTest {
    @TempDir
    Path work;

    @Test
    void aMillionEvents_replayWithA256MbHeap() throws Exception {
        var log = work.resolve("replay.log");
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var process = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                BoundedReplayMain.class.getName(), "1000000", "10000", "4").redirectErrorStream(true).redirectOutput(log.toFile()).start();

        boolean ended = process.waitFor(10, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        var output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("ended within 10 minutes: %s", output).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("events 1000000 alerts [1-9]\\d+");
    }
}
