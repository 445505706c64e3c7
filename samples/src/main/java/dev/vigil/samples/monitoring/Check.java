package dev.vigil.samples.monitoring;

import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.samples.Replays;
import dev.vigil.samples.RuleFolder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code samples/run monitoring check}: the monitoring rules replayed in this process over the NAB
 * files and over generated series of several seeds, each scored per host and per anomaly shape.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Replay the monitoring rules over the NAB files and generated series and score them, per host and per anomaly shape.")
final class Check implements Callable<Integer> {
    @Option(names = "--rules", defaultValue = "rules/monitoring", description = "the rule folder (default: ${DEFAULT-VALUE})")
    Path rules;

    @Option(names = "--nab", description = "the folder of the NAB files (none: no NAB)")
    Path nab;

    @Option(names = "--seeds", split = ",", description = "the seeds of the generated series, e.g. 7,11,23 (none: no series)")
    List<Long> seeds = List.of();

    @Option(names = "--series", defaultValue = "12", description = "series per seed (default: ${DEFAULT-VALUE})")
    int series;

    @Option(names = "--end", defaultValue = "2026-03-02T00:00:00Z", description = "when the series end (default: ${DEFAULT-VALUE})")
    Instant end;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        var source = RuleFolder.load(rules);
        var out = spec.commandLine().getOut();
        if (nab != null) {
            var score = nab(source, nab);
            out.printf("NAB (%s)%n%n%s%n%s%n", nab, IncidentScore.table(score.result()), falses(score));
        }
        for (var seed : seeds) {
            var score = generated(source, seed, series, end);
            out.printf("Seed %d, %d series%n%n%s%n%s%n%s%n", seed, series, IncidentScore.table(score.result()),
                    IncidentScore.kindTable(score.windows(), score.raised()), falses(score));
        }
        return 0;
    }

    private static String falses(Scored score) {
        return IncidentScore.falseAlertTable(score.windows(), score.raised());
    }

    /** What a replay gave: the scores, and the windows and alerts they come from. */
    record Scored(IncidentScore.Result result, List<IncidentScore.Window> windows, List<IncidentScore.Raised> raised) {
    }

    /** The rules over each NAB file of {@code folder}, one replay per file (as each file would be run on its own). */
    static Scored nab(RuleSetSource rules, Path folder) throws IOException {
        var hosts = new ArrayList<String>();
        var raised = new ArrayList<IncidentScore.Raised>();
        for (var file : Nab.files(folder)) {
            var events = new StringWriter();
            Nab.convert(file, events);
            hosts.add(Nab.host(file));
            raised.addAll(replay(rules, events.toString()));
        }
        var windows = Nab.windows(folder);
        return new Scored(IncidentScore.score(hosts, windows, raised), windows, raised);
    }

    /** The rules over {@code series} generated series of {@code seed} (no fleet) ending at {@code end}. */
    static Scored generated(RuleSetSource rules, long seed, int series, Instant end) throws IOException {
        var events = new StringWriter();
        var summary = new MonitoringGenerator(new MonitoringGenerator.Settings(seed, 0, 0, 1, end.minusSeconds(86_400), series)).write(events);
        var raised = replay(rules, events.toString());
        return new Scored(IncidentScore.score(summary.hosts(), summary.incidents(), raised), summary.incidents(), raised);
    }

    static List<IncidentScore.Raised> replay(RuleSetSource rules, String events) {
        var raised = new ArrayList<IncidentScore.Raised>();
        Replays.alerts(rules, new ByteArrayInputStream(events.getBytes(StandardCharsets.UTF_8)), null)
                .forEach(a -> raised.add(new IncidentScore.Raised(IncidentScore.hostOf(a.key()), a.rule(), a.eventTime())));
        return raised;
    }
}
