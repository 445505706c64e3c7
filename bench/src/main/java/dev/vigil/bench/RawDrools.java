package dev.vigil.bench;

import org.kie.api.KieServices;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.definition.type.FactType;
import org.kie.api.runtime.KieContainer;
import org.kie.api.runtime.KieSession;

/**
 * A plain Drools 10.2.0 stream-mode session over one DRL, with Drools' own pseudo clock: the raw
 * baseline the benchmarks hold Vigil against. Close it to dispose of the session and its module.
 */
final class RawDrools implements AutoCloseable {
    private final KieServices ks = KieServices.get();
    private final ReleaseId releaseId;
    private final KieContainer container;
    private final KieSession session;

    RawDrools(String drl) {
        var kfs = ks.newKieFileSystem();
        releaseId = ks.newReleaseId("bench", "raw", "1.0." + System.nanoTime());
        kfs.generateAndWritePomXML(releaseId);
        kfs.writeKModuleXML("""
                <kmodule xmlns="http://www.drools.org/xsd/kmodule">
                  <kbase name="raw" default="true" eventProcessingMode="stream">
                    <ksession name="raw" default="true" type="stateful" clockType="pseudo"/>
                  </kbase>
                </kmodule>
                """);
        kfs.write("src/main/resources/bench/raw.drl", drl);
        var results = ks.newKieBuilder(kfs).buildAll().getResults();
        if (results.hasMessages(Message.Level.ERROR)) {
            throw new IllegalStateException(results.toString());
        }
        container = ks.newKieContainer(releaseId);
        session = container.newKieSession();
        DroolsOwnClock.use(session);
    }

    KieSession session() {
        return session;
    }

    /** The declared type {@code bench.name}. */
    FactType type(String name) {
        return container.getKieBase().getFactType("bench", name);
    }

    @Override
    public void close() {
        session.dispose();
        container.dispose();
        ks.getRepository().removeKieModule(releaseId);
    }
}
