package dev.vigil.engine.profile;

/**
 * A rule set's periodic round over the state it keeps per key: one fact, named, whose time a single
 * timer rule moves on, so that the rules forgetting idle {@link Profile}s (or any per-key fact) join
 * it rather than each key holding a timer of its own.
 *
 * <p>A timer rule keeps one timer per match, so a daily timer joined to each card's profile queues
 * a timer per card and fires each of them every day: with thousands of cards that was a tenth of a
 * busy session's time, spent finding nothing to forget. With a sweep there is one timer; the round
 * moves its time with {@code modify}, and the forget rule, a join of the sweep and the keys' facts
 * with the idle test in its constraint, matches only the keys that are idle at that time.
 */
public final class Sweep {
    private final String name;
    private long time;

    /** A sweep called {@code name} (rules find it by name) that last went round at {@code time} (epoch ms). */
    public Sweep(String name, long time) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a sweep needs a name: new Sweep(\"cards\", alerts.now())");
        }
        this.name = name;
        this.time = time;
    }

    public String getName() {
        return name;
    }

    /** When the round last went (epoch ms). */
    public long getTime() {
        return time;
    }

    public void setTime(long time) {
        this.time = time;
    }

    @Override
    public String toString() {
        return "Sweep[" + name + " at " + time + "]";
    }
}
