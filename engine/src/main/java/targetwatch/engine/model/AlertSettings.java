package targetwatch.engine.model;

/**
 * The secretariat's settings for how much alerting reaches people ({@code settings.csv}): which readings are history
 * rather than news, and how many mails one person gets in a working day.
 *
 * @param historyWindowPeriods how many reporting periods before the current one a reading's period may have ended in
 *                             and still be news: 1 (the default) makes the previous period news and anything older
 *                             history, which is stored, rated and kept in the alert history but delivered to nobody
 * @param dailyMailBudget the most alert mails one person is sent in a working day; the rest wait for the next
 *                        working morning and go in one digest that says how many it holds back ({@link #NO_BUDGET}:
 *                        no limit, settings.csv's {@code none})
 */
public record AlertSettings(int historyWindowPeriods, int dailyMailBudget) {

    public static final int DEFAULT_HISTORY_WINDOW_PERIODS = 1;
    public static final int DEFAULT_DAILY_MAIL_BUDGET = 10;
    /** A budget no one reaches: every mail goes as it comes. */
    public static final int NO_BUDGET = Integer.MAX_VALUE;
    public static final AlertSettings DEFAULTS = new AlertSettings(DEFAULT_HISTORY_WINDOW_PERIODS, DEFAULT_DAILY_MAIL_BUDGET);

    public AlertSettings {
        if (historyWindowPeriods < 0 || dailyMailBudget < 1) {
            throw new IllegalArgumentException("the history window is negative or the mail budget below 1");
        }
    }
}
