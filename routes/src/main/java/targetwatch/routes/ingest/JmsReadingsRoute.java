package targetwatch.routes.ingest;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.builder.RouteBuilder;

import targetwatch.engine.model.PlainText;
import targetwatch.engine.readings.ReadingFormat;
import targetwatch.engine.readings.RejectedReading;
import targetwatch.routes.broker.BrokerAccounts;
import targetwatch.routes.broker.Sender;
import targetwatch.routes.ingest.jms.JmsBatch;
import targetwatch.routes.ingest.jms.ReceivedMessage;
import targetwatch.routes.notify.OutboxRelay;
import targetwatch.routes.service.IngestService;
import targetwatch.routes.service.Tenants;

/**
 * Source: JSON readings (one object or an array per message) on the Artemis queue {@code targetwatch.readings},
 * taken in batches: one database transaction and one JMS commit per batch of up to
 * {@code targetwatch.jms.batch-size} messages or {@code targetwatch.jms.batch-ms}, each reading assessed in queue
 * order. The ids of the messages taken are stored with their readings, so a batch delivered again changes nothing.
 * What cannot be parsed, validated or stored goes, in the same JMS transaction, to
 * {@code targetwatch.readings.DLQ} with its reason in the {@code TargetwatchReason} property, and the rest of its
 * batch is taken: never lost, never retried forever. The ids are forgotten after
 * {@code targetwatch.jms.processed-retention-hours}.
 */
public class JmsReadingsRoute extends RouteBuilder {

    public static final String REASON = JmsBatch.REASON;

    @Override
    public void configure() {
        ReadingFormat format = new ReadingFormat();
        from("readings-jms:{{targetwatch.queue.readings}}?deadLetterQueue={{targetwatch.queue.readings-dlq}}"
                + "&batchSize={{targetwatch.jms.batch-size}}&batchMillis={{targetwatch.jms.batch-ms}}"
                + "&maxBodyBytes={{targetwatch.max-message-bytes}}")
                .routeId("ingest-jms")
                .process(exchange -> {
                    JmsBatch batch = exchange.getIn().getMandatoryBody(JmsBatch.class);
                    Tenants service = exchange.getContext().getRegistry().findSingleByType(Tenants.class);
                    String onlyPartnership = service.only().map(Tenants.Tenant::id).orElse(null);
                    BrokerAccounts accounts = exchange.getContext().getRegistry()
                            .lookupByNameAndType("brokerAccounts", BrokerAccounts.class);
                    List<IngestService.Incoming> incoming = new ArrayList<>();
                    for (ReceivedMessage m : batch.messages()) {
                        // each reading as its sender's broker account may send it (its partnership, its source)
                        Sender sender = Sender.of(m.message(), accounts);
                        Batch parsed = new Batch("jms " + m.id(), sender::reading);
                        if (m.refusal() != null) {
                            parsed.reject(new RejectedReading(parsed.where(), 0, m.refusal()));
                        } else {
                            // a reading naming no partnership is its sender's, or the only one the service holds
                            format.withDefaultPartnership(sender.defaultPartnership().orElse(onlyPartnership)).parseJson(parsed.where(), new ByteArrayInputStream(m.body()), parsed);
                            String group = service.shared() && m.message() != null ? m.message().getStringProperty("JMSXGroupID") : null;
                            if (service.shared() && !parsed.readings().isEmpty()
                                    && !parsed.readings().get(0).reading().partnership().equals(group)) {
                                // instances share the queue: only the message group keeps a partnership's readings with
                                // one instance, in order
                                parsed = new Batch(parsed.where());
                                parsed.reject(new RejectedReading("jms " + m.id(), 0, "set the message's JMSXGroupID to its"
                                        + " readings' partnership: instances share this queue, and the group keeps each"
                                        + " partnership's readings in order with one of them (it is "
                                        + (group == null ? "not set" : "\"" + PlainText.forLog(group) + "\"") + ")"));
                            }
                        }
                        incoming.add(new IngestService.Incoming(m.id(), parsed.where(), parsed.readings(), parsed.rejected()));
                    }
                    List<IngestService.Taken> taken = service.ingestMessages(incoming, batch::current);
                    boolean alerts = false;
                    for (int i = 0; i < taken.size(); i++) {
                        IngestService.Taken t = taken.get(i);
                        alerts |= !t.result().alertEvents().isEmpty();
                        if (t.deadLetterReason() != null) {
                            batch.deadLetter(batch.messages().get(i), t.deadLetterReason(), t.result().accepted());
                            if (!t.repeat()) {
                                service.countDeadLettered();
                            }
                            log.warn("dead-lettered a reading message: {}", t.deadLetterReason());
                        }
                    }
                    if (alerts) {
                        exchange.getContext().getRegistry().findSingleByType(OutboxRelay.class).nudge();
                    }
                });

        // a message whose commit was lost is delivered again within moments (or when the broker is back): its id is
        // kept far longer than that, then forgotten so the table stays small
        from("timer:forget-processed-messages?delay=60000&period=3600000").routeId("forget-processed-messages")
                .process(exchange -> {
                    Tenants service = exchange.getContext().getRegistry().findSingleByType(Tenants.class);
                    Duration retention = Duration.ofHours(Long.parseLong(exchange.getContext()
                            .resolvePropertyPlaceholders("{{targetwatch.jms.processed-retention-hours}}")));
                    int forgotten = service.forgetProcessedMessages(service.clock().instant().minus(retention));
                    if (forgotten > 0) {
                        log.info("forgot the ids of {} messages taken more than {} hours ago", forgotten, retention.toHours());
                    }
                });
    }
}
