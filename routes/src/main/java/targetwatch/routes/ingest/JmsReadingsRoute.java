package targetwatch.routes.ingest;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

import jakarta.jms.BytesMessage;
import jakarta.jms.TextMessage;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsMessage;

import targetwatch.engine.readings.ReadingFormat;
import targetwatch.engine.readings.RejectedReading;
import targetwatch.routes.broker.BrokerAccounts;
import targetwatch.routes.broker.MessageSize;
import targetwatch.routes.broker.Sender;
import targetwatch.routes.service.IngestService;

/**
 * Source: JSON readings (one object or an array) on the Artemis queue {@code targetwatch.readings}.
 * Transacted: the message is acknowledged only after its readings were assessed. What cannot be parsed
 * or validated goes, in the same transaction, to {@code targetwatch.readings.DLQ} with its reason in the
 * {@code TargetwatchReason} property: never lost, never retried forever.
 */
public class JmsReadingsRoute extends RouteBuilder {

    public static final String REASON = "TargetwatchReason";

    @Override
    public void configure() {
        ReadingFormat format = new ReadingFormat();
        from("jms:queue:{{targetwatch.queue.readings}}?transacted=true&cacheLevelName=CACHE_CONSUMER")
                .routeId("ingest-jms")
                // no stream caching: it would read a StreamMessage's body before the check below refuses it
                .streamCache("false")
                .process(exchange -> {
                    String id = exchange.getIn().getHeader("JMSMessageID", String.class);
                    jakarta.jms.Message jms = exchange.getIn() instanceof JmsMessage m ? m.getJmsMessage() : null;
                    // each reading as its sender's broker account may send it (its partnership, its source)
                    Batch batch = new Batch("jms " + id, Sender.of(jms, exchange.getContext().getRegistry()
                            .lookupByNameAndType("brokerAccounts", BrokerAccounts.class))::reading);
                    byte[] body = null;
                    long max = exchange.getContext().resolvePropertyPlaceholders("{{targetwatch.max-message-bytes}}")
                            .transform(Long::parseLong);
                    if (MessageSize.declared(jms) > max) {
                        // refused on its declared size: the body stays on the broker, never read into memory
                        batch.reject(new RejectedReading(batch.where(), 0, "message of " + MessageSize.declared(jms)
                                + " bytes is larger than the limit of " + max));
                    } else if (jms == null || jms instanceof TextMessage || jms instanceof BytesMessage) {
                        body = exchange.getIn().getBody(byte[].class);
                    } else {
                        // a map, stream, object (never deserialized) or bodiless message: refused with its reason
                        // rather than failing to convert and being retried until the broker gives up on it
                        batch.reject(new RejectedReading(batch.where(), 0, "a " + jms.getClass().getSimpleName()
                                .replaceFirst("^ActiveMQ", "") + ": send a reading as JSON in a text or bytes message"));
                    }
                    if (!batch.rejected().isEmpty()) {
                        // nothing more to read
                    } else if (body == null || body.length == 0) {
                        batch.reject(new RejectedReading(batch.where(), 0, "empty message: no reading in it"));
                    } else if (body.length > max) {
                        batch.reject(new RejectedReading(batch.where(), 0, "message of " + body.length
                                + " bytes is larger than the limit of " + max));
                    } else {
                        format.parseJson(batch.where(), new ByteArrayInputStream(body), batch);
                    }
                    exchange.setProperty("original", body == null ? new byte[0] : body);
                    exchange.getIn().setBody(batch);
                })
                .to(IngestRoute.URI)
                .filter(exchange -> !exchange.getIn().getBody(IngestService.Result.class).rejected().isEmpty())
                    .process(exchange -> {
                        IngestService.Result result = exchange.getIn().getBody(IngestService.Result.class);
                        String reason = result.rejected().stream()
                                .map(r -> (r.row() == 0 ? "" : "item " + r.row() + ": ") + r.reason())
                                .collect(Collectors.joining("; "));
                        exchange.getIn().setHeader(REASON, reason.length() > 4000 ? reason.substring(0, 4000) + "..." : reason);
                        exchange.getIn().setHeader("TargetwatchAccepted", result.accepted());
                        exchange.getIn().setBody(new String(exchange.getProperty("original", byte[].class), StandardCharsets.UTF_8));
                        exchange.getContext().getRegistry().findSingleByType(IngestService.class).countDeadLettered();
                    })
                    .log(org.apache.camel.LoggingLevel.WARN, "dead-lettered a reading message: ${header.TargetwatchReason}")
                    .to("jms:queue:{{targetwatch.queue.readings-dlq}}")
                .end();
    }
}
