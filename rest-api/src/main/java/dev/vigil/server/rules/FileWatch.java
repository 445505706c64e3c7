package dev.vigil.server.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when the content of some small files changes (a tokens file, a certificate and its
 * key), checking every so often.
 *
 * <p>Content, not modification time: a secret mounted by Kubernetes is swapped through a symbolic
 * link, an editor may keep the time, and a certificate renewal writes the key and the certificate
 * one after the other (the callback runs on the next check that sees them both changed, or again
 * on the one after). A file that cannot be read counts as changed once it can be read again; the
 * callback decides what a half-written or broken file means.
 */
public final class FileWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileWatch.class);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        var t = new Thread(r, "vigil-file-watch");
        t.setDaemon(true);
        return t;
    });

    /** Checks {@code files} every {@code every} and runs {@code onChange} when any of them reads differently than before. */
    public void watch(List<Path> files, Duration every, Runnable onChange) {
        var last = new byte[][] {fingerprint(files)};
        timer.scheduleWithFixedDelay(() -> {
            try {
                var now = fingerprint(files);
                if (now != null && !Arrays.equals(now, last[0])) {
                    last[0] = now;
                    onChange.run();
                }
            } catch (RuntimeException e) {
                LOG.error("reloading {} failed", files, e);
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A digest of the files' contents; null when one cannot be read now. */
    private static byte[] fingerprint(List<Path> files) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            for (var file : files) {
                digest.update(Files.readAllBytes(file));
                digest.update((byte) 0);
            }
            return digest.digest();
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
