package dev.vigil.architecture.broken;

import dev.vigil.engine.session.LiveRuleSet;

/** Breaks the engine's boundary: it names an engine internal. */
final class ReachesAnInternal {
    private LiveRuleSet live;

    LiveRuleSet live() {
        return live;
    }
}
