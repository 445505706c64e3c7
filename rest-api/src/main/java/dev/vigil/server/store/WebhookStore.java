package dev.vigil.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.Severity;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Webhook subscriptions and their outbox of deliveries. Outbox rows are written in the
 * transaction that stores the alerts, so an alert is never stored without its deliveries.
 * Secrets are stored encrypted ({@link SecretCipher}) and decrypted as they are read.
 */
public final class WebhookStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private final Database database;
    private final ObjectMapper json;
    private final SecretCipher secrets;

    public WebhookStore(Database database, ObjectMapper json, SecretCipher secrets) {
        this.database = database;
        this.json = json;
        this.secrets = secrets;
    }

    /** Whether any subscription's secret is stored encrypted: then only the key that encrypted it may be used. */
    public static boolean holdsEncryptedSecrets(Database database) {
        try (var c = database.connection(); var st = c.prepareStatement("SELECT COUNT(*) FROM webhook WHERE secret LIKE ?")) {
            st.setString(1, SecretCipher.PREFIX + "%");
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new StoreException("reading webhooks", e);
        }
    }

    /**
     * Encrypts the secrets an older version stored in plain text, and checks that every encrypted one
     * decrypts with the key (IllegalStateException saying so when one does not); returns how many it
     * encrypted. Run on every start: what is encrypted already is left as it is.
     */
    public int encryptPlainSecrets() {
        try (var c = database.connection()) {
            c.setAutoCommit(false);
            int encrypted = 0;
            try (var read = c.prepareStatement("SELECT id, secret FROM webhook ORDER BY id");
                 var write = c.prepareStatement("UPDATE webhook SET secret = ? WHERE id = ? AND secret = ?");
                 var rs = read.executeQuery()) {
                while (rs.next()) {
                    var id = rs.getString(1);
                    var stored = rs.getString(2);
                    if (SecretCipher.isSealed(stored)) {
                        secrets.open(stored, owner(id));
                        continue;
                    }
                    write.setString(1, secrets.seal(stored, owner(id)));
                    write.setString(2, id);
                    write.setString(3, stored);
                    encrypted += write.executeUpdate();
                }
                c.commit();
                return encrypted;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("encrypting webhook secrets", e);
        }
    }

    /** What a webhook's secret is bound to when encrypted: its id. */
    private static String owner(String webhookId) {
        return "webhook " + webhookId;
    }

    /**
     * A subscription.
     *
     * @param ruleSets    rule sets whose alerts it takes; empty for all
     * @param rules       rules whose alerts it takes; empty for all
     * @param minSeverity the lowest severity it takes
     * @param format      vigil, alertmanager or slack
     */
    public record Subscription(String id, String url, List<String> ruleSets, List<String> rules, Severity minSeverity, String format,
                               String secret, Instant createdAt) {
        public Subscription {
            ruleSets = List.copyOf(ruleSets);
            rules = List.copyOf(rules);
        }

        /** Whether this subscription takes {@code alert}. */
        public boolean wants(Alert alert) {
            return (ruleSets.isEmpty() || ruleSets.contains(alert.ruleSet())) && (rules.isEmpty() || rules.contains(alert.rule()))
                    && alert.severity().compareTo(minSeverity) >= 0;
        }
    }

    /** A delivery of one alert to one subscription, and how it went so far. */
    public record Delivery(long seq, String webhookId, String alertId, String state, int attempts, Integer lastStatus, String lastError,
                           Instant nextAttempt, Instant createdAt, Instant deliveredAt) {
    }

    public void save(Subscription s) {
        try (var c = database.connection(); var st = c.prepareStatement("INSERT INTO webhook (id, url, rule_sets, rules, min_severity, format,"
                + " secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            st.setString(1, s.id());
            st.setString(2, s.url());
            st.setString(3, write(s.ruleSets()));
            st.setString(4, write(s.rules()));
            st.setString(5, s.minSeverity().label());
            st.setString(6, s.format());
            st.setString(7, secrets.seal(s.secret(), owner(s.id())));
            st.setTimestamp(8, Timestamp.from(s.createdAt()));
            st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("storing webhook " + s.id(), e);
        }
    }

    public List<Subscription> all() {
        try (var c = database.connection(); var st = c.prepareStatement("SELECT * FROM webhook ORDER BY created_at, id");
             var rs = st.executeQuery()) {
            var out = new ArrayList<Subscription>();
            while (rs.next()) {
                out.add(subscription(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("reading webhooks", e);
        }
    }

    /** Removes a subscription and its outbox; false when there was none. */
    public boolean delete(String id) {
        try (var c = database.connection()) {
            c.setAutoCommit(false);
            try (var d = c.prepareStatement("DELETE FROM webhook_delivery WHERE webhook_id = ?");
                 var w = c.prepareStatement("DELETE FROM webhook WHERE id = ?")) {
                d.setString(1, id);
                d.executeUpdate();
                w.setString(1, id);
                boolean found = w.executeUpdate() == 1;
                c.commit();
                return found;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("deleting webhook " + id, e);
        }
    }

    /** Adds an outbox row for each alert and each subscription that wants it, on {@code c}, in its transaction. */
    public void enqueue(Connection c, List<Alert> alerts, List<Subscription> subscriptions, Instant now) throws SQLException {
        if (subscriptions.isEmpty() || alerts.isEmpty()) {
            return;
        }
        try (var st = c.prepareStatement("INSERT INTO webhook_delivery (webhook_id, alert_id, state, attempts, next_attempt, created_at)"
                + " VALUES (?, ?, 'pending', 0, ?, ?)")) {
            int n = 0;
            for (var alert : alerts) {
                for (var s : subscriptions) {
                    if (s.wants(alert)) {
                        st.setString(1, s.id());
                        st.setString(2, alert.id());
                        st.setTimestamp(3, Timestamp.from(now));
                        st.setTimestamp(4, Timestamp.from(now));
                        st.addBatch();
                        n++;
                    }
                }
            }
            if (n > 0) {
                st.executeBatch();
            }
        }
    }

    /**
     * Adds one delivery outside any alert (a test delivery), first tried at {@code next}: the
     * delivery, or empty when the subscription has one of that alert already.
     */
    public Optional<Delivery> enqueue(String webhookId, String alertId, Instant now, Instant next) {
        try (var c = database.connection(); var st = c.prepareStatement("INSERT INTO webhook_delivery (webhook_id, alert_id, state, attempts,"
                + " next_attempt, created_at) SELECT ?, ?, 'pending', 0, ?, ? FROM DUAL WHERE NOT EXISTS"
                + " (SELECT 1 FROM webhook_delivery WHERE webhook_id = ? AND alert_id = ?)")) {
            st.setString(1, webhookId);
            st.setString(2, alertId);
            st.setTimestamp(3, Timestamp.from(next));
            st.setTimestamp(4, Timestamp.from(now));
            st.setString(5, webhookId);
            st.setString(6, alertId);
            return st.executeUpdate() == 1 ? delivery(c, webhookId, alertId) : Optional.empty();
        } catch (SQLException e) {
            throw new StoreException("queueing a delivery", e);
        }
    }

    private static Optional<Delivery> delivery(Connection c, String webhookId, String alertId) throws SQLException {
        try (var st = c.prepareStatement("SELECT * FROM webhook_delivery WHERE webhook_id = ? AND alert_id = ?")) {
            st.setString(1, webhookId);
            st.setString(2, alertId);
            try (var rs = st.executeQuery()) {
                return rs.next() ? Optional.of(delivery(rs)) : Optional.empty();
            }
        }
    }

    /**
     * The head of each subscription's queue (its oldest pending delivery) when it is due, except
     * for subscriptions in {@code busy}: deliveries go out one at a time per subscription, in order.
     */
    public List<Delivery> due(Instant now, Set<String> busy, int limit) {
        try (var c = database.connection(); var st = c.prepareStatement("SELECT d.* FROM webhook_delivery d JOIN (SELECT webhook_id, MIN(seq) AS head"
                + " FROM webhook_delivery WHERE state = 'pending' GROUP BY webhook_id) h ON d.seq = h.head WHERE d.next_attempt <= ?"
                + " ORDER BY d.next_attempt LIMIT ?")) {
            st.setTimestamp(1, Timestamp.from(now));
            st.setInt(2, limit + busy.size());
            try (var rs = st.executeQuery()) {
                var out = new ArrayList<Delivery>();
                while (rs.next() && out.size() < limit) {
                    var d = delivery(rs);
                    if (!busy.contains(d.webhookId())) {
                        out.add(d);
                    }
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("reading due deliveries", e);
        }
    }

    /** When the next pending head is due, or null when nothing is pending. */
    public Instant nextDue() {
        try (var c = database.connection(); var st = c.prepareStatement("SELECT MIN(next_attempt) FROM webhook_delivery WHERE state = 'pending'");
             var rs = st.executeQuery()) {
            rs.next();
            var t = rs.getTimestamp(1);
            return t == null ? null : t.toInstant();
        } catch (SQLException e) {
            throw new StoreException("reading due deliveries", e);
        }
    }

    /** Records an attempt: delivered, failed for good, or pending again at {@code next}. */
    public void attempted(long seq, String state, Integer status, String error, Instant next, Instant at) {
        try (var c = database.connection(); var st = c.prepareStatement("UPDATE webhook_delivery SET state = ?, attempts = attempts + 1,"
                + " last_status = ?, last_error = ?, next_attempt = ?, delivered_at = ? WHERE seq = ?")) {
            st.setString(1, state);
            if (status == null) {
                st.setNull(2, Types.INTEGER);
            } else {
                st.setInt(2, status);
            }
            st.setString(3, error == null ? null : error.length() > 1000 ? error.substring(0, 1000) : error);
            st.setTimestamp(4, Timestamp.from(next));
            st.setTimestamp(5, "delivered".equals(state) ? Timestamp.from(at) : null);
            st.setLong(6, seq);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("recording a delivery attempt", e);
        }
    }

    /**
     * Makes a delivery that was not delivered pending again, its age counted from {@code now} and
     * its next attempt at {@code next}: the delivery, or empty when there is none to retry.
     */
    public Optional<Delivery> retry(String webhookId, String alertId, Instant now, Instant next) {
        try (var c = database.connection(); var st = c.prepareStatement("UPDATE webhook_delivery SET state = 'pending', next_attempt = ?,"
                + " created_at = ? WHERE webhook_id = ? AND alert_id = ? AND state <> 'delivered'")) {
            st.setTimestamp(1, Timestamp.from(next));
            st.setTimestamp(2, Timestamp.from(now));
            st.setString(3, webhookId);
            st.setString(4, alertId);
            return st.executeUpdate() == 1 ? delivery(c, webhookId, alertId) : Optional.empty();
        } catch (SQLException e) {
            throw new StoreException("retrying a delivery", e);
        }
    }

    /** A subscription's deliveries, newest first, {@code limit} of them after position {@code before} (0: from the newest). */
    public List<Delivery> deliveries(String webhookId, long before, int limit) {
        try (var c = database.connection(); var st = c.prepareStatement("SELECT * FROM webhook_delivery WHERE webhook_id = ?"
                + (before > 0 ? " AND seq < ?" : "") + " ORDER BY seq DESC LIMIT ?")) {
            int i = 1;
            st.setString(i++, webhookId);
            if (before > 0) {
                st.setLong(i++, before);
            }
            st.setInt(i, limit);
            try (var rs = st.executeQuery()) {
                var out = new ArrayList<Delivery>();
                while (rs.next()) {
                    out.add(delivery(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("reading deliveries", e);
        }
    }

    public Optional<Delivery> delivery(String webhookId, String alertId) {
        try (var c = database.connection(); var st = c.prepareStatement("SELECT * FROM webhook_delivery WHERE webhook_id = ? AND alert_id = ?")) {
            st.setString(1, webhookId);
            st.setString(2, alertId);
            try (var rs = st.executeQuery()) {
                return rs.next() ? Optional.of(delivery(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("reading a delivery", e);
        }
    }

    /** How many deliveries wait. */
    public long pending() {
        try (var c = database.connection(); var st = c.prepareStatement("SELECT COUNT(*) FROM webhook_delivery WHERE state = 'pending'");
             var rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("counting deliveries", e);
        }
    }

    private Subscription subscription(ResultSet rs) throws SQLException {
        return new Subscription(rs.getString("id"), rs.getString("url"), read(rs.getString("rule_sets")), read(rs.getString("rules")),
                Severity.parse(rs.getString("min_severity")), rs.getString("format"),
                secrets.open(rs.getString("secret"), owner(rs.getString("id"))),
                rs.getTimestamp("created_at").toInstant());
    }

    private static Delivery delivery(ResultSet rs) throws SQLException {
        int status = rs.getInt("last_status");
        boolean noStatus = rs.wasNull();
        var delivered = rs.getTimestamp("delivered_at");
        return new Delivery(rs.getLong("seq"), rs.getString("webhook_id"), rs.getString("alert_id"), rs.getString("state"), rs.getInt("attempts"),
                noStatus ? null : status, rs.getString("last_error"), rs.getTimestamp("next_attempt").toInstant(),
                rs.getTimestamp("created_at").toInstant(), delivered == null ? null : delivered.toInstant());
    }

    private String write(List<String> values) {
        try {
            return json.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private List<String> read(String text) {
        try {
            return json.readValue(text, STRINGS);
        } catch (JsonProcessingException e) {
            throw new StoreException("a webhook's filter is not valid JSON", new SQLException(e));
        }
    }
}
