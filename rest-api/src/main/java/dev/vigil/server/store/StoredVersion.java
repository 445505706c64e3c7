package dev.vigil.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;

/**
 * A version of a rule set as it was deployed.
 *
 * @param name      the rule set
 * @param version   its number, from 1
 * @param files     path -> DRL text
 * @param settings  the settings as the API took them
 * @param createdAt when it was deployed
 * @param folder    the rules folder entry it was deployed from or written to ("rules/fraud"); null when it was
 *                  deployed through the API only
 */
public record StoredVersion(String name, int version, Map<String, String> files, ObjectNode settings, Instant createdAt, String folder) {
    public StoredVersion {
        files = Map.copyOf(files);
    }

    /** A version deployed through the API only. */
    public StoredVersion(String name, int version, Map<String, String> files, ObjectNode settings, Instant createdAt) {
        this(name, version, files, settings, createdAt, null);
    }
}
