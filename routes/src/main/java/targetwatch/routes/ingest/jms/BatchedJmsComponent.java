package targetwatch.routes.ingest.jms;

import java.util.Map;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * A JMS consumer that commits in batches, which Camel's own JMS components lack: {@code readings-jms:QUEUE} takes
 * up to {@code batchSize} messages (or what arrives in {@code batchMillis}) on one transacted session, hands them to
 * its route as one {@link JmsBatch}, and commits the session once the route has stored them.
 */
public final class BatchedJmsComponent extends DefaultComponent {

    private final ConnectionFactory connectionFactory;
    private final IntakeHold hold = new IntakeHold();

    /** @param connectionFactory a plain (not pooled) factory: the consumer keeps its one connection open */
    public BatchedJmsComponent(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    /** Whether a consumer of this component holds a batch for the database to answer again. */
    public IntakeHold hold() {
        return hold;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        BatchedJmsEndpoint endpoint = new BatchedJmsEndpoint(uri, this, connectionFactory, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
