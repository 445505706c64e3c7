package dev.vigil.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The samples' commands answer bad input with one line naming the problem and exit code 2, and read a NAB checkout as it is. */
class SamplesCommandLineTest {
    /** The six NAB files kept for the monitoring sample, as one folder with combined_windows.json. */
    private static final Path SHARED_NAB = Path.of("..", "..", "shared", "data", "nab");

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var line = Samples.commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void fraudGenerate_tooFewDays_isOneLineNamingTheOption_andWritesNothing() {
        var out = dir.resolve("data");

        var run = run("fraud", "generate", "--days", "5", "--out", out.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("samples/run fraud generate: --days 5: generate at least 7 days (fraud starts after the first few days)"
                + System.lineSeparator());
        assertThat(out).doesNotExist();
    }

    @Test
    void fraudScore_withoutLabels_saysWhereItLookedAndHowToMakeThem() throws IOException {
        var alerts = Files.writeString(dir.resolve("alerts.ndjson"), "");
        var labels = dir.resolve("labels.ndjson");

        var run = run("fraud", "score", "--alerts", alerts.toString(), "--labels", labels.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("samples/run fraud score: no labels at " + labels + ": give --labels FILE, or generate them with"
                + " the events: samples/run fraud generate" + System.lineSeparator());
    }

    @Test
    void fraudScore_aLabelWithoutItsCase_isRefusedAtItsLine() throws IOException {
        var alerts = Files.writeString(dir.resolve("alerts.ndjson"), "");
        var labels = Files.writeString(dir.resolve("labels.ndjson"), """
                {"transactionId": "t1", "cardId": "c1", "case": "k1", "kind": "stolen", "time": 1}

                {"transactionId": "t2", "cardId": "c1", "kind": "stolen", "time": 2}
                """);

        var run = run("fraud", "score", "--alerts", alerts.toString(), "--labels", labels.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("samples/run fraud score: " + labels + " line 3: a label (transactionId, cardId, case, kind, time)"
                + " needs case" + System.lineSeparator());
    }

    @Test
    void monitoringScore_alertsThatAreNotJson_isRefusedAtTheirLine() throws IOException {
        var labels = Files.writeString(dir.resolve("labels.ndjson"), "");
        var alerts = Files.writeString(dir.resolve("alerts.ndjson"), "{\"rule\": \"cpu\"\n");

        var run = run("monitoring", "score", "--alerts", alerts.toString(), "--labels", labels.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("samples/run monitoring score: " + alerts + " line 1: not JSON: ").doesNotContain("\tat ");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void nab_aCheckoutAsItIs_isConverted() throws IOException {
        var checkout = dir.resolve("NAB");
        Files.createDirectories(checkout.resolve("data/realKnownCause"));
        Files.createDirectories(checkout.resolve("labels"));
        Files.writeString(checkout.resolve("data/realKnownCause/machine_temperature_system_failure.csv"), """
                timestamp,value
                2013-12-02 21:15:00,73.96
                2013-12-02 21:20:00,74.94
                """);
        Files.writeString(checkout.resolve("labels/combined_windows.json"), """
                {"realKnownCause/machine_temperature_system_failure.csv": [["2013-12-02 21:15:00.000000", "2013-12-02 21:20:00.000000"]],
                 "realKnownCause/other.csv": []}
                """);
        var out = dir.resolve("out");

        var run = run("monitoring", "nab", "--nab", checkout.toString(), "--out", out.toString());

        assertThat(run.err()).isEmpty();
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("machine_temperature_system_failure: 2 readings" + System.lineSeparator());
        assertThat(Files.readAllLines(out.resolve("machine_temperature_system_failure.ndjson"))).hasSize(2)
                .first().asString().contains("\"name\":\"temperature\"", "\"time\":\"2013-12-02T21:15:00Z\"");
        assertThat(Files.readString(out.resolve("labels.ndjson"), StandardCharsets.UTF_8))
                .contains("\"host\":\"machine_temperature_system_failure\"", "\"start\":\"2013-12-02T21:15:00Z\"");
    }

    @Test
    void nab_theKeptFilesInOneFolder_areConvertedAsBefore() throws IOException {
        var out = dir.resolve("out");

        var run = run("monitoring", "nab", "--nab", SHARED_NAB.toString(), "--out", out.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out().lines()).hasSize(6);
        assertThat(Files.readAllLines(out.resolve("labels.ndjson"))).isNotEmpty();
    }

    @Test
    void nab_aFolderWithoutNabFiles_orABadReading_isOneLineNamingIt() throws IOException {
        var empty = Files.createDirectories(dir.resolve("empty"));
        var bad = Files.createDirectories(dir.resolve("bad"));
        var csv = Files.writeString(bad.resolve("cpu.csv"), "timestamp,value\n2014-04-10 07:15:00,high\n");
        Files.writeString(bad.resolve("combined_windows.json"), "{}");

        var none = run("monitoring", "nab", "--nab", empty.toString(), "--out", dir.resolve("out").toString());
        var unread = run("monitoring", "nab", "--nab", bad.toString(), "--out", dir.resolve("out").toString());

        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("samples/run monitoring nab: no CSV files in " + empty + ": expected a NAB checkout"
                + " (data/<category>/*.csv and labels/combined_windows.json) or a folder of *.csv files and combined_windows.json"
                + System.lineSeparator());
        assertThat(unread.exit()).isEqualTo(2);
        assertThat(unread.err()).isEqualTo("samples/run monitoring nab: " + csv + " line 2: expected timestamp,value"
                + " (2014-04-10 07:15:00,97.1), found '2014-04-10 07:15:00,high'" + System.lineSeparator());
    }
}
