package dev.vigil.engine.api;

import java.util.List;

/**
 * What a candidate rule set changes in the alerts of a baseline, by alert id.
 *
 * @param added     alerts the candidate raises and the baseline does not
 * @param removed   alerts the baseline raises and the candidate does not
 * @param unchanged how many alerts both raise
 */
public record AlertDiff(List<Alert> added, List<Alert> removed, long unchanged) {
    public AlertDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }
}
