package dev.vigil.engine.alert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.drools.core.common.DefaultEventHandle;
import org.drools.core.common.InternalFactHandle;
import org.drools.core.reteoo.AccumulateNode;
import org.drools.core.reteoo.TupleImpl;
import org.drools.core.rule.consequence.InternalMatch;
import org.kie.api.runtime.rule.Match;

/**
 * The facts behind a match, including the ones an {@code accumulate} or {@code collect} folded
 * into a single result.
 *
 * <p>{@link Match#getObjects()} only returns one object per pattern, so for "more than 5
 * transactions in 60 s" it holds a number, not the transactions. The Phreak network keeps what
 * the accumulate matched: the tuple that entered the accumulate node carries the
 * {@link AccumulateNode.AccumulateContext} and has one child tuple per matched fact, whose right
 * parent is that fact. Walking the match's tuple up through its left parents and, at each
 * accumulate, across those children, yields every fact that took part in the match.
 */
final class Evidence {
    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::time).thenComparing(Entry::id);
    private final List<InternalFactHandle> handles;

    private Evidence(List<InternalFactHandle> handles) {
        this.handles = handles;
    }

    /** The fact handles of {@code match} (a fact in two places of the match appears twice). */
    static Evidence of(Match match) {
        var handles = new ArrayList<InternalFactHandle>();
        if (match instanceof InternalMatch internal) {
            for (TupleImpl tuple = internal.getTuple(); tuple != null; tuple = tuple.getLeftParent()) {
                add(tuple.getFactHandle(), handles);
                var left = tuple.getLeftParent();
                if (left != null && left.getContextObject() instanceof AccumulateNode.AccumulateContext) {
                    for (TupleImpl child = left.getFirstChild(); child != null; child = child.getHandleNext()) {
                        // A sub-network tuple (accumulate(A() and B(), ...)) holds one fact per pattern.
                        for (TupleImpl t = child.getRightParent(); t != null; t = t.getParent()) {
                            add(t.getFactHandle(), handles);
                        }
                    }
                }
            }
        } else {
            for (var handle : match.getFactHandles()) {
                if (handle instanceof InternalFactHandle h) {
                    add(h, handles);
                }
            }
        }
        return new Evidence(handles);
    }

    private static void add(InternalFactHandle handle, List<InternalFactHandle> handles) {
        if (handle != null && handle.getObject() != null) {
            handles.add(handle);
        }
    }

    /**
     * The session's handle ids, sorted: equal for two firings on the same facts. A cheap key that
     * spots a repeated match before the event ids and the alert id are worked out.
     */
    long[] fingerprint() {
        var ids = new long[handles.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = handles.get(i).getId();
        }
        Arrays.sort(ids);
        int distinct = 0;
        for (int i = 0; i < ids.length; i++) {
            if (i == 0 || ids[i] != ids[distinct - 1]) {
                ids[distinct++] = ids[i];
            }
        }
        return distinct == ids.length ? ids : Arrays.copyOf(ids, distinct);
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
