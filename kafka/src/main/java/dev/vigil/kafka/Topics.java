package dev.vigil.kafka;

import dev.vigil.kafka.RuleSetConsumer.StartOver;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics Vigil writes (the alerts topic, the dead-letter topics) made when the cluster has
 * not, with the broker's default partitions and replication: a broker that creates no topic by
 * itself would refuse every record sent to them.
 */
final class Topics {
    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    private Topics() {
    }

    /**
     * Creates those of {@code topics} that do not exist.
     *
     * @throws StartOver when the cluster does not answer within 10 s or refuses them
     */
    static void createMissing(KafkaConfig config, List<String> topics) {
        var props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (var admin = Admin.create(props)) {
            var existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            var missing = topics.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, Optional.empty(), Optional.empty())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(10, TimeUnit.SECONDS);
                LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new StartOver("cannot create topics " + topics + ": " + e.getCause().getMessage());
            }
        } catch (TimeoutException e) {
            throw new StartOver("the Kafka cluster at " + config.bootstrap() + " did not answer within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartOver("interrupted");
        }
    }

}
