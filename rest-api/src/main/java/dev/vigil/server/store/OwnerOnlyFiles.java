package dev.vigil.server.store;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * H2's files, created readable by their owner only: the database ({@code .mv.db}), its trace file,
 * the temporary files of large results and of compaction. H2 creates them with the process's umask
 * (0644 as a rule) and at any time (the trace file on the first error, temporary files under load),
 * so they are made owner-only where H2 creates them: a database URL of the form
 * {@code jdbc:h2:ownerOnly:/path/name} routes its file operations through here. Public, with a
 * public constructor, only because H2 makes one instance per path by reflection.
 */
public final class OwnerOnlyFiles extends FilePathWrapper {
    static final String SCHEME = "ownerOnly";

    static {
        FilePath.register(new OwnerOnlyFiles());
    }

    /** The URL path of the database {@code file} (without H2's suffix), its files created owner-only. */
    static String path(Path file) {
        return SCHEME + ":" + file.toAbsolutePath();
    }

    public OwnerOnlyFiles() {
        // One per path, made by H2 (FilePathWrapper.wrap).
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        boolean existed = getBase().exists();
        var channel = getBase().open(mode);
        if (!existed) {
            ownerOnly();
        }
        return channel;
    }

    @Override
    public OutputStream newOutputStream(boolean append) throws IOException {
        boolean existed = getBase().exists();
        var out = getBase().newOutputStream(append);
        if (!existed) {
            ownerOnly();
        }
        return out;
    }

    @Override
    public boolean createFile() {
        if (!getBase().createFile()) {
            return false;
        }
        try {
            ownerOnly();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    @Override
    public FilePath createTempFile(String suffix, boolean inTempDir) throws IOException {
        var created = (OwnerOnlyFiles) super.createTempFile(suffix, inTempDir);
        created.ownerOnly();
        return created;
    }

    private void ownerOnly() throws IOException {
        DataFolder.ownerOnlyFile(Path.of(getBase().toString()));
    }
}
