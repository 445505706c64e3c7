package dev.vigil.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The rule sets that a rules folder manages, as the API sees them: such a rule set is changed by
 * editing its files, and through the API only when the folder is writable, a deploy then writing
 * its files back to the folder.
 */
public interface ManagedRuleSets {
    /** No rules folder: no rule set is managed. */
    ManagedRuleSets NONE = new ManagedRuleSets() {
        @Override
        public Optional<String> managedBy(String name) {
            return Optional.empty();
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        public void writeBack(String name, Map<String, String> files, ObjectNode settings) {
            throw new IllegalStateException("rule set '" + name + "' is not managed by a folder");
        }

        @Override
        public Optional<String> drift(String name) {
            return Optional.empty();
        }
    };

    /** The folder that manages rule set {@code name}, as the server was given it joined with the name ("rules/fraud"); empty when none does. */
    Optional<String> managedBy(String name);

    /** Whether a deploy through the API may change a managed rule set, by writing its files back to the folder. */
    boolean writable();

    /**
     * Makes rule set {@code name}'s folder hold exactly {@code files} and {@code settings} (null: the defaults).
     *
     * @throws IOException when a file cannot be written; what was written stays
     */
    void writeBack(String name, Map<String, String> files, ObjectNode settings) throws IOException;

    /** Why rule set {@code name}'s running version is not what its folder holds, when it is not; empty when it is. */
    Optional<String> drift(String name);
}
