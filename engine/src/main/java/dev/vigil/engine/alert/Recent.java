package dev.vigil.engine.alert;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keys remembered in the order they came, each with the session time it came at: at most a given
 * number of them, the oldest forgotten first, and those older than a time forgotten on request.
 * Not thread-safe.
 */
final class Recent<K> {
    private final Map<K, Long> times;

    Recent(int limit) {
        this.times = new LinkedHashMap<>(1024, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Long> eldest) {
                return size() > limit;
            }
        };
    }

    boolean contains(K key) {
        return times.containsKey(key);
    }

    /** Remembers {@code key} at {@code time}; false when it was remembered already. */
    boolean add(K key, long time) {
        return times.putIfAbsent(key, time) == null;
    }

    /**
     * Forgets the keys that came before {@code time}, from the oldest on, up to the first that did
     * not: when the clock went back (a session rebuilt from its events) newer keys may wait behind it.
     */
    void forgetBefore(long time) {
        var oldest = times.values().iterator();
        while (oldest.hasNext() && oldest.next() < time) {
            oldest.remove();
        }
    }

    /** Remembers what {@code other} remembers, at its times, after what this remembers. */
    void addAll(Recent<K> other) {
        other.times.forEach(this::add);
    }

    int size() {
        return times.size();
    }
}
