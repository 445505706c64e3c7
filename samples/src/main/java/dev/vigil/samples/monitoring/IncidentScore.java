package dev.vigil.samples.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alerts scored against labelled incident windows, the way the Numenta Anomaly Benchmark counts:
 * a window is caught by any alert about its host inside it; alerts about a host outside all of
 * its windows are false positives, and those less than {@link #EPISODE_GAP} apart count as one
 * false-positive episode.
 */
public final class IncidentScore {
    /** Alerts closer together than this, outside every window, are one false-positive episode. */
    public static final Duration EPISODE_GAP = Duration.ofHours(6);

    /** A labelled incident of a host, from its start to its end. */
    public record Window(String host, Instant start, Instant end, String kind) {
    }

    /** An alert, as far as scoring goes: about which host, and when. */
    public record Raised(String host, String rule, Instant time) {
    }

    /** How one host fared: windows caught, their delays, false-positive episodes. */
    public record HostScore(String host, int windows, int caught, List<Duration> delays, int falseEpisodes, int falseAlerts) {
    }

    /** The scores per host and overall. */
    public record Result(List<HostScore> hosts) {
        public int windows() {
            return hosts.stream().mapToInt(HostScore::windows).sum();
        }

        public int caught() {
            return hosts.stream().mapToInt(HostScore::caught).sum();
        }

        public int falseEpisodes() {
            return hosts.stream().mapToInt(HostScore::falseEpisodes).sum();
        }

        public Duration worstDelay() {
            return hosts.stream().flatMap(h -> h.delays().stream()).max(Comparator.naturalOrder()).orElse(Duration.ZERO);
        }
    }

    private IncidentScore() {
    }

    /** Scores {@code alerts} against {@code windows}; {@code hosts} are all the hosts the data had, windows or not. */
    public static Result score(List<String> hosts, List<Window> windows, List<Raised> alerts) {
        var out = new ArrayList<HostScore>();
        for (var host : hosts) {
            var mine = windows.stream().filter(w -> w.host().equals(host)).toList();
            var raised = alerts.stream().filter(a -> a.host().equals(host)).sorted(Comparator.comparing(Raised::time)).toList();
            int caught = 0;
            var delays = new ArrayList<Duration>();
            for (var w : mine) {
                var first = raised.stream().filter(a -> !a.time().isBefore(w.start()) && !a.time().isAfter(w.end())).findFirst();
                if (first.isPresent()) {
                    caught++;
                    delays.add(Duration.between(w.start(), first.get().time()));
                }
            }
            int episodes = 0;
            int falseAlerts = 0;
            Instant last = null;
            for (var a : raised) {
                boolean inside = mine.stream().anyMatch(w -> !a.time().isBefore(w.start()) && !a.time().isAfter(w.end()));
                if (inside) {
                    continue;
                }
                falseAlerts++;
                if (last == null || Duration.between(last, a.time()).compareTo(EPISODE_GAP) > 0) {
                    episodes++;
                }
                last = a.time();
            }
            out.add(new HostScore(host, mine.size(), caught, delays, episodes, falseAlerts));
        }
        return new Result(out);
    }

    /** The scores as a Markdown table. */
    public static String table(Result r) {
        var out = new StringBuilder(String.format(Locale.ROOT,
                "| host | windows | caught | delay to the first alert | false-positive episodes (alerts) |%n|---|---:|---:|---|---:|%n"));
        for (var h : r.hosts()) {
            var delays = String.join(", ", h.delays().stream().map(IncidentScore::human).toList());
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %d (%d) |%n", h.host(), h.windows(), h.caught(), delays,
                    h.falseEpisodes(), h.falseAlerts()));
        }
        out.append(String.format(Locale.ROOT, "| **all** | %d | %d | worst %s | %d |%n", r.windows(), r.caught(), human(r.worstDelay()),
                r.falseEpisodes()));
        return out.toString();
    }

    /**
     * Windows caught per kind (an anomaly's shape), as a Markdown table: with the rules that caught
     * each (the first alert inside the window, by rule).
     */
    public static String kindTable(List<Window> windows, List<Raised> alerts) {
        var kinds = new TreeMap<String, int[]>();
        var rules = new TreeMap<String, Map<String, Integer>>();
        for (var w : windows) {
            var counts = kinds.computeIfAbsent(w.kind(), k -> new int[2]);
            counts[0]++;
            var first = alerts.stream().filter(a -> a.host().equals(w.host()) && !a.time().isBefore(w.start()) && !a.time().isAfter(w.end()))
                    .min(Comparator.comparing(Raised::time));
            if (first.isPresent()) {
                counts[1]++;
                rules.computeIfAbsent(w.kind(), k -> new TreeMap<>()).merge(first.get().rule(), 1, Integer::sum);
            }
        }
        var out = new StringBuilder(String.format(Locale.ROOT, "| kind | windows | caught | first caught by |%n|---|---:|---:|---|%n"));
        kinds.forEach((kind, counts) -> out.append(String.format(Locale.ROOT, "| %s | %d | %d | %s |%n", kind, counts[0], counts[1],
                String.join(", ", rules.getOrDefault(kind, Map.of()).entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList()))));
        return out.toString();
    }

    /** Alerts outside every window of their host, per rule and host, as a Markdown table. */
    public static String falseAlertTable(List<Window> windows, List<Raised> alerts) {
        var rules = new TreeMap<String, Integer>();
        for (var a : alerts) {
            if (windows.stream().noneMatch(w -> w.host().equals(a.host()) && !a.time().isBefore(w.start()) && !a.time().isAfter(w.end()))) {
                rules.merge(a.rule() + " @ " + a.host(), 1, Integer::sum);
            }
        }
        var out = new StringBuilder(String.format(Locale.ROOT, "| rule @ host | alerts outside every window |%n|---|---:|%n"));
        rules.forEach((rule, n) -> out.append(String.format(Locale.ROOT, "| %s | %d |%n", rule, n)));
        return out.toString();
    }

    static String human(Duration d) {
        if (d.toDays() > 0) {
            return String.format(Locale.ROOT, "%dd%02dh", d.toDays(), d.toHoursPart());
        }
        return d.toHours() > 0 ? String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }

    /** The host an alert is about: its key up to the first '/'. */
    public static String hostOf(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    static Map<String, List<Window>> byHost(List<Window> windows) {
        var out = new TreeMap<String, List<Window>>();
        windows.forEach(w -> out.computeIfAbsent(w.host(), h -> new ArrayList<>()).add(w));
        return out;
    }
}
