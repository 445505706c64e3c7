package dev.vigil.samples.fraud;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.samples.RuleFolder;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code samples/run fraud ...}: the fraud sample's generator and scorer. */
@Command(name = "fraud", mixinStandardHelpOptions = true, description = "The fraud sample: generate payments with labelled fraud, score alerts.",
        subcommands = {FraudCommand.Generate.class, FraudCommand.Score.class, FraudCommand.Evaluate.class})
public final class FraudCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write payments and fraud reports (events.ndjson) and the fraudulent payments (labels.ndjson) to a folder.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "samples/fraud/data", description = "the folder (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--seed", defaultValue = "7", description = "the random seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--customers", defaultValue = "2000", description = "customers, one card each (default: ${DEFAULT-VALUE})")
        int customers;

        @Option(names = "--days", defaultValue = "14", description = "days of traffic (default: ${DEFAULT-VALUE})")
        int days;

        @Option(names = "--start", defaultValue = "2026-01-05T00:00:00Z", description = "the first day (default: ${DEFAULT-VALUE})")
        Instant start;

        @Option(names = "--terminals", description = "terminals on the map (default: twice the customers)")
        Integer terminals;

        @Option(names = "--variant", defaultValue = "mixed", converter = VariantConverter.class,
                description = "the data's shape: mixed, or words joined by +: rich|plain, lognormal|uniform|normal, per-payment|per-case,"
                        + " delay-7d|delay-random, full|bare; words left out are drawn from the seed (default: ${DEFAULT-VALUE})")
        FraudVariant variant;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            var settings = new FraudGenerator.Settings(seed, customers, days, start, terminals == null ? 2 * customers : terminals, variant);
            Files.createDirectories(out);
            try (var events = Files.newBufferedWriter(out.resolve("events.ndjson"), StandardCharsets.UTF_8);
                 var labels = Files.newBufferedWriter(out.resolve("labels.ndjson"), StandardCharsets.UTF_8)) {
                var summary = new FraudGenerator(settings).write(events, labels);
                spec.commandLine().getOut().printf("%s: %,d payments, %,d fraud reports; %,d fraudulent payments in %d cases (%s); variant %s%n",
                        out, summary.transactions(), summary.reports(), summary.fraudulent(), summary.cases(), out.resolve("labels.ndjson"),
                        summary.variant());
            }
            return 0;
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = "Score alerts (NDJSON, as vigil replay --out writes them) against the labels: precision, recall, delay.")
    static final class Score implements Callable<Integer> {
        @Option(names = "--alerts", required = true, description = "the alerts, NDJSON")
        Path alerts;

        @Option(names = "--labels", defaultValue = "samples/fraud/data/labels.ndjson", description = "the labels (default: ${DEFAULT-VALUE})")
        Path labels;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            var scored = read(existing(alerts, "alerts", "--alerts", "write them with vigil replay --out FILE"), FraudScore.Scored::of);
            var result = FraudScore.score(scored, read(existing(labels, "labels", "--labels",
                    "generate them with the events: samples/run fraud generate"), FraudScore.Label::of));
            spec.commandLine().getOut().print(FraudScore.table(result));
            return 0;
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Generate a data set per seed and variant, replay the rules over each in this process, score each and all pooled.")
    static final class Evaluate implements Callable<Integer> {
        @Option(names = "--rules", defaultValue = "rules/fraud", description = "the rule set folder (default: ${DEFAULT-VALUE})")
        Path rules;

        @Option(names = "--seeds", defaultValue = "1,2,3", split = ",", description = "the seeds (default: ${DEFAULT-VALUE})")
        List<Long> seeds;

        @Option(names = "--variants", defaultValue = "mixed", split = ",", converter = VariantConverter.class,
                description = "the variants, as generate's --variant (default: ${DEFAULT-VALUE})")
        List<FraudVariant> variants;

        @Option(names = "--customers", defaultValue = "1000", description = "customers per data set (default: ${DEFAULT-VALUE})")
        int customers;

        @Option(names = "--days", defaultValue = "35", description = "days per data set (default: ${DEFAULT-VALUE})")
        int days;

        @Option(names = "--terminals", description = "terminals per data set (default: twice the customers)")
        Integer terminals;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            var source = RuleFolder.load(rules);
            var evaluation = new FraudEvaluation();
            var out = spec.commandLine().getOut();
            out.print(FraudEvaluation.header());
            for (var variant : variants) {
                for (long seed : seeds) {
                    var settings = new FraudGenerator.Settings(seed, customers, days, START, terminals == null ? 2 * customers : terminals, variant);
                    out.print(FraudEvaluation.row(evaluation.run(source, settings)));
                    out.flush();
                }
            }
            out.print(evaluation.pooled());
            return 0;
        }
    }

    /** Reads a {@link FraudVariant} from its words. */
    static final class VariantConverter implements CommandLine.ITypeConverter<FraudVariant> {
        @Override
        public FraudVariant convert(String value) {
            try {
                return FraudVariant.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The records of an NDJSON file; a line that is not one is refused naming the file, the line and what is wrong. */
    static <T> List<T> read(Path file, Function<JsonNode, T> parse) throws IOException {
        var out = new ArrayList<T>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    try {
                        out.add(parse.apply(JSON.readTree(line)));
                    } catch (JsonProcessingException e) {
                        throw new IllegalArgumentException(file + " line " + number + ": not JSON: " + e.getOriginalMessage());
                    } catch (IllegalArgumentException | DateTimeException e) {
                        throw new IllegalArgumentException(file + " line " + number + ": " + e.getMessage());
                    }
                }
            }
        }
        return out;
    }

    /** {@code file}, or a message saying how to make it when it is not there. */
    static Path existing(Path file, String what, String option, String howToMake) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + what + " at " + file + ": give " + option + " FILE, or " + howToMake);
        }
        return file;
    }
}
