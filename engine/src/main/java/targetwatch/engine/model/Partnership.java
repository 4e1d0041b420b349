package targetwatch.engine.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Who a rule set belongs to: one community safety partnership, a tenant of the service with its own rule set,
 * engine, accounts and alert address.
 *
 * @param id   the partnership's slug: its folder's name under a root of partnership folders, or settings.csv's
 *             {@code partnership} (default {@link Reading#DEFAULT_PARTNERSHIP}) for a single folder
 * @param name how mails and pages name it (settings.csv's {@code partnership_name})
 * @param area its own area (settings.csv's {@code area}), or null: with one it takes readings only for that area and
 *             its targets' comparator areas
 */
public record Partnership(String id, String name, String area) {

    public Partnership {
        Slugs.require("partnership", id);
        if (area != null) {
            Slugs.require("area", area);
        }
        name = name == null || name.isBlank() ? defaultName(id) : PlainText.oneLine(name);
    }

    /** The partnership a rule set belongs to when it says nothing: the single-folder layout of before tenants. */
    public static final Partnership DEFAULT = new Partnership(Reading.DEFAULT_PARTNERSHIP, null, null);

    /** "tunbridge-wells" reads "Tunbridge Wells Community Safety Partnership" until settings.csv names it. */
    public static String defaultName(String id) {
        return Arrays.stream(id.split("-")).map(w -> w.isEmpty() ? w : w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1))
                .collect(Collectors.joining(" ")) + " Community Safety Partnership";
    }
}
