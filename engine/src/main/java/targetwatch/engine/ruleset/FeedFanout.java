package targetwatch.engine.ruleset;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import targetwatch.engine.model.Reading;

/**
 * Who a feed's reading is for. A published feed (the police street-level file, STATS19, DEFRA's fly-tipping) covers
 * many areas and knows nothing of partnerships: each of its readings goes to every partnership that takes its area,
 * its own district or a comparator (the force area goes to all of Kent's). Readings a partner sends name their
 * partnership and are not fanned out.
 */
public final class FeedFanout {

    private FeedFanout() {
    }

    /** A copy of the reading for each rule set that takes its area, with that rule set's partnership; none if none does. */
    public static List<Reading> assign(Reading r, Collection<RuleSet> sets) {
        List<Reading> out = new ArrayList<>(1);
        for (RuleSet set : sets) {
            if (set.takesArea(r.area())) {
                String id = set.partnership().id();
                out.add(id.equals(r.partnership()) ? r
                        : new Reading(id, r.indicator(), r.area(), r.period(), r.value(), r.source(), r.reportedAt(), r.note()));
            }
        }
        return out;
    }
}
