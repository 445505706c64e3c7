package dev.vigil.engine.clock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.drools.core.time.impl.TimerJobInstance;

/**
 * The pseudo clock's queue of timers: a binary heap ordered by fire time, and among timers due at
 * the same millisecond by the order they were scheduled in.
 *
 * <p>Drools' scheduler keeps its timers in a {@link PriorityQueue} that compares two timers by
 * asking each for its next fire time, a {@code Date} behind the trigger behind the timer. A busy
 * session polls and adds a timer for every expiring event and sliding window, over a queue of
 * thousands of timers scattered through the heap, so each comparison was three dependent loads and
 * the queue took a tenth of such a session's time. This heap keeps the fire times in an array of
 * their own, read at the time a timer is queued (a queued timer's fire time does not change: the
 * scheduler takes a timer out before it fires and queues it again for its next time), so sifting
 * reads only the arrays. The heap's order is also stable: where Drools' left timers due at the same
 * time in an arbitrary order, these fire in the order they were scheduled.
 *
 * <p>It extends {@code PriorityQueue} only because that is the type of the scheduler's field; none
 * of the superclass's own storage is used. {@code spliterator()} is final there, so a stream over
 * this queue would see nothing: the scheduler never makes one.
 */
final class TimerQueue extends PriorityQueue<TimerJobInstance> {
    private static final long serialVersionUID = 1L;
    private static final int INITIAL = 64;

    private transient long[] times = new long[INITIAL];
    private transient long[] order = new long[INITIAL];
    private transient TimerJobInstance[] timers = new TimerJobInstance[INITIAL];
    private transient int size;
    private transient long scheduled;

    @Override
    public boolean add(TimerJobInstance timer) {
        return offer(timer);
    }

    @Override
    public boolean offer(TimerJobInstance timer) {
        Objects.requireNonNull(timer, "timer");
        if (size == timers.length) {
            int capacity = size * 2;
            times = Arrays.copyOf(times, capacity);
            order = Arrays.copyOf(order, capacity);
            timers = Arrays.copyOf(timers, capacity);
        }
        var at = timer.getTrigger().hasNextFireTime();
        siftUp(size++, at == null ? Long.MAX_VALUE : at.getTime(), scheduled++, timer);
        return true;
    }

    @Override
    public TimerJobInstance peek() {
        return size == 0 ? null : timers[0];
    }

    @Override
    public TimerJobInstance poll() {
        return size == 0 ? null : removeAt(0);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public void clear() {
        Arrays.fill(timers, 0, size, null);
        size = 0;
    }

    @Override
    public boolean contains(Object o) {
        return indexOf(o) >= 0;
    }

    @Override
    public boolean remove(Object o) {
        int i = indexOf(o);
        if (i < 0) {
            return false;
        }
        removeAt(i);
        return true;
    }

    /** Drops every timer the filter accepts, in one pass and one rebuild of the heap. */
    @Override
    public boolean removeIf(Predicate<? super TimerJobInstance> filter) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!filter.test(timers[i])) {
                times[kept] = times[i];
                order[kept] = order[i];
                timers[kept++] = timers[i];
            }
        }
        if (kept == size) {
            return false;
        }
        Arrays.fill(timers, kept, size, null);
        size = kept;
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i, times[i], order[i], timers[i]);
        }
        return true;
    }

    @Override
    public boolean removeAll(Collection<?> c) {
        Objects.requireNonNull(c);
        return removeIf(c::contains);
    }

    @Override
    public boolean retainAll(Collection<?> c) {
        Objects.requireNonNull(c);
        return removeIf(t -> !c.contains(t));
    }

    @Override
    public Object[] toArray() {
        return Arrays.copyOf(timers, size, Object[].class);
    }

    @Override
    public <T> T[] toArray(T[] a) {
        return new ArrayList<>(Arrays.asList(timers).subList(0, size)).toArray(a);
    }

    @Override
    public void forEach(Consumer<? super TimerJobInstance> action) {
        for (int i = 0; i < size; i++) {
            action.accept(timers[i]);
        }
    }

    /** In no particular order, over the timers queued when it was made; its remove takes the timer out of the queue. */
    @Override
    public Iterator<TimerJobInstance> iterator() {
        var snapshot = Arrays.copyOf(timers, size);
        return new Iterator<>() {
            private int next;
            private TimerJobInstance last;

            @Override
            public boolean hasNext() {
                return next < snapshot.length;
            }

            @Override
            public TimerJobInstance next() {
                if (next >= snapshot.length) {
                    throw new NoSuchElementException();
                }
                return last = snapshot[next++];
            }

            @Override
            public void remove() {
                if (last == null) {
                    throw new IllegalStateException();
                }
                TimerQueue.this.remove(last);
                last = null;
            }
        };
    }

    /** Written as a plain priority queue of the same timers, as Drools' own would be. */
    private Object writeReplace() {
        var plain = new PriorityQueue<TimerJobInstance>(Math.max(1, size));
        plain.addAll(Arrays.asList(timers).subList(0, size));
        return plain;
    }

    private int indexOf(Object o) {
        for (int i = 0; i < size; i++) {
            if (timers[i] == o) {
                return i;
            }
        }
        return -1;
    }

    private TimerJobInstance removeAt(int i) {
        var removed = timers[i];
        int last = --size;
        if (i != last) {
            long time = times[last];
            long seq = order[last];
            var moved = timers[last];
            siftDown(i, time, seq, moved);
            if (timers[i] == moved) {
                siftUp(i, time, seq, moved);
            }
        }
        timers[last] = null;
        return removed;
    }

    private void siftUp(int i, long time, long seq, TimerJobInstance timer) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(time, seq, times[parent], order[parent])) {
                break;
            }
            put(i, times[parent], order[parent], timers[parent]);
            i = parent;
        }
        put(i, time, seq, timer);
    }

    private void siftDown(int i, long time, long seq, TimerJobInstance timer) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && before(times[right], order[right], times[child], order[child])) {
                child = right;
            }
            if (!before(times[child], order[child], time, seq)) {
                break;
            }
            put(i, times[child], order[child], timers[child]);
            i = child;
        }
        put(i, time, seq, timer);
    }

    private void put(int i, long time, long seq, TimerJobInstance timer) {
        times[i] = time;
        order[i] = seq;
        timers[i] = timer;
    }

    private static boolean before(long time, long seq, long otherTime, long otherSeq) {
        return time < otherTime || (time == otherTime && seq < otherSeq);
    }
}
