package targetwatch.routes.alerts;

import java.nio.charset.StandardCharsets;

import org.apache.camel.builder.RouteBuilder;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.component.jms.JmsMessage;

import targetwatch.routes.service.Tenants;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.PlainText;
import targetwatch.engine.model.Slugs;
import targetwatch.engine.rules.NoSuchAlertException;
import targetwatch.routes.broker.BrokerAccounts;
import targetwatch.routes.broker.Sender;
import targetwatch.routes.ingest.JmsReadingsRoute;
import targetwatch.routes.notify.OutboxRelay;

/**
 * Acknowledgements over JMS, for partners' and lead officers' own systems: {@code {"alert":"<id>","comment":"..."}} on
 * the queue {@code targetwatch.acks}, by the contact the sending broker account names ({@link Sender}; a {@code "by"}
 * naming anyone else is refused), who must have been told of the alert. Transacted: the message is taken only once the
 * acknowledgement is stored; one that cannot be taken (not JSON, no alert named, the alert not open) goes in the
 * same transaction to {@code targetwatch.acks.DLQ} with its reason in {@code TargetwatchReason}.
 */
public class JmsAcksRoute extends RouteBuilder {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JmsAcksRoute.class);

    private static final int MAX_BYTES = 16 * 1024;
    private static final int MAX_COMMENT = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).build());
    }

    /** Why a message is not an acknowledgement that can be taken. */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason);
        }
    }

    @Override
    public void configure() {
        from("jms:queue:{{targetwatch.queue.acks}}?transacted=true&cacheLevelName=CACHE_CONSUMER")
                .routeId("acks-jms")
                .doTry()
                    .process(exchange -> {
                        byte[] body = exchange.getIn().getBody(byte[].class);
                        Ack ack = parse(body);
                        Tenants service = exchange.getContext().getRegistry().findSingleByType(Tenants.class);
                        Sender sender = Sender.of(exchange.getIn() instanceof JmsMessage m ? m.getJmsMessage() : null,
                                exchange.getContext().getRegistry().lookupByNameAndType("brokerAccounts", BrokerAccounts.class));
                        AlertState alert = service.ofAlert(ack.alert()).stream().flatMap(t -> t.ingest().openAlerts().stream())
                                .filter(a -> a.id().equals(ack.alert())).findFirst()
                                .orElseThrow(() -> new Refused("no open alert " + ack.alert() + " (never raised, or resolved since)"));
                        String actor;
                        try {
                            actor = sender.acknowledger(ack.by(), alert);
                        } catch (IllegalArgumentException e) {
                            throw new Refused(e.getMessage());
                        }
                        try {
                            service.acknowledge(ack.alert(), actor, ack.comment());
                        } catch (NoSuchAlertException e) {
                            throw new Refused(e.getMessage() + " (never raised, or resolved since)");
                        }
                        exchange.getContext().getRegistry().findSingleByType(OutboxRelay.class).nudge();
                    })
                .doCatch(Refused.class)
                    .process(exchange -> {
                        Exception e = exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Exception.class);
                        exchange.getIn().setHeader(JmsReadingsRoute.REASON, e.getMessage());
                        byte[] body = exchange.getIn().getBody(byte[].class);
                        exchange.getIn().setBody(body == null ? "" : new String(body, 0, Math.min(body.length, MAX_BYTES),
                                StandardCharsets.UTF_8));
                        exchange.getContext().getRegistry().findSingleByType(Tenants.class).countDeadLettered();
                    })
                    .process(exchange -> LOG.warn("dead-lettered an acknowledgement: {}",
                            PlainText.forLog(exchange.getIn().getHeader(JmsReadingsRoute.REASON))))
                    .to("jms:queue:{{targetwatch.queue.acks-dlq}}")
                .end();
    }

    /** An acknowledgement as sent. */
    record Ack(String alert, String by, String comment) {
    }

    static Ack parse(byte[] body) throws Refused {
        if (body == null || body.length == 0) {
            throw new Refused("empty message: send {\"alert\":\"<id>\",\"by\":\"<who>\",\"comment\":\"...\"}");
        }
        if (body.length > MAX_BYTES) {
            throw new Refused("message of " + body.length + " bytes is larger than the limit of " + MAX_BYTES);
        }
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (JsonParseException e) {
            throw new Refused("not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException | RuntimeException e) {
            throw new Refused("not readable JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new Refused("not a JSON object: send {\"alert\":\"<id>\",\"by\":\"<who>\",\"comment\":\"...\"}");
        }
        String alert = n.path("alert").asText("");
        String by = n.path("by").asText("");
        String comment = n.path("comment").asText("");
        if (alert.isBlank()) {
            throw new Refused("no alert named: \"alert\" must hold the alert's id");
        }
        if (!by.isEmpty() && !Slugs.isSlug(by)) {
            throw new Refused("\"by\", when given, must name who acknowledges, as a contact id such as lead-asb");
        }
        if (comment.length() > MAX_COMMENT || comment.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
            throw new Refused("\"comment\" must be plain text of at most " + MAX_COMMENT + " characters");
        }
        return new Ack(Slugs.abbreviate(alert), by, comment.isBlank() ? null : comment);
    }
}
