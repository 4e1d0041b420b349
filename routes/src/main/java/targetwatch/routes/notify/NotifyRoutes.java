package targetwatch.routes.notify;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.jms.TextMessage;

import org.apache.camel.ExchangePattern;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.builder.RouteBuilder;

import targetwatch.engine.cli.EventJson;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.Contact;
import targetwatch.engine.model.Target;
import targetwatch.engine.store.Sink;
import targetwatch.routes.security.AckLinks;
import targetwatch.routes.service.Tenants;
import targetwatch.engine.ruleset.RuleSet;

/**
 * Sinks, fed by the outbox relay: every alert event goes to the Artemis topic {@code targetwatch.alerts}
 * (JSON, with JMS properties for selectors, and a keyed hash of the event id as Artemis' duplicate id so that a
 * resend is dropped by the broker and a guessed id published ahead is not), by email to its recipient, and to a webhook when one is configured. Each
 * sink has its own relay, so a failing sink never holds up the others or intake.
 */
public class NotifyRoutes extends RouteBuilder {

    /** Artemis drops a second message with the same value of this property on the same address. */
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    @Override
    public void configure() throws Exception {
        for (Sink sink : Sink.values()) {
            String name = sink.name().toLowerCase();
            from("timer:outbox-" + name + "?period={{targetwatch.outbox.poll-ms}}").routeId("outbox-" + name)
                    .process(exchange -> relay(exchange).poll(sink));
        }

        from(OutboxRelay.DELIVER + "topic").routeId("notify-topic")
                .process(exchange -> {
                    AlertEvent e = exchange.getIn().getMandatoryBody(AlertEvent.class);
                    exchange.getIn().getHeaders().putAll(topicProperties(exchange, e));
                    exchange.getIn().setBody(EventJson.line(e));
                })
                .to(ExchangePattern.InOnly, "jms:topic:{{targetwatch.topic.alerts}}")
                .setBody(constant("published"));

        // the same messages as notify-topic's, a batch in one transaction: one journal write for the lot, not one
        // each; a repeat in the batch (one published before a crash) rolls the whole of it back, and the relay then
        // sends them one by one, where the broker drops the repeat alone
        TopicPublisher publisher = new TopicPublisher(() -> getContext().getComponent("jms", JmsComponent.class)
                .getConfiguration().getConnectionFactory(),
                () -> getContext().resolvePropertyPlaceholders("{{targetwatch.topic.alerts}}"));
        getContext().addService(publisher, true, true);
        from(OutboxRelay.DELIVER_TOPIC_BATCH).routeId("notify-topic-batch")
                .process(exchange -> {
                    @SuppressWarnings("unchecked")
                    List<AlertEvent> events = exchange.getIn().getMandatoryBody(List.class);
                    publisher.publish(events, (session, e) -> {
                        TextMessage m = session.createTextMessage(EventJson.line(e));
                        for (Map.Entry<String, Object> p : topicProperties(exchange, e).entrySet()) {
                            m.setObjectProperty(p.getKey(), p.getValue());
                        }
                        return m;
                    });
                    exchange.getIn().setBody("published");
                });

        from(OutboxRelay.DELIVER + "email").routeId("notify-email")
                .process(exchange -> {
                    AlertEvent e = exchange.getIn().getMandatoryBody(AlertEvent.class);
                    Tenants tenants = tenants(exchange);
                    RuleSet rules = rulesOf(tenants, e);
                    Contact to = contact(rules, e.recipient());
                    MailSender sender = exchange.getContext().getRegistry().findSingleByType(MailSender.class);
                    var note = tenants.store().latestNote(e.series(), e.period()).orElse(null);
                    exchange.getIn().setBody(sender.send(AlertMail.compose(e, rules.targetFor(e.partnership(), e.indicator())
                            .orElse(null), to, note, ackUrl(exchange, e), rules.partnership().name()), e.id(), handOver(exchange)));
                });

        from(OutboxRelay.DELIVER_DIGEST).routeId("notify-email-digest")
                .process(exchange -> {
                    @SuppressWarnings("unchecked")
                    List<AlertEvent> events = exchange.getIn().getMandatoryBody(List.class);
                    RuleSet rules = rulesOf(tenants(exchange), events.get(0));
                    Contact to = contact(rules, events.get(0).recipient());
                    Map<String, String> links = new HashMap<>();
                    events.forEach(e -> {
                        String url = ackUrl(exchange, e);
                        if (url != null) {
                            links.put(e.id(), url);
                        }
                    });
                    MailSender sender = exchange.getContext().getRegistry().findSingleByType(MailSender.class);
                    AlertMail mail = AlertMail.digest(events, e -> rules.targetFor(e.partnership(), e.indicator()).orElse(null), to, links,
                            exchange.getProperty(OutboxRelay.FOLDED, 0, Integer.class),
                            exchange.getProperty(OutboxRelay.BUDGET, 0, Integer.class));
                    exchange.getIn().setBody(sender.sendDigest(mail, events.stream().map(AlertEvent::id).toList(), handOver(exchange)));
                });

        from(OutboxRelay.DELIVER + "webhook").routeId("notify-webhook")
                .process(exchange -> {
                    AlertEvent e = exchange.getIn().getMandatoryBody(AlertEvent.class);
                    exchange.getIn().removeHeaders("*");
                    exchange.getIn().setHeader("Content-Type", "application/json");
                    exchange.getIn().setHeader("X-Targetwatch-Event", e.id());
                    exchange.getIn().setHeader(org.apache.camel.Exchange.HTTP_METHOD, "POST");
                    byte[] body = EventJson.line(e).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    String secret = new targetwatch.routes.Settings(exchange.getContext()).get("targetwatch.webhook.secret");
                    if (!secret.isEmpty()) {
                        long now = java.time.Instant.now().getEpochSecond();
                        exchange.getIn().setHeader(WebhookSignature.TIMESTAMP, String.valueOf(now));
                        exchange.getIn().setHeader(WebhookSignature.SIGNATURE, WebhookSignature.sign(secret, now, body));
                    }
                    exchange.getIn().setBody(body);
                })
                .toD("{{targetwatch.webhook.url}}")
                .setBody(simple("HTTP ${header.CamelHttpResponseCode}"));
    }

    /**
     * The JMS properties of an event's message on the topic, for subscribers' selectors and the diverts to each
     * partnership's address, and the broker's duplicate id.
     */
    private static Map<String, Object> topicProperties(org.apache.camel.Exchange exchange, AlertEvent e) {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("partnership", e.partnership());
        p.put("indicator", e.indicator());
        p.put("area", e.area());
        p.put("priority", e.priority() != null ? e.priority()
                : tenants(exchange).ruleSetOf(e.partnership())
                        .flatMap(r -> r.targetFor(e.partnership(), e.indicator())).map(Target::priority).orElse(""));
        if (e.alertId() != null) {
            p.put("alert", e.alertId());
        }
        p.put("severity", e.severity().name());
        p.put("event", e.type().name());
        p.put("level", e.level());
        p.put("eventId", e.id());
        // a keyed hash of the id, not the id: event ids can be worked out from the readings, and a client that
        // published them first would have the broker drop the real alerts as repeats
        p.put(DUPLICATE_ID, exchange.getContext().getRegistry().findSingleByType(AckLinks.class).keyedHash(e.id()));
        return p;
    }

    private static OutboxRelay relay(org.apache.camel.Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(OutboxRelay.class);
    }

    /** What the relay asks to run when a mail is handed to the server (nothing when sent otherwise). */
    private static Runnable handOver(org.apache.camel.Exchange exchange) {
        Runnable r = exchange.getProperty(OutboxRelay.HAND_OVER, Runnable.class);
        return r != null ? r : () -> { };
    }

    private static Tenants tenants(org.apache.camel.Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(Tenants.class);
    }

    /**
     * The rule set in force of the event's partnership: its contacts, its targets (none for an event about no one
     * target, such as a silence ending) and its name. The relay retries a delivery of a partnership no longer held.
     */
    private static RuleSet rulesOf(Tenants tenants, AlertEvent e) {
        return tenants.ruleSetOf(e.partnership()).orElseThrow(() -> new IllegalStateException(tenants.notHeld(e.partnership())));
    }

    private static Contact contact(RuleSet rules, String id) {
        return rules.contact(id).orElseThrow(() -> new IllegalStateException("no contact " + id + " in the rule set of "
                + rules.partnership().id()));
    }

    /** The recipient's acknowledgement link, when the event asks them to act. */
    private static String ackUrl(org.apache.camel.Exchange exchange, AlertEvent e) {
        return AlertMail.asksForAcknowledgement(e)
                ? exchange.getContext().getRegistry().findSingleByType(AckLinks.class).linkFor(e.alertId(), e.recipient())
                : null;
    }
}
