package dev.vigil.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files H2 writes into the data folder, whenever it writes them, are readable by their owner only. */
class DatabaseFilesTest {
    @TempDir
    Path data;

    private Map<String, String> permissions() throws IOException {
        var out = new TreeMap<String, String>();
        try (Stream<Path> files = Files.list(data)) {
            for (var file : files.toList()) {
                out.put(file.getFileName().toString(), PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            }
        }
        return out;
    }

    @Test
    void theTraceFile_andTheFileACompactionRewrites_areTheOwnersOnly() throws Exception {
        var database = Database.open(data);
        try (var c = database.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("SET TRACE_LEVEL_FILE 3");
            s.execute("CREATE TABLE scratch (x INT)");
            s.execute("SHUTDOWN COMPACT");
        } finally {
            database.close();
        }

        assertThat(permissions()).containsExactlyInAnyOrderEntriesOf(Map.of("vigil.mv.db", "rw-------", "vigil.trace.db", "rw-------"));
    }

    @Test
    void aSecondConnectionInTheServersProcess_sharesTheOpenDatabase() throws Exception {
        try (var database = Database.open(data);
             var side = DriverManager.getConnection(Database.url(data), "vigil", "");
             var rs = side.createStatement().executeQuery("SELECT COUNT(*) FROM audit_log")) {
            assertThat(rs.next()).isTrue();
        }
    }
}
