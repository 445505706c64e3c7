package dev.vigil.server.store;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The journal of accepted events: what each rule set took, in the order it took it. */
public final class JournalStore {
    private final Database database;

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

    /** Appends {@code entries} in one transaction. */
    public void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        try (var c = database.connection()) {
            c.setAutoCommit(false);
            try (var s = c.prepareStatement("INSERT INTO event_journal (rule_set, accepted_at, event) VALUES (?, ?, ?)")) {
                for (var e : entries) {
                    s.setString(1, e.ruleSet());
                    s.setTimestamp(2, Timestamp.from(e.acceptedAt()));
                    s.setString(3, e.event());
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("journaling " + entries.size() + " events", e);
        }
    }

    /** The events {@code ruleSet} accepted, oldest first, at most {@code limit}. */
    public List<Entry> read(String ruleSet, int limit) {
        try (var c = database.connection(); var s = c.prepareStatement(
                "SELECT rule_set, accepted_at, event FROM event_journal WHERE rule_set = ? ORDER BY seq LIMIT ?")) {
            s.setString(1, ruleSet);
            s.setInt(2, limit);
            try (var r = s.executeQuery()) {
                var out = new ArrayList<Entry>();
                while (r.next()) {
                    out.add(new Entry(r.getString(1), r.getTimestamp(2).toInstant(), r.getString(3)));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("reading the journal of rule set '" + ruleSet + "'", e);
        }
    }

    /** Removes the events accepted before {@code cutoff}; returns how many. */
    public int deleteBefore(Instant cutoff) {
        try (var c = database.connection(); var s = c.prepareStatement("DELETE FROM event_journal WHERE accepted_at < ?")) {
            s.setTimestamp(1, Timestamp.from(cutoff));
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("trimming the journal", e);
        }
    }
}
