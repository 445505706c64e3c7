package dev.vigil.server.store;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The audit log: every change to what the server runs and who may use it, oldest first by sequence. */
public final class AuditStore {
    private final Database database;

    public AuditStore(Database database) {
        this.database = database;
    }

    /**
     * One change.
     *
     * @param seq    its place in the log
     * @param actor  the name of the token that made it, or {@code rules folder}
     * @param action what was done: deploy, rollback, undeploy, subscribe, unsubscribe, issue token, revoke token
     * @param target the rule set, webhook or token
     * @param detail more, such as the version deployed; may be null
     */
    public record Entry(long seq, Instant at, String actor, String action, String target, String detail) {
    }

    public void record(Instant at, String actor, String action, String target, String detail) {
        try (var c = database.connection();
             var s = c.prepareStatement("INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)")) {
            s.setTimestamp(1, Timestamp.from(at));
            s.setString(2, actor);
            s.setString(3, action);
            s.setString(4, target);
            s.setString(5, detail);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("recording '" + action + " " + target + "' in the audit log", e);
        }
    }

    /** At most {@code limit} entries, newest first, older than {@code before} (a sequence) when it is positive. */
    public List<Entry> list(int limit, long before) {
        try (var c = database.connection();
             var s = c.prepareStatement("SELECT seq, at, actor, action, target, detail FROM audit_log WHERE ? <= 0 OR seq < ?"
                     + " ORDER BY seq DESC LIMIT ?")) {
            s.setLong(1, before);
            s.setLong(2, before);
            s.setInt(3, limit);
            var out = new ArrayList<Entry>();
            try (var r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Entry(r.getLong(1), r.getTimestamp(2).toInstant(), r.getString(3), r.getString(4), r.getString(5),
                            r.getString(6)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("reading the audit log", e);
        }
    }
}
