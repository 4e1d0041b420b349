package targetwatch.routes.ingest.jms;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** A queue consumed in transacted batches; see {@link BatchedJmsComponent}. Consumer only. */
public final class BatchedJmsEndpoint extends DefaultEndpoint {

    private final ConnectionFactory connectionFactory;
    private final String queue;
    /** The queue a message that cannot be taken goes to, in the same transaction. */
    private String deadLetterQueue;
    /** The most messages in one transaction. */
    private int batchSize = 500;
    /** The longest a batch collects messages before it is committed. */
    private long batchMillis = 50;
    /** The largest body read; larger messages are refused unread. */
    private long maxBodyBytes = 1024 * 1024;

    BatchedJmsEndpoint(String uri, BatchedJmsComponent component, ConnectionFactory connectionFactory, String queue) {
        super(uri, component);
        this.connectionFactory = connectionFactory;
        this.queue = queue;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("readings-jms only consumes; send with the jms component");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (deadLetterQueue == null || deadLetterQueue.isBlank()) {
            throw new IllegalArgumentException(getEndpointUri() + " needs a deadLetterQueue");
        }
        if (batchSize < 1 || batchMillis < 0 || maxBodyBytes < 1) {
            throw new IllegalArgumentException(getEndpointUri() + ": batchSize and maxBodyBytes must be at least 1,"
                    + " batchMillis at least 0");
        }
        BatchedJmsConsumer consumer = new BatchedJmsConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    IntakeHold hold() {
        return ((BatchedJmsComponent) getComponent()).hold();
    }

    ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    String queue() {
        return queue;
    }

    public String getDeadLetterQueue() {
        return deadLetterQueue;
    }

    public void setDeadLetterQueue(String deadLetterQueue) {
        this.deadLetterQueue = deadLetterQueue;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public long getBatchMillis() {
        return batchMillis;
    }

    public void setBatchMillis(long batchMillis) {
        this.batchMillis = batchMillis;
    }

    public long getMaxBodyBytes() {
        return maxBodyBytes;
    }

    public void setMaxBodyBytes(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }
}
