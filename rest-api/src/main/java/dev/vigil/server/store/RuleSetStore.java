package dev.vigil.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Rule set versions, which one of each rule set is active, and whether that one failed. */
public final class RuleSetStore {
    private static final TypeReference<TreeMap<String, String>> FILES = new TypeReference<>() {
    };
    /** The longest failure reason kept, in characters (the column's size). */
    private static final int MAX_REASON = 4096;
    private final Database database;
    private final ObjectMapper json;

    public RuleSetStore(Database database, ObjectMapper json) {
        this.database = database;
        this.json = json;
    }

    /** The number the next version of {@code name} gets. */
    public int nextVersion(String name) {
        return versionNumber("SELECT COALESCE(MAX(version), 0) + 1 FROM rule_set_version WHERE name = ?", name);
    }

    /** The one number {@code sql}, a query of the versions of rule set {@code name}, answers. */
    private int versionNumber(String sql, String name) {
        try (var c = database.connection(); var s = c.prepareStatement(sql)) {
            s.setString(1, name);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        } catch (SQLException e) {
            throw new StoreException("reading the versions of rule set '" + name + "'", e);
        }
    }

    /** Stores {@code version} and makes it the active one, running: a failure of the one before is cleared. */
    public void saveActive(StoredVersion version) {
        try (var c = database.connection()) {
            c.setAutoCommit(false);
            try (var insert = c.prepareStatement(
                    "INSERT INTO rule_set_version (name, version, files, settings, created_at, folder) VALUES (?, ?, ?, ?, ?, ?)");
                 var activate = c.prepareStatement(
                         "MERGE INTO rule_set (name, active_version, failed_reason, failed_at) KEY (name) VALUES (?, ?, NULL, NULL)")) {
                insert.setString(1, version.name());
                insert.setInt(2, version.version());
                insert.setString(3, json.writeValueAsString(new TreeMap<>(version.files())));
                insert.setString(4, json.writeValueAsString(version.settings()));
                insert.setTimestamp(5, Timestamp.from(version.createdAt()));
                insert.setString(6, version.folder());
                insert.executeUpdate();
                activate.setString(1, version.name());
                activate.setInt(2, version.version());
                activate.executeUpdate();
                c.commit();
            } catch (SQLException | JsonProcessingException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new StoreException("saving version " + version.version() + " of rule set '" + version.name() + "'", e);
        }
    }

    /**
     * Keeps that {@code version} of {@code name} failed, with {@code reason}, if it is the active
     * one (a version deployed since is not); false when it is not.
     */
    public boolean markFailed(String name, int version, String reason, Instant at) {
        try (var c = database.connection();
             var s = c.prepareStatement("UPDATE rule_set SET failed_reason = ?, failed_at = ? WHERE name = ? AND active_version = ?")) {
            s.setString(1, reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON - 3) + "..." : reason);
            s.setTimestamp(2, Timestamp.from(at));
            s.setString(3, name);
            s.setInt(4, version);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("keeping the failure of version " + version + " of rule set '" + name + "'", e);
        }
    }

    /** Why the active version of each rule set that failed failed, by rule set name. */
    public Map<String, String> failures() {
        try (var c = database.connection();
             var s = c.prepareStatement("SELECT name, failed_reason FROM rule_set WHERE active_version IS NOT NULL AND failed_reason IS NOT NULL");
             var r = s.executeQuery()) {
            var out = new TreeMap<String, String>();
            while (r.next()) {
                out.put(r.getString(1), r.getString(2));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("reading the failed rule sets", e);
        }
    }

    /** Marks {@code name} as not running; its versions stay. */
    public void deactivate(String name) {
        try (var c = database.connection();
             var s = c.prepareStatement("UPDATE rule_set SET active_version = NULL, failed_reason = NULL, failed_at = NULL WHERE name = ?")) {
            s.setString(1, name);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("undeploying rule set '" + name + "'", e);
        }
    }

    /** The active version of every rule set that has one, by name. */
    public List<StoredVersion> active() {
        try (var c = database.connection(); var s = c.prepareStatement("""
                SELECT v.name, v.version, v.files, v.settings, v.created_at, v.folder
                FROM rule_set r JOIN rule_set_version v ON v.name = r.name AND v.version = r.active_version
                ORDER BY v.name""");
             var r = s.executeQuery()) {
            var out = new ArrayList<StoredVersion>();
            while (r.next()) {
                out.add(read(r));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("reading the active rule sets", e);
        }
    }

    /** The active version of {@code name}, when it has one. */
    public Optional<StoredVersion> active(String name) {
        try (var c = database.connection(); var s = c.prepareStatement("""
                SELECT v.name, v.version, v.files, v.settings, v.created_at, v.folder
                FROM rule_set r JOIN rule_set_version v ON v.name = r.name AND v.version = r.active_version
                WHERE r.name = ?""")) {
            s.setString(1, name);
            try (var r = s.executeQuery()) {
                return r.next() ? Optional.of(read(r)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("reading the active version of rule set '" + name + "'", e);
        }
    }

    /** The newest version of {@code name} that came from or was written to a rules folder; 0 when none did. */
    public int lastFromFolder(String name) {
        return versionNumber("SELECT COALESCE(MAX(version), 0) FROM rule_set_version WHERE name = ? AND folder IS NOT NULL", name);
    }

    /** One version of a rule set. */
    public Optional<StoredVersion> version(String name, int version) {
        try (var c = database.connection(); var s = c.prepareStatement(
                "SELECT name, version, files, settings, created_at, folder FROM rule_set_version WHERE name = ? AND version = ?")) {
            s.setString(1, name);
            s.setInt(2, version);
            try (var r = s.executeQuery()) {
                return r.next() ? Optional.of(read(r)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("reading version " + version + " of rule set '" + name + "'", e);
        }
    }

    /** Every version of a rule set, oldest first. */
    public List<StoredVersion> versions(String name) {
        try (var c = database.connection(); var s = c.prepareStatement(
                "SELECT name, version, files, settings, created_at, folder FROM rule_set_version WHERE name = ? ORDER BY version")) {
            s.setString(1, name);
            try (var r = s.executeQuery()) {
                var out = new ArrayList<StoredVersion>();
                while (r.next()) {
                    out.add(read(r));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("reading the versions of rule set '" + name + "'", e);
        }
    }

    private StoredVersion read(ResultSet r) throws SQLException {
        try {
            Map<String, String> files = new LinkedHashMap<>(json.readValue(r.getString("files"), FILES));
            var settings = (ObjectNode) json.readTree(r.getString("settings"));
            Instant created = r.getTimestamp("created_at").toInstant();
            return new StoredVersion(r.getString("name"), r.getInt("version"), files, settings, created, r.getString("folder"));
        } catch (JsonProcessingException e) {
            throw new SQLException("a stored rule set version is not valid JSON", e);
        }
    }
}
