package targetwatch.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.Silence;
import targetwatch.engine.rules.Now;
import targetwatch.engine.ruleset.RuleSetFiles;
import targetwatch.engine.store.JdbcStore;
import targetwatch.engine.store.Sink;
import targetwatch.routes.service.IngestService;
import targetwatch.routes.service.RuleSetService;
import targetwatch.routes.service.RuleSetService.NotAsPreviewed;

/**
 * The rule set service under the secretariat's pages, on the real rule set and an H2 file: a version is activated only
 * as its preview showed it (a candidate made before another activation would undo it; a preview compared with a
 * version no longer active is out of date), and a silence's preview lists what would be sent about the alerts it
 * covers up to its last day, and nothing after.
 */
class RuleSetServiceTest {

    /** Tuesday 1 May 2018, 10:00 in London; Monday 7 May is a bank holiday. */
    private static final Instant START = Instant.parse("2018-05-01T09:00:00Z");

    private JdbcStore store;
    private MovableClock clock;
    private RuleSetService ruleSets;
    private IngestService service;
    private int first;

    @BeforeEach
    void start(@TempDir Path data) throws Exception {
        store = JdbcStore.open("jdbc:h2:file:" + data.resolve("db") + ";WRITE_DELAY=0", "", "");
        clock = new MovableClock(START);
        ruleSets = new RuleSetService(store, data.resolve("rulesets"), clock);
        service = new IngestService(ruleSets.startingRules(SecretariatFiles.real()), store, EnumSet.of(Sink.TOPIC), clock,
                true);
        ruleSets.attach(service, ruleSets.activeVersion());
        first = ruleSets.activeVersion();
    }

    @AfterEach
    void stop() {
        service.close();
        store.close();
    }

    private int candidate(String indicator, String column, String value) throws Exception {
        clock.advance(Duration.ofMinutes(1));
        String targets = SecretariatFiles.withCell(SecretariatFiles.realTargets(), indicator, column, value);
        RuleSetService.Submission s = ruleSets.submitOverActive(Map.of("targets.csv", targets), "secretariat", "test");
        assertFalse(s.refused(), s.errors().toString());
        return s.version();
    }

    @Test
    void a_candidate_is_refused_once_another_version_made_beside_it_is_activated_and_the_active_version_stays()
            throws Exception {
        // given two candidates laid over the first version
        int mine = candidate("perception-speeding", "tolerance_pct", "6");
        int theirs = candidate("perception-drugs", "tolerance_pct", "6");
        assertTrue(ruleSets.staleness(mine).isEmpty());

        // when the other is activated
        clock.advance(Duration.ofMinutes(1));
        ruleSets.activateAsPreviewed(theirs, first, "someone else");

        // then mine would undo it: refused, and the other stays active
        NotAsPreviewed refused = assertThrows(NotAsPreviewed.class, () -> ruleSets.activateAsPreviewed(mine, theirs, "me"));
        assertEquals(NotAsPreviewed.Why.STALE_CANDIDATE, refused.why());
        assertEquals(theirs, refused.active());
        assertEquals(theirs, ruleSets.activeVersion());
        assertTrue(ruleSets.staleness(mine).isPresent());
    }

    @Test
    void a_rules_folder_holding_drl_or_a_template_is_refused_with_its_reason_and_the_active_version_stays() throws Exception {
        // given the watched folder's files with a DRL and a template beside the secretariat's data
        java.util.Map<String, String> files = new java.util.TreeMap<>(RuleSetFiles.read(SecretariatFiles.real()));
        files.put("backdoor.drl", "package targetwatch.rules;\nrule \"runs anything\" when then end\n");
        files.put("templates/reduce-to.drt", "template header\n");

        // when it is submitted, as the folder watch does
        RuleSetService.Submission s = ruleSets.submit(files, "rules folder", "changed");

        // then it is refused, each file with the reason, and nothing compiled from it is active
        assertTrue(s.refused());
        assertEquals(java.util.List.of("backdoor.drl", "templates/reduce-to.drt"),
                s.errors().stream().map(targetwatch.engine.ruleset.RuleSetError::file).toList());
        assertTrue(s.errors().get(0).toString().contains("come only with a release"), s.errors().toString());
        assertEquals(first, ruleSets.activeVersion());
    }

    @Test
    void a_candidate_not_laid_over_the_active_version_is_stale_once_a_version_is_activated_after_it_was_made()
            throws Exception {
        // given a whole rule set submitted as the watched folder does, and a candidate made after it
        clock.advance(Duration.ofMinutes(1));
        int folder = ruleSets.submit(RuleSetFiles.read(SecretariatFiles.real()), "rules folder", "changed").version();
        int upload = candidate("perception-drugs", "tolerance_pct", "6");

        // when the later one is activated, the folder's candidate is stale; before, it was not
        assertTrue(ruleSets.staleness(folder).isEmpty());
        clock.advance(Duration.ofMinutes(1));
        ruleSets.activateAsPreviewed(upload, first, "secretariat");
        assertEquals(NotAsPreviewed.Why.STALE_CANDIDATE, ruleSets.staleness(folder).orElseThrow().why());
    }

    @Test
    void a_rollback_previewed_against_a_version_no_longer_active_is_refused_and_one_previewed_against_it_is_taken()
            throws Exception {
        int second = candidate("perception-drugs", "tolerance_pct", "6");
        ruleSets.activateAsPreviewed(second, first, "secretariat");

        NotAsPreviewed refused = assertThrows(NotAsPreviewed.class, () -> ruleSets.activateAsPreviewed(first, first, "me"));
        assertEquals(NotAsPreviewed.Why.ACTIVE_CHANGED, refused.why());
        assertEquals(second, ruleSets.activeVersion(), "nothing changed");
        assertEquals(NotAsPreviewed.Why.ALREADY_ACTIVE,
                assertThrows(NotAsPreviewed.class, () -> ruleSets.activateAsPreviewed(second, second, "me")).why());

        ruleSets.activateAsPreviewed(first, second, "me");
        assertEquals(first, ruleSets.activeVersion());
    }

    /** A RED quarter of repeat domestic-abuse victims and of KSI casualties: two alerts to two leads at START. */
    private void raiseAlerts() {
        var taken = service.ingest("test", List.of(
                new IngestService.Positioned(Reading.of("maidstone", "da-repeat-victims", "maidstone", "2018-Q1", "30", "dv-forum"), 1),
                new IngestService.Positioned(Reading.of("maidstone", "ksi-casualties", "maidstone", "2017", "70", "kfrs"), 2)));
        assertEquals(List.of("RAISED", "RAISED"), taken.alertEvents().stream().map(e -> e.type().name()).toList());
    }

    private static Silence silenceUntil(LocalDate until) {
        return new Silence(2, "da-repeat-victims", null, until, "new MARAC system", "lead-domestic-abuse");
    }

    private static List<String> described(List<AlertEvent> events) {
        return events.stream().map(e -> e.type() + " " + e.level() + " " + e.recipient() + " "
                + e.at().atZone(Now.ZONE).toLocalDate()).toList();
    }

    @Test
    void a_silence_to_the_day_of_an_escalation_holds_it_back_and_one_ending_the_day_before_does_not() throws Exception {
        // given an unacknowledged RED alert raised on Tuesday 1 May 2018, due to go to level 2 after 10 working days
        // (Wednesday 16 May: the bank holiday on 7 May does not count), and a KSI alert no silence covers
        raiseAlerts();

        // when a silence of the indicator to 16 May is previewed, and one to 15 May
        RuleSetService.SilencePreview toTheDay = ruleSets.silencePreview(List.of(silenceUntil(LocalDate.of(2018, 5, 16))));
        RuleSetService.SilencePreview dayBefore = ruleSets.silencePreview(List.of(silenceUntil(LocalDate.of(2018, 5, 15))));

        // then the first holds back the escalation to the chair and the lead, and only for the alert it covers
        assertEquals(List.of("da-repeat-victims"), toTheDay.alerts().stream().map(a -> a.indicator()).distinct().toList());
        assertEquals(List.of("ESCALATED 2 smp-chair 2018-05-16", "ESCALATED 2 lead-domestic-abuse 2018-05-16"),
                described(toTheDay.heldBack().stream().filter(e -> e.type() == AlertEventType.ESCALATED).toList()));
        assertTrue(toTheDay.heldBack().stream().allMatch(e -> e.indicator().equals("da-repeat-victims")));
        // and the second holds back nothing on the 16th
        assertEquals(List.of(), described(dayBefore.heldBack().stream().filter(e -> e.type() == AlertEventType.ESCALATED).toList()));
        assertFalse(toTheDay.cut());

        // and nothing was changed or sent: the running alert is still at level 1, told to its lead only
        assertEquals(List.of(1, 1), service.openAlerts().stream().map(a -> a.level()).toList());
    }
}
