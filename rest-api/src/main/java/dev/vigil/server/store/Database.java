package dev.vigil.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

/** The server's embedded H2 database, migrated to the current schema by Flyway when opened. */
public final class Database implements AutoCloseable {
    private final JdbcConnectionPool pool;

    private Database(String url) {
        this.pool = JdbcConnectionPool.create(url, "vigil", "");
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
    }

    /** The database file {@code vigil} in {@code dataDirectory}, created when missing, readable by its owner only. */
    public static Database open(Path dataDirectory) {
        return new Database(url(dataDirectory));
    }

    /**
     * The JDBC URL of the database in {@code dataDirectory}. Another connection opened in the
     * server's process must use this very URL: H2 shares an open database only under the same name.
     */
    public static String url(Path dataDirectory) {
        return "jdbc:h2:" + OwnerOnlyFiles.path(dataDirectory.resolve("vigil")) + ";AUTO_SERVER=FALSE";
    }

    /** A private in-memory database that lives as long as this object. */
    public static Database inMemory(String name) {
        return new Database("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    }

    public DataSource dataSource() {
        return pool;
    }

    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() {
        try (var c = pool.getConnection(); var s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            // Already closed, or closing anyway: nothing to keep.
        }
        pool.dispose();
    }
}
