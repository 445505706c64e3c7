package dev.vigil.engine.alert;

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
 * Collects the facts behind a match, including the ones an {@code accumulate} or {@code collect}
 * folded into a single result.
 *
 * <p>{@link Match#getObjects()} only returns one object per pattern, so for "more than 5
 * transactions in 60 s" it holds a number, not the transactions. The Phreak network keeps what
 * the accumulate matched: the tuple that entered the accumulate node carries the
 * {@link AccumulateNode.AccumulateContext} and has one child tuple per matched fact, whose right
 * parent is that fact. Walking the match's tuple up through its left parents and, at each
 * accumulate, across those children, yields every fact that took part in the match.
 *
 * <p>Reused for every firing of one session (so a rule that re-fires thousands of times on the
 * same facts allocates nothing to find out); owned by the session's thread.
 */
final class Evidence {
    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::time).thenComparing(Entry::id);
    private final List<InternalFactHandle> handles = new ArrayList<>();
    private long[] handleIds = new long[16];
    private int size;

    /** Collects the facts of {@code match}, replacing the previous ones. */
    void collect(Match match) {
        handles.clear();
        if (match instanceof InternalMatch internal) {
            for (TupleImpl tuple = internal.getTuple(); tuple != null; tuple = tuple.getLeftParent()) {
                add(tuple.getFactHandle());
                var left = tuple.getLeftParent();
                if (left != null && left.getContextObject() instanceof AccumulateNode.AccumulateContext) {
                    for (TupleImpl child = left.getFirstChild(); child != null; child = child.getHandleNext()) {
                        // A sub-network tuple (accumulate(A() and B(), ...)) holds one fact per pattern.
                        for (TupleImpl t = child.getRightParent(); t != null; t = t.getParent()) {
                            add(t.getFactHandle());
                        }
                    }
                }
            }
        } else {
            for (var handle : match.getFactHandles()) {
                if (handle instanceof InternalFactHandle h) {
                    add(h);
                }
            }
        }
        if (handleIds.length < handles.size()) {
            handleIds = new long[Math.max(handles.size(), handleIds.length * 2)];
        }
        for (int i = 0; i < handles.size(); i++) {
            handleIds[i] = handles.get(i).getId();
        }
        Arrays.sort(handleIds, 0, handles.size());
        size = 0;
        for (int i = 0; i < handles.size(); i++) {
            if (size == 0 || handleIds[i] != handleIds[size - 1]) {
                handleIds[size++] = handleIds[i];
            }
        }
    }

    private void add(InternalFactHandle handle) {
        if (handle != null && handle.getObject() != null) {
            handles.add(handle);
        }
    }

    /**
     * The session's distinct handle ids, sorted, in {@code [0, size())}: equal for two firings on
     * the same facts. A cheap key that spots a repeated match before any id is worked out.
     */
    long[] handleIds() {
        return handleIds;
    }

    int size() {
        return size;
    }

    /** Whether there are facts and every one passes {@code test}, the initial fact of a {@code not} or {@code exists} aside. */
    boolean all(Predicate<Object> test) {
        boolean any = false;
        for (var handle : handles) {
            var fact = handle.getObject();
            if (fact instanceof InitialFactImpl) {
                continue;
            }
            if (!test.test(fact)) {
                return false;
            }
            any = true;
        }
        return any;
    }

    /** Ids of the events among the facts ({@code idOf} returns null for the rest), by event time, then id. */
    List<String> eventIds(Function<Object, String> idOf) {
        var entries = new ArrayList<Entry>(handles.size());
        for (var handle : handles) {
            var id = idOf.apply(handle.getObject());
            if (id != null) {
                entries.add(new Entry(handle instanceof DefaultEventHandle e ? e.getStartTimestamp() : 0, id));
            }
        }
        entries.sort(ORDER);
        var ids = new ArrayList<String>(entries.size());
        for (var entry : entries) {
            if (ids.isEmpty() || !ids.get(ids.size() - 1).equals(entry.id)) {
                ids.add(entry.id);
            }
        }
        return ids;
    }

    private record Entry(long time, String id) {
    }
}
