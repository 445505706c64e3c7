package dev.vigil.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import kafka.Kafka;
import kafka.tools.StorageTool;

/**
 * The main class of the child JVM that {@link KafkaBroker} starts: formats the broker's new storage,
 * then runs Kafka until it is stopped or the JVM that started it goes.
 *
 * <p>Arguments: the cluster id and the server.properties file, in the broker's own temporary folder.
 * Formatting here rather than in a JVM of its own saves a JVM start (a second of the broker's few).
 */
final class KafkaBrokerMain {
    private KafkaBrokerMain() {
    }

    public static void main(String[] args) {
        var settings = Path.of(args[1]).toAbsolutePath();
        var watch = new Thread(() -> stopWhenParentGoes(settings.getParent()), "parent-watch");
        watch.setDaemon(true);
        watch.start();
        int formatted = StorageTool.execute(new String[] {"format", "-t", args[0], "-c", settings.toString()}, System.out);
        if (formatted != 0) {
            System.exit(formatted);
        }
        Kafka.main(new String[] {settings.toString()});
    }

    /*
     * The parent never writes to this JVM's standard input and holds the pipe open while it lives:
     * the end of the input is the parent's end, even after a kill -9 that ran none of its shutdown
     * hooks. Nobody is left to delete the folder then, so this JVM deletes it and halts: Kafka's
     * orderly shutdown would only write to the files that are gone.
     */
    private static void stopWhenParentGoes(Path folder) {
        try {
            while (System.in.read() != -1) {
                continue;
            }
        } catch (IOException e) {
            // a broken pipe is the parent's end as well
        }
        try (var paths = Files.walk(folder)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // the halt comes all the same; a temporary folder is left behind
        }
        Runtime.getRuntime().halt(0);
    }
}
