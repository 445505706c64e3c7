package dev.vigil.engine.alert;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.drools.core.common.DefaultEventHandle;
import org.drools.core.common.InternalFactHandle;
import org.drools.core.reteoo.AccumulateNode;
import org.drools.core.reteoo.TupleImpl;
import org.drools.core.rule.consequence.InternalMatch;
import org.kie.api.runtime.rule.Match;

/**
 * Finds the events behind a match, including the ones an {@code accumulate} or {@code collect}
 * folded into a single result.
 *
 * <p>{@link Match#getObjects()} only returns one object per pattern, so for "more than 5
 * transactions in 60 s" it holds a number, not the transactions. The Phreak network keeps what
 * the accumulate matched: the tuple that entered the accumulate node carries the
 * {@link AccumulateNode.AccumulateContext} and has one child tuple per matched fact, whose right
 * parent is that fact. Walking the match's tuple up through its left parents and, at each
 * accumulate, across those children, yields every fact that took part in the match.
 */
final class Evidence {
    private Evidence() {
    }

    /** Ids of the events in {@code match} that {@code idOf} knows, ordered by event time, then id. */
    static List<String> of(Match match, Function<Object, String> idOf) {
        var found = new IdentityHashMap<Object, Entry>();
        if (match instanceof InternalMatch internal) {
            for (TupleImpl tuple = internal.getTuple(); tuple != null; tuple = tuple.getLeftParent()) {
                add(tuple.getFactHandle(), idOf, found);
                var left = tuple.getLeftParent();
                if (left != null && left.getContextObject() instanceof AccumulateNode.AccumulateContext) {
                    for (TupleImpl child = left.getFirstChild(); child != null; child = child.getHandleNext()) {
                        addAll(child.getRightParent(), idOf, found);
                    }
                }
            }
        } else {
            for (var handle : match.getFactHandles()) {
                if (handle instanceof InternalFactHandle h) {
                    add(h, idOf, found);
                }
            }
        }
        return found.values().stream()
                .sorted(Comparator.comparingLong(Entry::time).thenComparing(Entry::id))
                .map(Entry::id)
                .distinct()
                .toList();
    }

    /** A fact matched inside an accumulate, or every fact of a sub-network tuple ({@code accumulate( A() and B() ...)}). */
    private static void addAll(TupleImpl right, Function<Object, String> idOf, Map<Object, Entry> found) {
        for (TupleImpl t = right; t != null; t = t.getParent()) {
            add(t.getFactHandle(), idOf, found);
        }
    }

    private static void add(InternalFactHandle handle, Function<Object, String> idOf, Map<Object, Entry> found) {
        if (handle == null || handle.getObject() == null) {
            return;
        }
        var object = handle.getObject();
        var id = idOf.apply(object);
        if (id != null && !found.containsKey(object)) {
            long time = handle instanceof DefaultEventHandle e ? e.getStartTimestamp() : 0;
            found.put(object, new Entry(time, id));
        }
    }

    private record Entry(long time, String id) {
    }
}
