package dev.vigil.samples.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.samples.RuleFolder;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The default fraud rules over the generator's traffic, replayed and scored on a seed and a
 * variant they were not tuned on: a rule change that breaks detection, or floods analysts with
 * false alarms, fails here.
 */
class FraudSampleTest {
    private static final Path RULES = Path.of("..", "rules", "fraud");
    private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");

    @Test
    @Tag("slow")
    void defaultRules_onAHeldOutSeed_reachF1OfPointSix_withPrecisionOfPointSeven() throws Exception {
        var settings = new FraudGenerator.Settings(211, 600, 35, START, 1200, FraudVariant.parse("plain+per-payment+delay-7d+bare"));
        var run = new FraudEvaluation().run(RuleFolder.load(RULES), settings);
        System.out.print(FraudEvaluation.header() + FraudEvaluation.row(run) + FraudScore.table(run.score()));

        assertThat(run.score().fraudulentTransactions()).isGreaterThan(50);
        assertThat(run.score().transactionPrecision()).as("precision per payment").isGreaterThanOrEqualTo(0.7);
        assertThat(run.score().transactionF1()).as("F1 per payment").isGreaterThanOrEqualTo(0.6);
    }

    @Test
    void generator_withTheSameSeed_writesTheSameEvents() throws Exception {
        var settings = new FraudGenerator.Settings(3, 50, 8, START);
        var a = new StringWriter();
        var b = new StringWriter();
        new FraudGenerator(settings).write(a, new StringWriter());
        new FraudGenerator(settings).write(b, new StringWriter());
        assertThat(a.toString()).isEqualTo(b.toString()).isNotEmpty();
    }

    @Test
    void generator_plainWorld_saysNothingByChannelOrCountry() throws Exception {
        var events = new StringWriter();
        new FraudGenerator(new FraudGenerator.Settings(4, 200, 14, START, 400, FraudVariant.parse("plain+bare"))).write(events, new StringWriter());
        var lines = events.toString().lines().toList();
        assertThat(lines).filteredOn(l -> l.contains("\"Transaction\"")).isNotEmpty()
                .allMatch(l -> l.contains("\"channel\":\"pos\"") && l.contains("\"country\":\"NL\""));
        assertThat(lines).filteredOn(l -> l.contains("\"FraudReport\"")).isNotEmpty()
                .noneMatch(l -> l.contains("\"kind\"") || l.contains("\"terminalId\""));
    }

    @Test
    void variant_unknownWord_namesItAndTheAcceptedOnes() {
        assertThatThrownBy(() -> FraudVariant.parse("plain+weekly"))
                .hasMessage("unknown variant word 'weekly': use mixed or words of rich, plain, lognormal, uniform, normal, per-payment, per-case,"
                        + " delay-7d, delay-random, full, bare joined by +");
    }
}
