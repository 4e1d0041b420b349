package targetwatch.engine.readings;

/**
 * A reading that could not be taken, with where it came from and why: printed as
 * {@code ksi.csv:7: value "forty" is not a number}.
 *
 * @param file the file or message it came from
 * @param row the CSV row (the header is row 1) or the position in a JSON array (from 1); 0 for the whole input
 * @param reason what is wrong, in plain words
 */
public record RejectedReading(String file, long row, String reason) {

    @Override
    public String toString() {
        return file + ":" + row + ": " + reason;
    }
}
