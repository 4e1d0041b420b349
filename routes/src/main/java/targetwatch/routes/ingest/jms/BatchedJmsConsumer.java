package targetwatch.routes.ingest.jms;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;
import org.apache.activemq.artemis.jms.client.JMSExceptionHelper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import targetwatch.engine.model.PlainText;
import targetwatch.engine.store.FencedOutException;
import targetwatch.engine.store.StoreException;
import targetwatch.routes.broker.MessageSize;

/**
 * The receiving loop of a {@code readings-jms} endpoint, on a thread of its own so that messages are taken in queue
 * order: waits for a message, then takes whatever else is already there (without waiting) up to the batch size or
 * the batch time, hands the batch to the route, and commits the session when the route succeeded or rolls it back
 * (the broker delivers the messages again) when it failed. Nothing waits when the queue is idle: a batch ends as
 * soon as no further message is there. A lost connection is opened again with back-off.
 */
final class BatchedJmsConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(BatchedJmsConsumer.class);
    /** How long a receive waits before it looks whether the consumer is stopping. */
    private static final long POLL_MS = 200;
    private static final Duration FIRST_BACK_OFF = Duration.ofMillis(500);
    private static final Duration LONGEST_BACK_OFF = Duration.ofSeconds(30);
    /** An upper bound on what a text message's encoding adds to twice its characters (Artemis keeps UTF-16). */
    private static final int TEXT_ENCODING_OVERHEAD = 16;

    /** What Artemis clients keep unless told: a connection silent this long is closed by the broker. */
    private static final Duration DEFAULT_CONNECTION_TTL = Duration.ofMinutes(1);

    private final BatchedJmsEndpoint endpoint;
    /** When the batch in hand began (System.nanoTime of its first message's receipt). */
    private long receivedAt;
    private ExecutorService executor;
    private volatile boolean running;
    private volatile CountDownLatch stopping;
    private volatile CountDownLatch stopped;

    BatchedJmsConsumer(BatchedJmsEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        running = true;
        stopping = new CountDownLatch(1);
        stopped = new CountDownLatch(1);
        executor = endpoint.getCamelContext().getExecutorServiceManager().newSingleThreadExecutor(this,
                "readings-jms " + endpoint.queue());
        executor.submit(this::receiveUntilStopped);
    }

    /** Lets the batch in hand finish and commit, then closes the connection. */
    @Override
    protected void doStop() throws Exception {
        running = false;
        if (stopping != null) {
            stopping.countDown();
        }
        if (stopped != null && !stopped.await(30, TimeUnit.SECONDS)) {
            LOG.warn("the consumer of {} did not stop within 30 s", endpoint.queue());
        }
        if (executor != null) {
            endpoint.getCamelContext().getExecutorServiceManager().shutdown(executor);
            executor = null;
        }
        super.doStop();
    }

    private void receiveUntilStopped() {
        Duration backOff = FIRST_BACK_OFF;
        try {
            while (running) {
                boolean[] broken = new boolean[1];
                try (Connection connection = endpoint.connectionFactory().createConnection()) {
                    connection.setExceptionListener(e -> {
                        broken[0] = true;
                        LOG.warn("the connection for {} failed: {}", endpoint.queue(), e.getMessage());
                    });
                    Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                    MessageConsumer consumer = session.createConsumer(session.createQueue(endpoint.queue()));
                    MessageProducer deadLetters = session.createProducer(session.createQueue(endpoint.getDeadLetterQueue()));
                    deadLetters.setDeliveryMode(DeliveryMode.PERSISTENT);
                    connection.start();
                    if (backOff != FIRST_BACK_OFF) {
                        LOG.info("consuming {} again", endpoint.queue());
                    }
                    backOff = FIRST_BACK_OFF;
                    while (running && !broken[0]) {
                        List<Message> batch = receiveBatch(consumer);
                        if (!batch.isEmpty() && !take(batch, session, deadLetters, () -> broken[0])
                                && stopping.await(backOff.toMillis(), TimeUnit.MILLISECONDS)) {
                            // rolled back for a fault of neither the messages nor the database: not at once again
                            break;
                        }
                    }
                } catch (JMSException | RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    LOG.warn("consuming {} failed ({}); trying again in {} ms", endpoint.queue(), e.getMessage(),
                            backOff.toMillis());
                    if (stopping.await(backOff.toMillis(), TimeUnit.MILLISECONDS)) {
                        break;
                    }
                    backOff = backOff.multipliedBy(2).compareTo(LONGEST_BACK_OFF) > 0 ? LONGEST_BACK_OFF : backOff.multipliedBy(2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    /** The first message waited for; then those already there, up to the batch's size or time. */
    private List<Message> receiveBatch(MessageConsumer consumer) throws JMSException {
        List<Message> batch = new ArrayList<>();
        // from when the message was asked for: the broker may have put it in the client's buffer at any moment since,
        // and a process that stood still inside this call finds it there when it resumes
        long asked = System.nanoTime();
        Message first = consumer.receive(POLL_MS);
        if (first == null) {
            return batch;
        }
        receivedAt = asked;
        batch.add(first);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(endpoint.getBatchMillis());
        while (batch.size() < endpoint.getBatchSize() && System.nanoTime() < deadline) {
            Message next = consumer.receiveNoWait();
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return batch;
    }

    /**
     * The route takes the batch; the session commits when it succeeded. While the database is not answering, the
     * batch is held (uncommitted, in hand) and taken again with back-off, so that an outage neither loses a reading nor
     * spends the broker's delivery attempts; it is given back (rolled back) if the consumer stops or its connection
     * breaks meanwhile. When another instance has taken a partnership of the batch over, or the batch was asked for
     * longer ago than the connection TTL (this process stood still), the session rolls back at once and the connection
     * is opened again (throwing {@link JMSException} to the receiving loop): the broker hands the messages, in their
     * order, to their partnership's owner, and what the client buffered before is dropped. Any other failure rolls
     * back too, and the broker counts it as a delivery attempt.
     *
     * @return false when the batch was rolled back for a fault of neither the messages nor the database (the caller
     *         waits before it receives again)
     */
    private boolean take(List<Message> messages, Session session, MessageProducer deadLetters,
                         java.util.function.BooleanSupplier broken) throws JMSException, InterruptedException {
        List<ReceivedMessage> received = new ArrayList<>(messages.size());
        for (Message m : messages) {
            received.add(read(m, endpoint.getMaxBodyBytes()));
        }
        JmsBatch batch = new JmsBatch(received, session, deadLetters, receivedAt, connectionTtl());
        Duration wait = FIRST_BACK_OFF;
        while (true) {
            Exchange exchange = createExchange(false);
            exchange.getIn().setBody(batch);
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            Exception failure = exchange.getException();
            releaseExchange(exchange, false);
            if (failure == null) {
                commitWithoutWaiting(session);
                endpoint.hold().released();
                return true;
            }
            if (running && !broken.getAsBoolean() && !batch.anyDeadLettered() && databaseNotAnswering(failure)) {
                LOG.warn("the database is not answering ({}): holding {} and taking it again in {} ms",
                        PlainText.forLog(failure.getMessage()), batch, wait.toMillis());
                endpoint.hold().failedAndHolding(messages.size(), java.time.Instant.now());
                if (!stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS) && !broken.getAsBoolean()) {
                    wait = wait.multipliedBy(2).compareTo(LONGEST_BACK_OFF) > 0 ? LONGEST_BACK_OFF : wait.multipliedBy(2);
                    continue;
                }
            }
            endpoint.hold().released();
            if (!batch.current()) {
                // received before this process stood still past the TTL: the broker has most likely given up on this
                // session and handed the messages on; what the client still buffers is stale too, so the connection
                // is opened again
                LOG.info("gave back {}, received longer ago than the broker's connection TTL: {}", batch,
                        PlainText.forLog(failure.getMessage()));
                try {
                    session.rollback();
                } catch (JMSException e) {
                    // the broker closed the session already, and gave the messages back itself
                }
                throw new JMSException("a batch outlived the connection TTL; consuming on a new connection");
            }
            session.rollback();
            if (cause(failure, FencedOutException.class)) {
                // this instance stood still or was cut off while another took a partnership over: what the client
                // buffers was handed out before that, so the connection is opened again
                LOG.info("gave {} back to the broker: {}", batch, PlainText.forLog(failure.getMessage()));
                throw new JMSException("fenced out of a partnership; consuming on a new connection");
            }
            getExceptionHandler().handleException("a batch of " + messages.size() + " message(s) from " + endpoint.queue()
                    + " failed and will be delivered again", failure);
            return false;
        }
    }

    /**
     * Commits the session without waiting for the broker's answer: the broker takes the commit in order with what the
     * session sends next, so the next batch is received and assessed while the broker writes and syncs the commit to
     * its journal (a blocking commit spent a fifth of intake's time waiting for that sync). What the batch brought is in
     * the database already, with its message ids: if the commit is lost (a crash, a broken connection, the broker
     * refusing it), the broker delivers the messages again and each is known as taken, so nothing is taken twice. A
     * dead letter sent in the batch's transaction is sent again with its redelivered message.
     */
    private static void commitWithoutWaiting(Session session) throws JMSException {
        if (!(session instanceof ActiveMQSession artemis)) {
            session.commit();
            return;
        }
        try {
            artemis.getCoreSession().commit(false);
        } catch (ActiveMQException e) {
            throw JMSExceptionHelper.convertFromActiveMQException(e);
        }
    }

    /** The connection TTL the broker holds this consumer's connection to: the client's, which it sends. */
    private Duration connectionTtl() {
        return endpoint.connectionFactory() instanceof org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory f
                && f.getConnectionTTL() > 0 ? Duration.ofMillis(f.getConnectionTTL()) : DEFAULT_CONNECTION_TTL;
    }

    /** A store failure that is not a fence's refusal: the database is down or cut off, no message is at fault. */
    private static boolean databaseNotAnswering(Throwable failure) {
        return cause(failure, StoreException.class) && !cause(failure, FencedOutException.class);
    }

    private static boolean cause(Throwable failure, Class<? extends Throwable> kind) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The message's id and body, or why its body is not read: a kind that carries no JSON (a map, stream or object
     * message is never deserialized), an empty body, or one larger than the limit, known from its length before
     * anything is read.
     */
    static ReceivedMessage read(Message m, long maxBytes) throws JMSException {
        String id = idOf(m);
        long declared = MessageSize.declared(m);
        if (declared > maxBytes) {
            // refused on its declared size: a large message's body stays on the broker, never read into memory
            return tooLarge(id, "message of " + declared + " bytes is larger than the limit of " + maxBytes, m);
        }
        if (m instanceof BytesMessage bytes) {
            long length = bytes.getBodyLength();
            if (length == 0) {
                return refused(id, "empty message: no reading in it", m);
            }
            if (length > maxBytes) {
                return tooLarge(id, "message of " + length + " bytes is larger than the limit of " + maxBytes, m);
            }
            byte[] body = new byte[(int) length];
            bytes.readBytes(body);
            return new ReceivedMessage(id, body, null, m, false);
        }
        if (m instanceof TextMessage text) {
            long charsAtLeast = m instanceof ActiveMQMessage a
                    ? Math.max(0, (a.getCoreMessage().getBodySize() - TEXT_ENCODING_OVERHEAD) / 2) : 0;
            if (charsAtLeast > maxBytes) {
                return tooLarge(id, "a text message of more than " + charsAtLeast + " characters is larger than the limit of "
                        + maxBytes + " bytes", m);
            }
            String body = text.getText();
            if (body == null || body.isEmpty()) {
                return refused(id, "empty message: no reading in it", m);
            }
            byte[] utf8 = body.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > maxBytes) {
                return refused(id, "message of " + utf8.length + " bytes is larger than the limit of " + maxBytes, m);
            }
            return new ReceivedMessage(id, utf8, null, m, false);
        }
        String kind = m.getClass().getSimpleName().replaceFirst("^ActiveMQ", "");
        return refused(id, "a " + kind + ": send a reading as JSON in a text or bytes message", m);
    }

    private static ReceivedMessage refused(String id, String why, Message m) {
        return new ReceivedMessage(id, null, why, m, false);
    }

    private static ReceivedMessage tooLarge(String id, String why, Message m) {
        return new ReceivedMessage(id, null, why, m, true);
    }

    /** JMSMessageID, or the broker's id of the message when its sender disabled message ids. */
    private static String idOf(Message m) throws JMSException {
        String id = m.getJMSMessageID();
        if (id != null) {
            return id;
        }
        return m instanceof ActiveMQMessage a ? "core:" + a.getCoreMessage().getMessageID() : null;
    }
}
