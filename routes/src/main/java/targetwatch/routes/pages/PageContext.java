package targetwatch.routes.pages;

import java.util.List;

import targetwatch.engine.model.Partnership;
import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;

/**
 * What every page's layout needs: its title, who is signed in (null for nobody), the session's CSRF token for its
 * forms, which section of the navigation it belongs to, the errors to sum up at the top (GOV.UK error summary), the
 * partnership whose page it is (named in the header) and the other partnerships the user may switch to.
 */
public record PageContext(String title, Users.Principal user, String csrf, String section, List<FieldError> errors,
                          Partnership partnership, List<Partnership> choices) {

    public PageContext(String title, Users.Principal user, String csrf, String section, List<FieldError> errors) {
        this(title, user, csrf, section, errors, null, List.of());
    }

    /**
     * The navigation's sections: id, address, name and the role it needs (a section's pages answer 403 to others, so
     * the header does not offer it to them), in the order the header shows them.
     */
    public static final List<String[]> SECTIONS = List.of(new String[] {"alerts", "/alerts", "Alerts", "viewer"},
            new String[] {"indicators", "/indicators", "Indicators", "viewer"},
            new String[] {"report", "/report", "Report", "viewer"},
            new String[] {"rules", "/rules", "Rules", "secretariat"});

    public PageContext {
        errors = List.copyOf(errors);
        choices = List.copyOf(choices);
    }

    /** The header's name: the page's partnership, or the service's name on pages of none (signing in). */
    public String partnershipName() {
        return partnership == null ? "targetwatch" : partnership.name();
    }

    /** The partnership id as a query parameter for links that stay with it, or "" when the user has no choice. */
    public String partnershipQuery() {
        return partnership == null || choices.size() < 2 ? "" : "partnership=" + partnership.id();
    }

    /** An error to show in the summary, linking to the field it is about ({@code #id}), or to nothing. */
    public record FieldError(String field, String message) {
    }

    /** The sections of the navigation the user signed in may open. */
    public List<String[]> sections() {
        return SECTIONS.stream().filter(s -> may(s[3])).toList();
    }

    public boolean signedIn() {
        return user != null;
    }

    /** Whether the user signed in may do what the role allows (shows or hides links and forms; routes check again). */
    public boolean may(String role) {
        return user != null && user.may(Role.parse(role));
    }

    /** The same page with errors to sum up, and "Error: " before its title as GOV.UK pages do. */
    public PageContext withErrors(List<FieldError> more) {
        return new PageContext(more.isEmpty() || title.startsWith("Error: ") ? title : "Error: " + title, user, csrf, section,
                more, partnership, choices);
    }

    /** The message for one field, or null. */
    public String errorFor(String field) {
        return errors.stream().filter(e -> field.equals(e.field())).map(FieldError::message).findFirst().orElse(null);
    }

    public String roleName() {
        return user == null ? "" : user.role().name().toLowerCase();
    }
}
