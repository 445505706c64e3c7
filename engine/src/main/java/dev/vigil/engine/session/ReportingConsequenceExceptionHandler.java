package dev.vigil.engine.session;

import dev.vigil.engine.alert.Alerts;
import org.kie.api.runtime.KieRuntime;
import org.kie.api.runtime.rule.ConsequenceException;
import org.kie.api.runtime.rule.ConsequenceExceptionHandler;
import org.kie.api.runtime.rule.Match;
import org.kie.api.runtime.rule.RuleRuntime;

/**
 * Reports a consequence that threw instead of letting it escape {@code fireAllRules()}, so the
 * session keeps running. Drools instantiates it by class name, configured for every KieBase in
 * {@code META-INF/kie.properties.conf}; a session without Vigil's alerts global gets the default
 * behaviour, a {@link ConsequenceException}.
 */
public final class ReportingConsequenceExceptionHandler implements ConsequenceExceptionHandler {
    @Override
    public void handleException(Match match, RuleRuntime runtime, Exception exception) {
        if (runtime instanceof KieRuntime kieRuntime && kieRuntime.getGlobal(Alerts.GLOBAL) instanceof Alerts alerts) {
            alerts.failed(match, exception);
            return;
        }
        throw new ConsequenceException(exception, runtime, match);
    }
}
