package targetwatch.routes.broker;

import java.util.Optional;

import jakarta.jms.JMSException;

import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Reading;

/**
 * Who sent a message, as the broker vouches for it (the validated user it wrote on the message), and what that
 * account may say: readings of its own partnership, with its own source where it names one, and acknowledgements
 * by its own contact of alerts that contact was told of. The readings and acknowledgement routes both ask it.
 */
public final class Sender {

    /** The property the broker writes the sending account's name in. */
    public static final String VALIDATED_USER = "_AMQ_VALIDATED_USER";

    private final String user;
    private final BrokerAccounts.Account account;

    private Sender(String user, BrokerAccounts.Account account) {
        this.user = user;
        this.account = account;
    }

    /**
     * The sender of a message: the account the broker names on it, looked up in {@code accounts}; with no accounts
     * (an external broker keeps its own) or no validated user on the message, a sender the broker does not vouch for.
     */
    public static Sender of(jakarta.jms.Message message, BrokerAccounts accounts) throws JMSException {
        String user = message == null ? null : message.getStringProperty(VALIDATED_USER);
        if (accounts == null || user == null) {
            return new Sender(null, null);
        }
        return new Sender(user, accounts.account(user).orElse(null));
    }

    /** The partnership a reading naming none is for: the account's, when it speaks for exactly one. */
    public Optional<String> defaultPartnership() {
        return account != null && account.partnerships().size() == 1 ? Optional.of(account.partnerships().iterator().next())
                : Optional.empty();
    }

    /** The account's name, when the broker vouches for one. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /**
     * The reading as this sender may send it: refused for another partnership than the account's, and with the
     * account's source in place of the one written in it where the account names one.
     *
     * @throws IllegalArgumentException naming why the account may not send it
     */
    public Reading reading(Reading r) {
        if (user == null) {
            return r;
        }
        BrokerAccounts.Account a = known();
        if (!a.partnerships().contains(r.partnership())) {
            throw new IllegalArgumentException("the broker account " + user + " sends readings for "
                    + (a.partnerships().isEmpty() ? "no partnership" : String.join(", ", a.partnerships()))
                    + ", not for " + r.partnership());
        }
        return a.source().filter(s -> !s.equals(r.source()))
                .map(s -> new Reading(r.partnership(), r.indicator(), r.area(), r.period(), r.value(), s, r.reportedAt(),
                        r.note()))
                .orElse(r);
    }

    /**
     * Who acknowledges: the contact the account names, never the message's word for it; without an account the
     * broker vouches for, the {@code by} of the message. Either way it must be someone told of the alert.
     *
     * @param by who the message says acknowledges (blank when it says nothing)
     * @throws IllegalArgumentException naming why the acknowledgement is not this sender's to make
     */
    public String acknowledger(String by, AlertState alert) {
        String actor;
        if (user == null) {
            actor = by;
        } else {
            BrokerAccounts.Account a = known();
            actor = a.contact().orElseThrow(() -> new IllegalArgumentException("the broker account " + user
                    + " names no contact (a role contact.<id>), so it acknowledges for no one"));
            if (by != null && !by.isBlank() && !by.equals(actor)) {
                throw new IllegalArgumentException("an acknowledgement in the name of " + by + " from the broker account "
                        + user + ", which acknowledges as " + actor + " only");
            }
            if (!a.partnerships().contains(alert.partnership())) {
                throw new IllegalArgumentException("the broker account " + user + " may not acknowledge alerts of "
                        + alert.partnership());
            }
        }
        if (!alert.told().contains(actor)) {
            throw new IllegalArgumentException(actor + " was not told of alert " + alert.id() + " (told: "
                    + String.join(", ", alert.told()) + ")");
        }
        return actor;
    }

    private BrokerAccounts.Account known() {
        if (account == null) {
            throw new IllegalArgumentException("the broker account " + user + " has no roles any more");
        }
        return account;
    }
}
