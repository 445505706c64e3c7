package dev.vigil.engine.alert;

import dev.vigil.engine.api.AlertContext;
import dev.vigil.engine.profile.Profile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.drools.base.reteoo.InitialFactImpl;
import org.drools.core.common.DefaultEventHandle;
import org.drools.core.common.InternalFactHandle;
import org.drools.core.reteoo.AccumulateNode;
import org.drools.core.reteoo.TupleImpl;
import org.drools.core.rule.consequence.InternalMatch;
import org.kie.api.runtime.rule.Match;

/**
 * Collects the facts behind a match: those the rule's own patterns bound (the evidence: what
 * triggered it) apart from those an {@code accumulate} or {@code collect} folded into a single
 * result (the context: what it was measured against).
 *
 * <p>{@link Match#getObjects()} only returns one object per pattern, so for "more than 5
 * transactions in 60 s" it holds a number, not the transactions. The Phreak network keeps what
 * the accumulate matched: the tuple that entered the accumulate node carries the
 * {@link AccumulateNode.AccumulateContext} and has one child tuple per matched fact, whose right
 * parent is that fact. Walking the match's tuple up through its left parents yields the facts the
 * patterns bound, and at each accumulate, across those children, the facts it folded.
 *
 * <p>Reused for every firing of one session (so a rule that re-fires thousands of times on the
 * same facts allocates nothing to find out); owned by the session's thread.
 */
final class Evidence {
    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::time).thenComparing(Entry::id);
    /** The facts the match's patterns bound. */
    private final List<InternalFactHandle> bound = new ArrayList<>();
    /** The facts its accumulates folded. */
    private final List<InternalFactHandle> folded = new ArrayList<>();
    /** The results of its accumulates: one per tuple that entered an accumulate, whatever it folded. */
    private final List<InternalFactHandle> results = new ArrayList<>();
    private long[] handleIds = new long[16];
    private int size;
    private long[] factIds = new long[16];
    private int factSize;

    /** Collects the facts of {@code match}, replacing the previous ones. */
    void collect(Match match) {
        bound.clear();
        folded.clear();
        results.clear();
        if (match instanceof InternalMatch internal) {
            for (TupleImpl tuple = internal.getTuple(); tuple != null; tuple = tuple.getLeftParent()) {
                var left = tuple.getLeftParent();
                if (left != null && left.getContextObject() instanceof AccumulateNode.AccumulateContext) {
                    // The tuple an accumulate passes on holds its result.
                    add(results, tuple.getFactHandle());
                    for (TupleImpl child = left.getFirstChild(); child != null; child = child.getHandleNext()) {
                        // A sub-network tuple (accumulate(A() and B(), ...)) holds one fact per pattern.
                        for (TupleImpl t = child.getRightParent(); t != null; t = t.getParent()) {
                            add(folded, t.getFactHandle());
                        }
                    }
                } else {
                    add(bound, tuple.getFactHandle());
                }
            }
        } else {
            for (var handle : match.getFactHandles()) {
                if (handle instanceof InternalFactHandle h) {
                    add(bound, h);
                }
            }
        }
        factIds = ids(factIds, bound, folded, List.of());
        factSize = distinct(factIds, bound.size() + folded.size());
        size = -1;
    }

    private static void add(List<InternalFactHandle> to, InternalFactHandle handle) {
        if (handle != null && handle.getObject() != null) {
            to.add(handle);
        }
    }

    /** The ids of {@code a}, {@code b} and {@code c} in {@code into}, or in a larger array when it is too small. */
    private static long[] ids(long[] into, List<InternalFactHandle> a, List<InternalFactHandle> b, List<InternalFactHandle> c) {
        int n = a.size() + b.size() + c.size();
        var out = into.length >= n ? into : new long[Math.max(n, into.length * 2)];
        copyIds(a, out, 0);
        copyIds(b, out, a.size());
        copyIds(c, out, a.size() + b.size());
        return out;
    }

    private static void copyIds(List<InternalFactHandle> from, long[] to, int at) {
        for (int i = 0; i < from.size(); i++) {
            to[at + i] = from.get(i).getId();
        }
    }

    /** Sorts the first {@code n} of {@code ids} and moves the distinct ones to the front; returns how many there are. */
    private static int distinct(long[] ids, int n) {
        Arrays.sort(ids, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (distinct == 0 || ids[i] != ids[distinct - 1]) {
                ids[distinct++] = ids[i];
            }
        }
        return distinct;
    }

    /**
     * The session's distinct handle ids, sorted, in {@code [0, size())}: equal for two firings on
     * the same facts. A cheap key that spots a repeated match before any id is worked out.
     */
    long[] handleIds() {
        if (size < 0) {
            // Worked out when asked: a repeat is most often known by its facts alone.
            handleIds = ids(handleIds, bound, folded, results);
            size = distinct(handleIds, bound.size() + folded.size() + results.size());
        }
        return handleIds;
    }

    /** How many of {@link #handleIds()} there are; call that first. */
    int size() {
        return size;
    }

    /** Whether there are facts and every one passes {@code test}, the initial fact of a {@code not} or {@code exists} aside. */
    boolean all(Predicate<Object> test) {
        int passed = passing(bound, test);
        if (passed < 0) {
            return false;
        }
        int alsoPassed = passing(folded, test);
        return alsoPassed >= 0 && passed + alsoPassed > 0;
    }

    /** How many of {@code handles} pass {@code test}, the initial fact aside; -1 when one does not. */
    private static int passing(List<InternalFactHandle> handles, Predicate<Object> test) {
        int passed = 0;
        for (var handle : handles) {
            var fact = handle.getObject();
            if (fact instanceof InitialFactImpl) {
                continue;
            }
            if (!test.test(fact)) {
                return -1;
            }
            passed++;
        }
        return passed;
    }

    /**
     * Like {@link #handleIds()} without the accumulates' results, in {@code [0, factSize())}. An
     * accumulate makes a result for each tuple that enters it, so a rule whose every windowed event
     * is a trigger ("more than 5 in 60 s", where each of the 6 transactions starts a count) matches
     * the same facts once per trigger, each time with another result; what a result holds follows
     * from the facts it folded, so firings with the same facts here are one alert.
     */
    long[] factIds() {
        return factIds;
    }

    int factSize() {
        return factSize;
    }

    /**
     * Ids of the events the patterns bound, the accumulates' results among them ({@code idOf}
     * returns null for facts that are not events), by event time, then id: the alert's evidence.
     */
    List<String> evidence(Function<Object, String> idOf) {
        var entries = new ArrayList<Entry>(bound.size() + results.size());
        addEvents(entries, bound, idOf);
        addEvents(entries, results, idOf);
        return distinctIds(entries);
    }

    /**
     * The events the accumulates folded, as a count and the newest ids, with the events of the
     * profiles the patterns bound added to the count: the alert's context.
     */
    AlertContext context(Function<Object, String> idOf) {
        long profiled = 0;
        for (var handle : bound) {
            if (handle.getObject() instanceof Profile profile) {
                profiled += profile.events();
            }
        }
        if (folded.isEmpty() && profiled == 0) {
            return AlertContext.NONE;
        }
        var entries = new ArrayList<Entry>(folded.size());
        addEvents(entries, folded, idOf);
        var ids = distinctIds(entries);
        return new AlertContext(ids.size() + profiled, ids.subList(Math.max(0, ids.size() - AlertContext.MAX_IDS), ids.size()));
    }

    /** The ids of {@code entries} by event time, then id, each once. */
    private static List<String> distinctIds(List<Entry> entries) {
        entries.sort(ORDER);
        var ids = new ArrayList<String>(entries.size());
        for (var entry : entries) {
            if (ids.isEmpty() || !ids.get(ids.size() - 1).equals(entry.id)) {
                ids.add(entry.id);
            }
        }
        return ids;
    }

    private static void addEvents(List<Entry> to, List<InternalFactHandle> from, Function<Object, String> idOf) {
        for (var handle : from) {
            var id = idOf.apply(handle.getObject());
            if (id != null) {
                to.add(new Entry(handle instanceof DefaultEventHandle e ? e.getStartTimestamp() : 0, id));
            }
        }
    }

    private record Entry(long time, String id) {
    }
}
