package targetwatch.engine.ruleset;

/**
 * One reason a rule set was refused, in the secretariat's terms: which file, row and column, and what is wrong.
 * Prints as {@code targets.csv:7:target: "forty" is not a number}.
 *
 * @param row the spreadsheet row (the header is row 1), or 0 for the file as a whole
 * @param column the column name, or empty for the row or file as a whole
 */
public record RuleSetError(String file, int row, String column, String message) {

    @Override
    public String toString() {
        return file + ":" + row + ":" + column + ": " + message;
    }
}
