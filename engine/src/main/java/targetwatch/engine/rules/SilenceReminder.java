package targetwatch.engine.rules;

import targetwatch.engine.model.Silence;

/** Marks that a silence's author was reminded it is about to end, so that it is said once. */
public record SilenceReminder(Silence silence) {
}
