package targetwatch.routes;

/** Reading text in the contract's two encodings (DESIGN.md, Contracts), for the partners the tests play. */
final class Readings {

    static final String CSV_HEADER = "partnership,indicator,area,period,value,source,reportedAt,note";

    private Readings() {
    }

    /** One JSON reading of the Maidstone partnership; {@code value} is written as it is (a JSON number). */
    static String json(String indicator, String area, String period, String value) {
        return "{\"partnership\":\"maidstone\",\"indicator\":\"" + indicator + "\",\"area\":\"" + area
                + "\",\"period\":\"" + period + "\",\"value\":" + value + ",\"source\":\"kfrs\"}";
    }

    /** One CSV row under {@link #CSV_HEADER}. */
    static String csvRow(String indicator, String area, String period, String value) {
        return "maidstone," + indicator + "," + area + "," + period + "," + value + ",kfrs,2018-01-15T09:00:00Z,";
    }

    /** A CSV file: the header, then the rows. */
    static String csv(String... rows) {
        return CSV_HEADER + "\n" + String.join("\n", rows) + "\n";
    }
}
