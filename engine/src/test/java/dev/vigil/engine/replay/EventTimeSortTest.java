package dev.vigil.engine.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.InputOrder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventTimeSortTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path spill;

    /** An event whose {@code t} is its time (none when null) and whose {@code n} tells it apart. */
    private static JsonNode event(Long time, int n) {
        var node = JSON.createObjectNode().put("n", n);
        if (time != null) {
            node.put("t", time);
        }
        return node;
    }

    private static long time(JsonNode json) {
        return json.has("t") ? json.get("t").asLong() : Disorder.UNTIMED;
    }

    private EventTimeSort sort(List<JsonNode> input, int memory, Disorder disorder, ProgressCounters progress) {
        return new EventTimeSort(input.iterator(), EventTimeSortTest::time, memory, spill, disorder, progress);
    }

    private static List<Integer> ns(Iterator<InputEvent> sorted) {
        var out = new ArrayList<Integer>();
        sorted.forEachRemaining(e -> out.add(e.json().get("n").asInt()));
        return out;
    }

    private List<Path> spilled() throws IOException {
        try (Stream<Path> files = Files.list(spill)) {
            return files.toList();
        }
    }

    @Test
    void inMemory_sortsByTime_keepsTheInputOrderOfEqualTimes_putsUntimedLast_andWritesNoFile() throws IOException {
        var input = List.of(event(30L, 0), event(10L, 1), event(null, 2), event(20L, 3), event(10L, 4), event(null, 5), event(0L, 6));
        var progress = new ProgressCounters(true);

        try (var sorted = sort(input, 1_000, new Disorder(), progress)) {
            assertThat(ns(sorted)).containsExactly(6, 1, 4, 3, 0, 2, 5);
            assertThat(spilled()).isEmpty();
        }
        assertThat(progress.phase()).isEqualTo(ProgressCounters.Phase.RUNNING);
        assertThat(progress.read()).isEqualTo(7);
        assertThat(progress.total()).isEqualTo(7);
    }

    @Test
    void pastItsMemory_spillsSortedRuns_andMergesThemIntoTheStableOrder_thenDeletesThem() throws IOException {
        var random = new Random(11);
        var input = new ArrayList<JsonNode>();
        for (int i = 0; i < 1_000; i++) {
            // Few distinct times, so many ties across runs; some without a time.
            input.add(event(random.nextInt(20) == 0 ? null : (long) random.nextInt(50), i));
        }
        var expected = new ArrayList<>(input);
        expected.sort(Comparator.comparingLong(EventTimeSortTest::time)); // List.sort is stable
        var progress = new ProgressCounters(true);

        List<Integer> merged;
        try (var sorted = sort(input, 7, new Disorder(), progress)) {
            assertThat(sorted.hasNext()).isTrue();
            // 142 runs: two tiers of 64 merged into one run each, 14 left as spilled.
            assertThat(sorted.runFiles()).hasSize(1_000 / 7 - 2 * EventTimeSort.FAN_IN + 2)
                    .allSatisfy(file -> assertThat(file).exists().startsWith(spill));
            merged = ns(sorted);
        }

        assertThat(merged).containsExactlyElementsOf(expected.stream().map(e -> e.get("n").asInt()).toList());
        assertThat(spilled()).isEmpty();
        assertThat(progress.total()).isEqualTo(1_000);
    }

    @Test
    void runs_areMergedInTiers_soTheFilesOpenAtOnceStayFew_andTheOrderStaysStable() throws IOException {
        int perRun = 2;
        int fanIn = 4;
        int tier2 = perRun * fanIn * fanIn;
        var random = new Random(5);
        var input = new ArrayList<JsonNode>();
        for (int i = 0; i < tier2 + perRun * fanIn + perRun + 1; i++) {
            input.add(event((long) random.nextInt(1_000), i));
        }
        var expected = new ArrayList<>(input);
        expected.sort(Comparator.comparingLong(EventTimeSortTest::time));

        try (var sorted = new EventTimeSort(input.iterator(), EventTimeSortTest::time, perRun, fanIn, spill, new Disorder(),
                new ProgressCounters(true))) {
            assertThat(sorted.hasNext()).isTrue();
            assertThat(sorted.runFiles()).as("one run of tier 2, one of tier 1, one as spilled").hasSize(3);
            assertThat(spilled()).hasSize(3);
            assertThat(ns(sorted)).containsExactlyElementsOf(expected.stream().map(e -> e.get("n").asInt()).toList());
        }
        assertThat(spilled()).isEmpty();
    }

    @Test
    void anInputThatFailsPartWay_leavesNoRunFileBehind() throws IOException {
        var events = new ArrayList<JsonNode>();
        for (int i = 0; i < 20; i++) {
            events.add(event((long) (20 - i), i));
        }
        var broken = new Iterator<JsonNode>() {
            private int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public JsonNode next() {
                if (next == events.size()) {
                    throw new UncheckedIOException(new IOException("disk gone"));
                }
                return events.get(next++);
            }
        };
        var sorted = new EventTimeSort(broken, EventTimeSortTest::time, 3, spill, new Disorder(), new ProgressCounters(true));

        assertThatThrownBy(sorted::hasNext).hasMessageContaining("disk gone");
        assertThat(spilled()).hasSize(6);
        sorted.close();
        assertThat(spilled()).isEmpty();
    }

    @Test
    void disorder_countsTheEventsThatCameAfterALaterOne_andTheMostAnyCameBehind_untimedNotCounted() {
        var disorder = new Disorder();
        var input = List.of(event(10L, 0), event(5L, 1), event(20L, 2), event(null, 3), event(8L, 4), event(20L, 5), event(30L, 6));

        try (var sorted = sort(input, 2, disorder, new ProgressCounters(true))) {
            assertThat(ns(sorted)).containsExactly(1, 4, 0, 2, 5, 6, 3);
        }

        assertThat(disorder.report(true)).isEqualTo(new InputOrder(true, 2, Duration.ofMillis(12)));
        assertThat(new Disorder().report(false)).isEqualTo(new InputOrder(false, 0, Duration.ZERO));
    }

    @Test
    void aShuffledInput_comesOutAsTheOrderedOne_inMemoryAndSpilled() {
        var ordered = new ArrayList<JsonNode>();
        for (int i = 0; i < 300; i++) {
            ordered.add(event((long) i * 1000, i));
        }
        var shuffled = new ArrayList<>(ordered);
        Collections.shuffle(shuffled, new Random(2));

        try (var inMemory = sort(shuffled, 300, new Disorder(), new ProgressCounters(true));
             var spilled = sort(shuffled, 16, new Disorder(), new ProgressCounters(true))) {
            var expected = ordered.stream().map(e -> e.get("n").asInt()).toList();
            assertThat(ns(inMemory)).containsExactlyElementsOf(expected);
            assertThat(ns(spilled)).containsExactlyElementsOf(expected);
        }
    }
}
