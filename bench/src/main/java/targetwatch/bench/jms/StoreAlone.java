package targetwatch.bench.jms;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.ReadingFormat;
import targetwatch.engine.rules.Outcome;
import targetwatch.engine.rules.RuleCompiler;
import targetwatch.engine.rules.RuleEngine;
import targetwatch.engine.store.JdbcStore;
import targetwatch.engine.store.ProcessedMessage;
import targetwatch.engine.store.Sink;
import targetwatch.engine.store.StoredReading;
import targetwatch.routes.TargetwatchConfiguration;

/**
 * The store's own ceiling for the route: the bench's feed assessed beforehand by an engine of the same rule set, then
 * written as the route writes it ({@link JdbcStore#save}: the readings with their assessments, alert events, alert
 * states, a delivery per event and sink, and the messages' ids, one transaction per batch) into an H2 database of its
 * own, made as the service makes its own, with nothing else running in it: no broker, no engine, no relay. Each window
 * is timed from its first save to its last. What the route reaches against this is what the broker, the engine, the
 * parsing and the relays beside it leave of the store's pace.
 */
final class StoreAlone implements AutoCloseable {

    /** The sinks the service delivers to when no webhook is set, as in the route's run. */
    private static final Set<Sink> SINKS = EnumSet.of(Sink.TOPIC, Sink.EMAIL);

    private final JdbcStore store;
    private final List<List<StoredReading>> batches = new ArrayList<>();
    private final List<List<ProcessedMessage>> ids = new ArrayList<>();
    private int next;

    /**
     * @param rules the rule set folder the service runs
     * @param folder where its database goes (a folder of its own)
     * @param feed the bench's messages, one JSON reading each
     * @param batch the route's batch size
     */
    StoreAlone(Path rules, Path folder, List<String> feed, int batch) throws Exception {
        this.store = JdbcStore.open(TargetwatchConfiguration.embeddedDatabaseUrl(folder), null, null);
        ReadingFormat format = new ReadingFormat();
        List<StoredReading> readings = new ArrayList<>();
        List<ProcessedMessage> messages = new ArrayList<>();
        try (RuleEngine engine = new RuleEngine(new RuleCompiler().load(rules))) {
            // the service's clock, as the route's engine has it: the feed's periods are news, not a history
            engine.advanceTo(Instant.now());
            for (int i = 0; i < feed.size(); i++) {
                String id = String.format("bench-%09d", i);
                for (Reading r : format.parseJson(feed.get(i))) {
                    Outcome o = engine.process(r);
                    if (o.recorded()) {
                        readings.add(new StoredReading(r, "jms " + id, o.assessments(), o.alertEvents(), o.alerts()));
                    }
                }
                messages.add(new ProcessedMessage(id, null));
                if (messages.size() == batch || i == feed.size() - 1) {
                    batches.add(readings);
                    ids.add(messages);
                    readings = new ArrayList<>();
                    messages = new ArrayList<>();
                }
            }
        }
    }

    /** Writes the next batches, up to {@code limit} messages' worth, and times it; empty when all are written. */
    JmsBench.Window write(long limit) {
        long count = 0;
        long start = System.nanoTime();
        while (next < batches.size() && count < limit) {
            store.save(batches.get(next), ids.get(next), SINKS, "bench", Instant.now());
            count += ids.get(next).size();
            next++;
        }
        return new JmsBench.Window(count, System.nanoTime() - start);
    }

    @Override
    public void close() {
        store.close();
    }
}
