package dev.vigil.server.store;

import dev.vigil.engine.api.JournalReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** The journal of accepted events: what each rule set took, in the order it took it, in batches. */
public final class JournalStore implements JournalReader {
    private final Database database;

    private static final String OVERLAPS = "rule_set = ? AND (last_event_time IS NULL OR (last_event_time >= ? AND first_event_time < ?))";

    public JournalStore(Database database) {
        this.database = database;
    }

    /**
     * One journaled event.
     *
     * @param ruleSet    the rule set that accepted it
     * @param acceptedAt when the server accepted it
     * @param event      the event's JSON as posted (CloudEvents already in Vigil's shape)
     */
    public record Entry(String ruleSet, Instant acceptedAt, String event) {
    }

    /**
     * Events one request gave one rule set.
     *
     * @param ruleSet    the rule set that accepted them
     * @param acceptedAt when the server accepted them
     * @param events     each event's JSON on one line, as posted (CloudEvents already in Vigil's shape)
     * @param firstTime  the smallest event time among them, epoch milliseconds
     * @param lastTime   the largest
     */
    public record Chunk(String ruleSet, Instant acceptedAt, List<String> events, long firstTime, long lastTime) {
    }

    /** Appends {@code chunks} in one transaction: one row per rule set, its events as gzipped NDJSON. */
    public void append(List<Chunk> chunks) {
        append(chunks, false);
    }

    /**
     * Appends {@code chunks} in one transaction; with {@code sync}, then has the database write
     * everything committed to its file and the file to the disk ({@code CHECKPOINT SYNC}) before
     * returning: H2 otherwise keeps commits in memory for up to its write delay (half a second).
     */
    public void append(List<Chunk> chunks, boolean sync) {
        if (chunks.isEmpty()) {
            return;
        }
        var byRuleSet = new LinkedHashMap<String, List<Chunk>>();
        chunks.forEach(e -> byRuleSet.computeIfAbsent(e.ruleSet(), r -> new ArrayList<>()).add(e));
        try (var c = database.connection()) {
            c.setAutoCommit(false);
            try (var s = c.prepareStatement("INSERT INTO event_journal (rule_set, first_accepted_at, last_accepted_at, event_count, events_gzip,"
                    + " first_event_time, last_event_time) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (var batch : byRuleSet.entrySet()) {
                    var ofRuleSet = batch.getValue();
                    s.setString(1, batch.getKey());
                    s.setTimestamp(2, Timestamp.from(ofRuleSet.get(0).acceptedAt()));
                    s.setTimestamp(3, Timestamp.from(ofRuleSet.get(ofRuleSet.size() - 1).acceptedAt()));
                    s.setInt(4, ofRuleSet.stream().mapToInt(chunk -> chunk.events().size()).sum());
                    s.setBytes(5, gzip(ofRuleSet));
                    s.setLong(6, ofRuleSet.stream().mapToLong(Chunk::firstTime).min().orElseThrow());
                    s.setLong(7, ofRuleSet.stream().mapToLong(Chunk::lastTime).max().orElseThrow());
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
                if (sync) {
                    try (var checkpoint = c.createStatement()) {
                        checkpoint.execute("CHECKPOINT SYNC");
                    }
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("journaling " + chunks.stream().mapToInt(ch -> ch.events().size()).sum() + " events", e);
        }
    }

    /**
     * The events {@code ruleSet} accepted, oldest first, at most {@code limit}; each carries the
     * acceptance time of the first event of its batch.
     */
    public List<Entry> read(String ruleSet, int limit) {
        try (var c = database.connection(); var s = c.prepareStatement(
                "SELECT first_accepted_at, events, events_gzip FROM event_journal WHERE rule_set = ? ORDER BY seq")) {
            s.setString(1, ruleSet);
            try (var r = s.executeQuery()) {
                var out = new ArrayList<Entry>();
                while (r.next() && out.size() < limit) {
                    var at = r.getTimestamp(1).toInstant();
                    var gzipped = r.getBytes(3);
                    var text = gzipped == null ? r.getString(2) : gunzip(gzipped);
                    for (var line : text.split("\n")) {
                        if (!line.isEmpty() && out.size() < limit) {
                            out.add(new Entry(ruleSet, at, line));
                        }
                    }
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("reading the journal of rule set '" + ruleSet + "'", e);
        }
    }

    /** {@link #range(String, Instant, Instant)} from {@code from} to {@code latest} inclusive, in epoch ms. */
    @Override
    public Range range(String ruleSet, long from, long latest) {
        return range(ruleSet, Instant.ofEpochMilli(from), Instant.ofEpochMilli(latest + 1));
    }

    /**
     * The journaled events of {@code ruleSet} whose batches overlap the event-time range
     * {@code from} (inclusive) to {@code to} (exclusive), in the order they were accepted, read a
     * batch at a time while the caller iterates: close it when done. The caller drops the events
     * of those batches that fall outside the range (it decodes them anyway). Batches journaled
     * before event times were recorded are all read.
     */
    public Range range(String ruleSet, Instant from, Instant to) {
        try {
            return new Range(database.connection(), ruleSet, from, to);
        } catch (SQLException e) {
            throw new StoreException("reading the journal of rule set '" + ruleSet + "'", e);
        }
    }

    /**
     * The newest event time journaled for {@code ruleSet} from {@code earliest} to {@code latest}
     * (epoch milliseconds, both inclusive), of batches whose newest event is in that span; empty when
     * it has none. Times outside it, which older versions took, are left out of the answer.
     */
    @Override
    public OptionalLong latestEventTime(String ruleSet, long earliest, long latest) {
        try (var c = database.connection(); var s = c.prepareStatement(
                "SELECT MAX(last_event_time) FROM event_journal WHERE rule_set = ? AND last_event_time BETWEEN ? AND ?")) {
            s.setString(1, ruleSet);
            s.setLong(2, earliest);
            s.setLong(3, latest);
            try (var r = s.executeQuery()) {
                r.next();
                long newest = r.getLong(1);
                return r.wasNull() ? OptionalLong.empty() : OptionalLong.of(newest);
            }
        } catch (SQLException e) {
            throw new StoreException("reading the journal of rule set '" + ruleSet + "'", e);
        }
    }

    /**
     * How many events of {@code ruleSet} are in batches whose event times all fall outside
     * {@code earliest} to {@code latest} (epoch milliseconds, both inclusive).
     */
    @Override
    public long countOutside(String ruleSet, long earliest, long latest) {
        try (var c = database.connection(); var s = c.prepareStatement("SELECT COALESCE(SUM(event_count), 0) FROM event_journal"
                + " WHERE rule_set = ? AND (last_event_time < ? OR first_event_time > ?)")) {
            s.setString(1, ruleSet);
            s.setLong(2, earliest);
            s.setLong(3, latest);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("counting the journal of rule set '" + ruleSet + "'", e);
        }
    }

    /** How many events the batches of {@link #range} hold: at least as many as the range. */
    public long count(String ruleSet, Instant from, Instant to) {
        try (var c = database.connection(); var s = c.prepareStatement("SELECT COALESCE(SUM(event_count), 0) FROM event_journal WHERE " + OVERLAPS)) {
            s.setString(1, ruleSet);
            s.setLong(2, from.toEpochMilli());
            s.setLong(3, to.toEpochMilli());
            try (var r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("counting the journal of rule set '" + ruleSet + "'", e);
        }
    }

    /** A journal range being read: the events' JSON lines, one batch in memory at a time. */
    public static final class Range implements JournalReader.Lines {
        private final Connection connection;
        private final PreparedStatement statement;
        private final ResultSet rows;
        private Iterator<String> batch = Collections.emptyIterator();
        private String next;

        private Range(Connection connection, String ruleSet, Instant from, Instant to) throws SQLException {
            this.connection = connection;
            try {
                this.statement = connection.prepareStatement("SELECT events, events_gzip FROM event_journal WHERE " + OVERLAPS
                        + " ORDER BY seq");
                statement.setString(1, ruleSet);
                statement.setLong(2, from.toEpochMilli());
                statement.setLong(3, to.toEpochMilli());
                this.rows = statement.executeQuery();
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (batch.hasNext()) {
                    var line = batch.next();
                    if (!line.isEmpty()) {
                        next = line;
                    }
                    continue;
                }
                try {
                    if (!rows.next()) {
                        return false;
                    }
                    var gzipped = rows.getBytes(2);
                    batch = Arrays.asList((gzipped == null ? rows.getString(1) : gunzip(gzipped)).split("\n")).iterator();
                } catch (SQLException e) {
                    throw new StoreException("reading the journal", e);
                }
            }
            return true;
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            var out = next;
            next = null;
            return out;
        }

        @Override
        public void close() {
            try (connection; statement; rows) {
                // closed in reverse order by the try
            } catch (SQLException e) {
                throw new StoreException("closing a journal read", e);
            }
        }
    }

    private static byte[] gzip(List<Chunk> chunks) {
        var bytes = new ByteArrayOutputStream();
        // The fastest level: most of gzip's gain on repetitive JSON at a fraction of its default cost.
        try (var out = new GZIPOutputStream(bytes, 8192) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            for (var chunk : chunks) {
                for (var event : chunk.events()) {
                    out.write(event.getBytes(StandardCharsets.UTF_8));
                    out.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String gunzip(byte[] gzipped) {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("a journal batch is not valid gzip", e);
        }
    }

    /** Removes the batches whose events were all accepted before {@code cutoff}; returns how many batches. */
    public int deleteBefore(Instant cutoff) {
        try (var c = database.connection(); var s = c.prepareStatement("DELETE FROM event_journal WHERE last_accepted_at < ?")) {
            s.setTimestamp(1, Timestamp.from(cutoff));
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("trimming the journal", e);
        }
    }
}
