package targetwatch.engine.rules;

/**
 * A fact in working memory only while the engine fires after its clock moved (or after it resumed its stored alerts):
 * the alert rules that wait for working days to pass (escalation after working days, reminders) start with it. A
 * reading fires at the time of the last move, when nothing it changes can be due by working days yet (every such wait
 * is at least one working day, and every change a reading brings starts its clocks again from now), so those rules
 * need not meet every alert a reading raises or changes; Drools leaves a rule whose first pattern is unmatched
 * unlinked, holding the alerts' changes for it until the next tick.
 */
public final class ClockTick {

    static final ClockTick INSTANCE = new ClockTick();

    private ClockTick() {
    }

    @Override
    public String toString() {
        return "ClockTick";
    }
}
