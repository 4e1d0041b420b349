package targetwatch.engine.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;

/**
 * targetwatch's durable state behind one small interface: readings (revisions kept), assessments,
 * alert events and the outbox of their deliveries. Embedded H2 by default, PostgreSQL by JDBC URL.
 */
public interface Store extends AutoCloseable {

    /**
     * Stores readings with their assessments, alert events, one delivery per event and sink (none for a silenced
     * event) and the states of the alerts they changed, all in one transaction: all of it is stored, or none.
     */
    default void save(List<StoredReading> readings, Set<Sink> sinks, String ruleSet, Instant now) {
        save(readings, List.of(), sinks, ruleSet, now);
    }

    /**
     * Stores readings as {@link #save(List, Set, String, Instant)} does, and in the same transaction the messages they
     * came in (with the dead-letter reason of those that went to the dead-letter queue), so that a message the broker
     * delivers again is known to have been taken. A message id already stored fails the whole transaction.
     */
    void save(List<StoredReading> readings, List<ProcessedMessage> messages, Set<Sink> sinks, String ruleSet, Instant now);

    /** Those of the message ids that were taken before, with what became of them. */
    Map<String, ProcessedMessage> processedMessages(java.util.Collection<String> ids);

    /** Forgets the messages taken before {@code before} (no broker redelivers that late); returns how many. */
    int forgetProcessedMessages(Instant before);

    /**
     * Stores what happened to alerts without a reading (the clock moved, someone acknowledged): the events, their
     * deliveries (none for a silenced event) and the alerts' new states, in one transaction. An event whose id is
     * already stored is skipped with its deliveries, so the same event made twice is delivered once.
     */
    void saveAlertChanges(List<AlertEvent> events, List<AlertState> alerts, Set<Sink> sinks, Instant now);

    /** The alerts open now, as last stored: what the engine resumes from after a restart. */
    List<AlertState> openAlerts();

    /** Alerts, newest opened first: open ones only, or closed ones too; at most {@code limit}. */
    List<AlertState> alerts(boolean openOnly, int limit);

    /** One alert as last stored, open or closed. */
    java.util.Optional<AlertState> alert(String id);

    /** Every event of one alert, in the order they happened. */
    List<AlertEvent> alertHistory(String alertId);

    /**
     * Marks an acknowledgement link's token as used; false when it already was (a link works once).
     */
    boolean useToken(String tokenId, String alertId, Instant at);

    /** Every stored reading in the order it was taken, streamed: what rule state is rebuilt from. */
    void forEachReading(Consumer<Reading> consumer);

    long readingCount();

    /** The note of the latest stored reading for one period of a series, with its source, if it had one: alert mails show it. */
    java.util.Optional<StoredNote> latestNote(SeriesKey series, targetwatch.engine.model.Period period);

    /** The highest event number of each series, so that new events continue the sequence. */
    Map<SeriesKey, Long> eventSequences();

    /** Deliveries to one sink due at {@code now}, oldest first. */
    List<Delivery> dueDeliveries(Sink sink, Instant now, int limit);

    /**
     * Deliveries to one sink due at {@code now}, oldest first, but for those named in {@code except} (sent already,
     * their answer not yet recorded), whoever's claim they are under: for a relay that is the only one on its
     * database, which reads what is due rather than claiming it. Reads only.
     */
    List<Delivery> dueDeliveries(Sink sink, Instant now, int limit, java.util.Collection<Long> except);

    /** Marks several batches sent, each with its own answer and time, in one transaction. */
    void markSent(List<SentBatch> batches);

    /**
     * Claims deliveries to one sink due at {@code now} for one relay, oldest first, until {@code now + lease}: several
     * relays sharing the database never get the same delivery while its claim runs, and the claims of a relay that
     * died run out and are taken by another. A relay's own claims come back to it (a mail held for its group wait, a
     * relay restarted under the same name), their lease renewed once less than half of it is left: one with more left
     * is nobody else's before it runs out, and comes back unrenewed, with no write.
     */
    List<Delivery> claimDeliveries(Sink sink, String relay, Instant now, java.time.Duration lease, int limit);

    /**
     * The highest id any delivery has had so far (0: none yet): ids grow with every delivery stored, so a delivery with
     * an id up to it was in the outbox when this was read.
     */
    long newestDeliveryId();

    /**
     * Marks the deliveries {@code sent} sent with one answer (as {@link #markSent(List, String, Instant)}), then claims
     * as {@link #claimDeliveries}, in one transaction: a relay sending batch after batch records each batch's answer
     * with its next claim, one commit a batch. Either both happen or neither: a mark that fails leaves the deliveries
     * pending and claimed by the relay, which gets them back with its next claim (they go again, with the same
     * de-duplication id).
     */
    List<Delivery> markSentAndClaim(List<Long> sent, String answer, Instant sentAt, Sink sink, String relay, Instant now,
                                    java.time.Duration lease, int limit);

    /**
     * Renews the relay's claim on deliveries it is about to send, and returns those it still holds: a delivery whose
     * claim ran out and was taken by another relay, or that is no longer pending, is left out and must not be sent.
     */
    List<Long> keepClaims(List<Long> deliveryIds, String relay, Instant now, java.time.Duration lease);

    /** Marks a delivery sent with its sink's answer; an email delivery is a mail of its own for the daily mail budget. */
    void markSent(long deliveryId, String answer, Instant at);

    /**
     * Marks deliveries sent together with one answer, in one statement: a batch published in one transaction of a
     * batched sink (the topic). Not for email: a mail is marked by {@link #markSent(long, String, Instant)} or
     * {@link #markMailed}, which count it toward its recipient's daily budget; this, like the other batch marks
     * ({@link #markSent(List)}, {@link #markSentAndClaim}), does not.
     */
    void markSent(List<Long> deliveryIds, String answer, Instant at);

    /**
     * Marks email deliveries sent in one mail, whose id ({@code mailId}) they share: a digest is one mail, and the
     * daily mail budget counts mails, not deliveries.
     */
    void markMailed(List<Long> deliveryIds, String mailId, String answer, Instant at);

    /** Alert events by type and by recipient, those delivered to nobody, and the mails sent: how noisy alerting is. */
    NoiseCounts noiseCounts();

    /**
     * The mails sent to one of a partnership's contacts since a moment (a digest counts once); the same contact id in
     * another partnership is another person.
     */
    int mailsSentTo(String partnership, String recipient, Instant since);

    /**
     * Holds email deliveries back until {@code until}, marked folded: their recipient had their daily mail budget,
     * and they go in the recipient's next digest. Nothing is dropped.
     */
    void markFolded(List<Long> deliveryIds, Instant until, String why);

    /**
     * Records that deliveries are being handed to their sink at a point of no return (the mail server about to
     * take the end of a message): until their answer is recorded they are in doubt, never picked up again as due.
     */
    void markHandedOver(List<Long> deliveryIds, Instant at);

    /** Deliveries in doubt (handed over, never answered), oldest first. */
    List<Delivery> inDoubtDeliveries(int limit);

    /**
     * Settles an in-doubt delivery on someone's word, after a look at the sink's own records: sent again (due at
     * {@code at}) or confirmed as made. Returns false when the delivery is not in doubt.
     */
    boolean settleInDoubt(long deliveryId, boolean resend, String by, Instant at);

    /** Records a failed attempt: retried at {@code nextAttempt}, or parked for good when {@code park}. */
    void markFailed(long deliveryId, String error, Instant nextAttempt, boolean park);

    DeliveryCounts deliveryCounts();

    /** Stores a submitted rule set under the next version number, and returns that number. */
    int addRuleSetVersion(String checksum, Map<String, String> files, String status, String by, String comment,
                          String errors, Instant at);

    /** Every stored rule set version, newest first, without its files. */
    List<RuleSetVersion> ruleSetVersions();

    /** One version with its files. */
    java.util.Optional<RuleSetVersion> ruleSetVersion(int version);

    /**
     * Makes a version the active one, and stores what the change altered (assessments, alert events and
     * their deliveries), in one transaction: the swap is atomic.
     */
    void activate(int version, List<targetwatch.engine.model.Assessment> changed, List<targetwatch.engine.model.AlertEvent> events,
                  List<AlertState> alerts, Set<Sink> sinks, Instant at);

    /**
     * An activation written in two steps: most of the assessments it alters written ahead, while the caller holds no
     * lock (others go on storing; a store may commit them in transactions of their own, not in force until the
     * activation is finished), and the rest, with the events, the alerts and the version's status, by {@link #finish},
     * which puts all of it in force at once or none of it. Closing it unfinished, or a crash before {@link #finish}
     * commits, leaves the version as it was and nothing of it in force.
     */
    interface PendingActivation extends AutoCloseable {

        /** Writes assessments the change alters (under the candidate), ahead of the commit. */
        void write(List<targetwatch.engine.model.Assessment> changed);

        /**
         * Withdraws assessments written ahead that the change no longer alters as written (by series and period),
         * writes those it alters besides, with the alert events and alerts, makes the version the active one and
         * commits: as {@link #activate} with everything written ahead, less what is withdrawn, plus {@code changed}.
         */
        void finish(List<targetwatch.engine.model.Assessment> withdrawn, List<targetwatch.engine.model.Assessment> changed,
                    List<AlertEvent> events, List<AlertState> alerts, Set<Sink> sinks);

        @Override
        void close();
    }

    /**
     * Begins an activation of a version ({@link PendingActivation}) whose assessments are stored as of {@code at}. This
     * default keeps what is written ahead in memory and stores it all with {@link #activate} on finishing.
     */
    default PendingActivation beginActivation(int version, Instant at) {
        Store store = this;
        return new PendingActivation() {
            private final Map<String, targetwatch.engine.model.Assessment> ahead = new java.util.LinkedHashMap<>();

            private static String key(targetwatch.engine.model.Assessment a) {
                return a.series() + "@" + a.period();
            }

            @Override
            public void write(List<targetwatch.engine.model.Assessment> changed) {
                changed.forEach(a -> ahead.put(key(a), a));
            }

            @Override
            public void finish(List<targetwatch.engine.model.Assessment> withdrawn,
                               List<targetwatch.engine.model.Assessment> changed, List<AlertEvent> events,
                               List<AlertState> alerts, Set<Sink> sinks) {
                withdrawn.forEach(a -> ahead.remove(key(a)));
                List<targetwatch.engine.model.Assessment> all = new java.util.ArrayList<>(ahead.values());
                all.addAll(changed);
                store.activate(version, all, events, alerts, sinks, at);
            }

            @Override
            public void close() {
                ahead.clear();
            }
        };
    }

    /**
     * Stores a commentary as a new row, never overwriting one: the latest stored for a series and period is the one
     * the report shows, and those before it stay as they were written.
     */
    void addCommentary(Commentary commentary);

    /** The latest commentary of each indicator of one partnership's area for one period, by indicator. */
    Map<String, Commentary> commentaries(String partnership, String area, targetwatch.engine.model.Period period);

    /** What was said about a series last: the latest commentary of its latest period with any. */
    java.util.Optional<Commentary> latestCommentary(SeriesKey series);

    /** Whether the database answers. */
    boolean isHealthy();

    /**
     * A view of the same store scoped to one partnership: its readings, alerts, event numbers and rule set versions only.
     * Closing it closes nothing.
     */
    Store scopedTo(String partnership);

    /**
     * The same store (and scope) with every write transaction made under the fence: refused with
     * {@link FencedOutException} once another instance has taken the fence's partnership over.
     */
    Store withFence(Fence fence);

    /** Who owns which partnership, on this store's database. */
    Ownership ownership();

    /** What the store is, for people: the JDBC URL without credentials. */
    String description();

    @Override
    void close();
}
