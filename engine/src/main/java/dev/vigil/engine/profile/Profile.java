package dev.vigil.engine.profile;

/**
 * One key's history of one measure, held as time buckets of summaries instead of raw events.
 *
 * <p>A rule that judges an event by what its key did over days ("a payment above what this card
 * usually spends in 30 days") would otherwise keep every event of those days in working memory
 * and fold them all again for each new one. A profile keeps, per bucket of time (a day, an hour),
 * the count, sum, sum of squares, lowest and highest of the values added in it, their quantile
 * sketch and the labels noted in it; buckets are reused as time passes, so memory grows with keys
 * times buckets, never with events. Rules insert one profile per key, {@link #add} to it in place
 * (not through {@code modify}: nothing else needs evaluating again), read it through a
 * {@link Summary} with {@code from}, and delete it once it is {@link #idle}.
 *
 * <p>Buckets are aligned to the epoch in UTC ({@code 1d} buckets run from midnight UTC), and a
 * bucket's age counts whole buckets back from the bucket of the time asked about. A profile
 * belongs to one session's thread, like every fact.
 */
public final class Profile {
    /** The most buckets one profile holds: its span divided by its bucket. */
    public static final int MAX_BUCKETS = 10_000;
    private static final long MIN_BUCKET = 1_000;

    private final String name;
    private final Object key;
    private final long bucket;
    private final int slots;
    private final Bucket[] ring;
    private long lastTime = Long.MIN_VALUE;
    private long opened = Long.MIN_VALUE;
    /**
     * The last summary of a range of ages, and what it was asked for: rules judging one event ask
     * for the same range several times before the event is added, and a summary's quantiles, once
     * worked out, are kept in it. Any add or note makes it stale.
     */
    private Summary cached;
    private long cachedBucket;
    private long cachedFrom;
    private long cachedTo;

    private Profile(String name, Object key, long bucket, int slots) {
        this.name = name;
        this.key = key;
        this.bucket = bucket;
        this.slots = slots;
        this.ring = new Bucket[slots];
    }

    /**
     * A profile named {@code name} (what it measures: rules find it by name and key) of {@code key},
     * keeping {@code span} of history in buckets of {@code bucket}, for example
     * {@code Profile.of("amount", $card, "1d", "30d")}.
     */
    public static Profile of(String name, Object key, String bucket, String span) {
        return of(name, key, Spans.millis(bucket), Spans.millis(span));
    }

    /** {@link #of(String, Object, String, String)} with the bucket and the span in milliseconds. */
    public static Profile of(String name, Object key, long bucketMillis, long spanMillis) {
        if (name == null || key == null) {
            throw new IllegalArgumentException("a profile needs a name and a key");
        }
        if (bucketMillis < MIN_BUCKET) {
            throw new IllegalArgumentException("a profile's bucket must be at least 1s, not " + bucketMillis + "ms");
        }
        if (spanMillis < bucketMillis) {
            throw new IllegalArgumentException("a profile's span must be at least its bucket");
        }
        long slots = (spanMillis + bucketMillis - 1) / bucketMillis;
        if (slots > MAX_BUCKETS) {
            throw new IllegalArgumentException("a profile holds at most " + MAX_BUCKETS + " buckets, and a span of "
                    + spanMillis / 1000 + "s in buckets of " + bucketMillis / 1000 + "s would need " + slots
                    + ": use longer buckets");
        }
        return new Profile(name, key, bucketMillis, (int) slots);
    }

    /** A duration as profiles take it ({@code 30m}, {@code 1h30m}, {@code 30d}), in milliseconds. */
    public static long duration(String text) {
        return Spans.millis(text);
    }

    public String getName() {
        return name;
    }

    public Object getKey() {
        return key;
    }

    /**
     * This profile, opened at {@code time} (epoch ms): until something is added or noted, it is idle
     * a whole span after that time rather than at once. A rule that opens a profile it may not feed
     * straight away says when, so that a round forgetting idle profiles does not delete it while the
     * event that opened it is still there to open it again:
     * {@code insert(Profile.of("amount", $card, "1d", "30d").openedAt(alerts.now()))}.
     */
    public Profile openedAt(long time) {
        this.opened = time;
        return this;
    }

    /** The latest time anything was added or noted; {@link Long#MIN_VALUE} before that. */
    public long getLastTime() {
        return lastTime;
    }

    /** The length of a bucket, in milliseconds. */
    public long getBucket() {
        return bucket;
    }

    /** How much history the profile keeps, in milliseconds: its buckets times their length. */
    public long getSpan() {
        return bucket * slots;
    }

    /** Adds a value measured at {@code time} (epoch milliseconds); one older than the span is left out. */
    public void add(long time, double value) {
        var b = bucketFor(time);
        if (b != null) {
            b.add(value);
        }
    }

    /** Notes a label seen at {@code time} (a country, a terminal): see {@link Summary#distinct} and {@link Summary#has}. */
    public void note(long time, String label) {
        if (label == null) {
            return;
        }
        var b = bucketFor(time);
        if (b != null) {
            b.note(label);
        }
    }

    /** The bucket of {@code time} and those before it, {@code span} in all: {@code last(t, "7d")}. */
    public Summary last(long time, String span) {
        return ages(time, 0, ceilBuckets(Spans.millis(span)));
    }

    /**
     * The buckets aged at least {@code from} and less than {@code to} before the bucket of
     * {@code time}: with daily buckets, {@code between(t, "1d", "30d")} is the 29 whole days before
     * the day of {@code t}, that day left out.
     */
    public Summary between(long time, String from, String to) {
        return ages(time, ceilBuckets(Spans.millis(from)), ceilBuckets(Spans.millis(to)));
    }

    /**
     * The buckets one, two, ... {@code periods} periods before the bucket of {@code time}: with
     * hourly buckets, {@code seasonal(t, "1d", 7)} is the same hour of the 7 days before, and
     * {@code seasonal(t, "7d", 4)} the same hour of the same weekday of the 4 weeks before.
     */
    public Summary seasonal(long time, String period, int periods) {
        long step = Spans.millis(period);
        if (step % bucket != 0) {
            throw new IllegalArgumentException("a seasonal period must be a whole number of the profile's buckets");
        }
        if (periods < 1) {
            throw new IllegalArgumentException("seasonal needs at least one period");
        }
        long current = Math.floorDiv(time, bucket);
        long stride = step / bucket;
        var summary = new Summary(bucket);
        for (int k = 1; k <= periods && k * stride < slots; k++) {
            summary.include(held(current - k * stride));
        }
        return summary;
    }

    /**
     * Whether nothing was added or noted for a whole span before {@code now}: the profile may be
     * deleted. One nothing was ever added to counts from when it was {@link #openedAt opened}, and
     * is idle at once when it was not told.
     */
    public boolean idle(long now) {
        long since = lastTime != Long.MIN_VALUE ? lastTime : opened;
        return since == Long.MIN_VALUE || now - since >= getSpan();
    }

    /** How many values the profile holds over its span. */
    public long events() {
        long n = 0;
        long current = lastTime == Long.MIN_VALUE ? 0 : Math.floorDiv(lastTime, bucket);
        for (var b : ring) {
            if (b != null && b.number > current - slots) {
                n += b.count;
            }
        }
        return n;
    }

    private Summary ages(long time, long from, long to) {
        long current = Math.floorDiv(time, bucket);
        if (cached != null && cachedBucket == current && cachedFrom == from && cachedTo == to) {
            return cached;
        }
        var summary = new Summary(bucket);
        for (long age = Math.max(0, from); age < Math.min(to, slots); age++) {
            summary.include(held(current - age));
        }
        cached = summary;
        cachedBucket = current;
        cachedFrom = from;
        cachedTo = to;
        return summary;
    }

    private long ceilBuckets(long millis) {
        return (millis + bucket - 1) / bucket;
    }

    /** The bucket numbered {@code number} if the ring still holds it. */
    private Bucket held(long number) {
        var b = ring[(int) Math.floorMod(number, (long) slots)];
        return b != null && b.number == number ? b : null;
    }

    /** The bucket to add to at {@code time}, emptied when it held older time; null when {@code time} is past the span. */
    private Bucket bucketFor(long time) {
        long number = Math.floorDiv(time, bucket);
        if (lastTime != Long.MIN_VALUE && number <= Math.floorDiv(lastTime, bucket) - slots) {
            return null;
        }
        int slot = (int) Math.floorMod(number, (long) slots);
        var b = ring[slot];
        if (b == null) {
            b = new Bucket();
            ring[slot] = b;
            b.reset(number);
        } else if (b.number < number) {
            b.reset(number);
        } else if (b.number > number) {
            return null;
        }
        lastTime = Math.max(lastTime, time);
        cached = null;
        return b;
    }

    @Override
    public String toString() {
        return "Profile[" + name + " of " + key + ", " + slots + " buckets of " + bucket / 1000 + "s]";
    }
}
