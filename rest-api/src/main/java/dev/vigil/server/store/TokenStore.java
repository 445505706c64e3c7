package dev.vigil.server.store;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Issued API tokens, by name: the SHA-256 of each token and its scopes. */
public final class TokenStore {
    private final Database database;

    public TokenStore(Database database) {
        this.database = database;
    }

    /**
     * An issued token.
     *
     * @param name   what it is for
     * @param hash   hex SHA-256 of the token
     * @param scopes comma-separated scope labels
     */
    public record Issued(String name, String hash, String scopes) {
    }

    /** Stores a token; false when the name is taken. */
    public boolean save(Issued token, Instant at) {
        try (var c = database.connection();
             var s = c.prepareStatement("INSERT INTO api_token (name, token_hash, scopes, created_at) SELECT ?, ?, ?, ? FROM DUAL"
                     + " WHERE NOT EXISTS (SELECT 1 FROM api_token WHERE name = ?)")) {
            s.setString(1, token.name());
            s.setString(2, token.hash());
            s.setString(3, token.scopes());
            s.setTimestamp(4, Timestamp.from(at));
            s.setString(5, token.name());
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("storing token '" + token.name() + "'", e);
        }
    }

    /** Removes a token; false when there was none of that name. */
    public boolean delete(String name) {
        try (var c = database.connection(); var s = c.prepareStatement("DELETE FROM api_token WHERE name = ?")) {
            s.setString(1, name);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("deleting token '" + name + "'", e);
        }
    }

    /** Every issued token, by name. */
    public Map<String, Issued> all() {
        try (var c = database.connection(); var s = c.prepareStatement("SELECT name, token_hash, scopes FROM api_token ORDER BY name");
             var r = s.executeQuery()) {
            var out = new LinkedHashMap<String, Issued>();
            while (r.next()) {
                out.put(r.getString(1), new Issued(r.getString(1), r.getString(2), r.getString(3)));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("reading the tokens", e);
        }
    }
}
