package dev.vigil.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's data folder, readable by its owner only: the folder and those under it 0700, its
 * files 0600 (the database, the admin token, the secret key, replay inputs). A folder found with
 * looser permissions is tightened on start, and each change is logged. On a file system without
 * POSIX permissions nothing is changed.
 */
public final class DataFolder {
    private static final Logger LOG = LoggerFactory.getLogger(DataFolder.class);
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private DataFolder() {
    }

    /**
     * Creates {@code folder} for its owner only, or, when it exists, takes from it and from every
     * folder and file under it what group and others may do. Symbolic links inside are left alone.
     */
    public static void secure(Path folder) {
        try {
            if (Files.notExists(folder)) {
                createFolder(folder);
                return;
            }
            if (!posix(folder)) {
                return;
            }
            // The folder may be a link to where the data lives; links inside it are left alone.
            try (Stream<Path> paths = Files.walk(folder.toRealPath())) {
                for (var path : paths.filter(p -> !Files.isSymbolicLink(p)).toList()) {
                    tighten(path);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the data folder " + folder.toAbsolutePath() + " readable by its owner only"
                    + " (" + e + "): give the server's user a folder of its own", e);
        }
    }

    /** Creates {@code folder} (and missing parents) when it does not exist; the folder itself only its owner may enter. */
    /**
     * This server's id among those that share Kafka consumer groups: made once, kept in the data
     * folder's {@code instance-id}, so that a restart is known as the same instance.
     */
    public static String instanceId(Path folder) {
        var file = folder.resolve("instance-id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            var id = UUID.randomUUID().toString();
            writeOwnerOnly(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep this server's instance id in " + file, e);
        }
    }

    public static Path createFolder(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return folder;
        }
        Files.createDirectories(folder);
        ownerOnly(folder, FOLDER);
        return folder;
    }

    /** Writes {@code text} to {@code file} readable by its owner only, replacing it whole (never half written). */
    public static void writeOwnerOnly(Path file, String text) throws IOException {
        var fresh = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(fresh);
        Files.createFile(fresh);
        ownerOnly(fresh, FILE);
        Files.writeString(fresh, text, StandardCharsets.UTF_8);
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Takes from a file just created what group and others may do (the process's umask gave them). */
    static void ownerOnlyFile(Path file) throws IOException {
        ownerOnly(file, FILE);
    }

    private static void ownerOnly(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (posix(path)) {
            Files.setPosixFilePermissions(path, permissions);
        } else {
            path.toFile().setReadable(false, false);
            path.toFile().setReadable(true, true);
        }
    }

    private static void tighten(Path path) throws IOException {
        var before = Files.getPosixFilePermissions(path);
        var after = EnumSet.noneOf(PosixFilePermission.class);
        after.addAll(before);
        after.removeAll(GROUP_AND_OTHERS);
        if (!after.equals(before)) {
            Files.setPosixFilePermissions(path, after);
            LOG.warn("data folder: {} was {}, now {}: only the owner may read the data folder", path.toAbsolutePath(),
                    PosixFilePermissions.toString(before), PosixFilePermissions.toString(after));
        }
    }

    private static boolean posix(Path path) {
        return Files.getFileAttributeView(path, PosixFileAttributeView.class) != null;
    }
}
