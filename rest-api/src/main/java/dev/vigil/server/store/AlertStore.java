package dev.vigil.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertContext;
import dev.vigil.engine.api.Severity;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Alerts as rules raised them; an alert raised again (same id) is stored once. */
public final class AlertStore {
    private static final TypeReference<List<String>> EVIDENCE = new TypeReference<>() {
    };
    private static final TypeReference<AlertContext> CONTEXT = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Object>> ATTRIBUTES = new TypeReference<>() {
    };
    private final Database database;
    private final ObjectMapper json;

    public AlertStore(Database database, ObjectMapper json) {
        this.database = database;
        this.json = json;
    }

    /** A stored alert and its position in the store, which cursors count by. */
    public record Stored(long position, Alert alert, Instant ackedAt) {
    }

    private static final String COLUMNS = "id, rule_set, version, rule, severity, alert_key, message, event_time, fired_at, evidence, context, attributes";
    private static final String INSERT = "INSERT INTO alert (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_IF_NEW = "INSERT INTO alert (" + COLUMNS + ") SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM DUAL"
            + " WHERE NOT EXISTS (SELECT 1 FROM alert WHERE id = ?)";

    /**
     * Stores {@code alerts} in one transaction, skipping ids already stored. The engine drops
     * repeats before they get here, so the batch is first inserted as it is; only when an id is
     * already stored (an alert raised again after a restart) is it inserted again row by row,
     * each only if new.
     */
    public void saveAll(List<Alert> alerts) {
        saveAll(alerts, (c, stored) -> { });
    }

    /** Work done in the transaction that stores alerts, with the alerts it stored (not those stored before). */
    @FunctionalInterface
    public interface WithStored {
        void accept(Connection c, List<Alert> stored) throws SQLException;
    }

    /** Like {@link #saveAll(List)}, doing {@code alsoDo} in the same transaction: the webhook outbox. */
    public void saveAll(List<Alert> alerts, WithStored alsoDo) {
        if (alerts.isEmpty()) {
            return;
        }
        try (var c = database.connection()) {
            c.setAutoCommit(false);
            try {
                insert(c, alerts, false);
                alsoDo.accept(c, alerts);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                if (!isDuplicateKey(e)) {
                    throw e;
                }
                try {
                    alsoDo.accept(c, insert(c, alerts, true));
                    c.commit();
                } catch (SQLException | RuntimeException again) {
                    c.rollback();
                    throw again;
                }
            } catch (RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("storing " + alerts.size() + " alerts", e);
        }
    }

    /** Inserts the alerts; the ones inserted (all of them, unless {@code onlyNew} skipped some already stored). */
    private List<Alert> insert(Connection c, List<Alert> alerts, boolean onlyNew) throws SQLException {
        try (var s = c.prepareStatement(onlyNew ? INSERT_IF_NEW : INSERT)) {
            for (var a : alerts) {
                s.setString(1, a.id());
                s.setString(2, a.ruleSet());
                s.setInt(3, a.version());
                s.setString(4, a.rule());
                s.setString(5, a.severity().label());
                s.setString(6, a.key());
                s.setString(7, a.message());
                s.setTimestamp(8, Timestamp.from(a.eventTime()));
                s.setTimestamp(9, Timestamp.from(a.firedAt()));
                s.setString(10, json(a.evidence()));
                s.setString(11, json(a.context()));
                s.setString(12, json(a.attributes()));
                if (onlyNew) {
                    s.setString(13, a.id());
                }
                s.addBatch();
            }
            int[] counts = s.executeBatch();
            if (!onlyNew) {
                return alerts;
            }
            var inserted = new ArrayList<Alert>();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] != 0) {
                    inserted.add(alerts.get(i));
                }
            }
            return inserted;
        }
    }

    private static boolean isDuplicateKey(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
            if (t instanceof BatchUpdateException batch && batch.getNextException() != null
                    && "23505".equals(batch.getNextException().getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private String json(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("an alert's evidence, context or attributes cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /** The alerts {@code query} selects, newest first. */
    public List<Stored> find(AlertQuery query) {
        var sql = new StringBuilder("SELECT * FROM alert WHERE 1 = 1");
        var args = new ArrayList<Object>();
        if (query.ruleSet() != null) {
            sql.append(" AND rule_set = ?");
            args.add(query.ruleSet());
        }
        if (query.rule() != null) {
            sql.append(" AND rule = ?");
            args.add(query.rule());
        }
        if (query.minSeverity() != null) {
            var allowed = Arrays.stream(Severity.values()).filter(s -> s.compareTo(query.minSeverity()) >= 0).map(Severity::label).toList();
            sql.append(" AND severity IN (").append(String.join(", ", allowed.stream().map(x -> "?").toList())).append(')');
            args.addAll(allowed);
        }
        if (query.key() != null) {
            sql.append(" AND alert_key = ?");
            args.add(query.key());
        }
        if (query.since() != null) {
            sql.append(" AND event_time >= ?");
            args.add(Timestamp.from(query.since()));
        }
        if (query.until() != null) {
            sql.append(" AND event_time < ?");
            args.add(Timestamp.from(query.until()));
        }
        if (query.before() > 0) {
            sql.append(" AND seq < ?");
            args.add(query.before());
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        args.add(query.limit());
        try (var c = database.connection(); var s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            try (var r = s.executeQuery()) {
                var out = new ArrayList<Stored>();
                while (r.next()) {
                    out.add(read(r));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("reading alerts", e);
        }
    }

    /** One alert by id. */
    public Optional<Stored> find(String id) {
        try (var c = database.connection(); var s = c.prepareStatement("SELECT * FROM alert WHERE id = ?")) {
            s.setString(1, id);
            try (var r = s.executeQuery()) {
                return r.next() ? Optional.of(read(r)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("reading alert " + id, e);
        }
    }

    /** Marks an alert as acknowledged at {@code at} (the first acknowledgement counts); false when there is no such alert. */
    public boolean ack(String id, Instant at) {
        try (var c = database.connection();
             var s = c.prepareStatement("UPDATE alert SET acked_at = COALESCE(acked_at, ?) WHERE id = ?")) {
            s.setTimestamp(1, Timestamp.from(at));
            s.setString(2, id);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("acknowledging alert " + id, e);
        }
    }

    private Stored read(ResultSet r) throws SQLException {
        try {
            var acked = r.getTimestamp("acked_at");
            var alert = new Alert(r.getString("id"), r.getString("rule_set"), r.getInt("version"), r.getString("rule"),
                    Severity.parse(r.getString("severity")), r.getString("alert_key"), r.getString("message"),
                    r.getTimestamp("event_time").toInstant(), r.getTimestamp("fired_at").toInstant(),
                    json.readValue(r.getString("evidence"), EVIDENCE), json.readValue(r.getString("context"), CONTEXT),
                    json.readValue(r.getString("attributes"), ATTRIBUTES));
            return new Stored(r.getLong("seq"), alert, acked == null ? null : acked.toInstant());
        } catch (JsonProcessingException e) {
            throw new SQLException("a stored alert is not valid JSON", e);
        }
    }
}
