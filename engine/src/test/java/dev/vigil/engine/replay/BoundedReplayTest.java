package dev.vigil.engine.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Memory stays bounded by the rules' windows, not by the size of the input. */
class BoundedReplayTest {
    @Test
    void twoMillionEvents_replayWithA256MbHeap() throws Exception {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var process = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                BoundedReplayMain.class.getName(), "2000000").redirectErrorStream(true).start();

        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("events 2000000 alerts [1-9]\\d+");
    }
}
