package targetwatch.engine.readings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;

/** The reading contract in CSV and JSON: good rows go through, each bad one is rejected with where and why. */
class ReadingFormatTest {

    private static final String KSI_JSON = "{\"partnership\":\"maidstone\",\"indicator\":\"ksi-casualties\","
            + "\"area\":\"maidstone\",\"period\":\"2014\",\"value\":52,\"source\":\"kfrs\"}";

    /** Everything a parser handed over, in order. */
    private static final class Collected implements ReadingSink {
        final List<Reading> readings = new ArrayList<>();
        final List<Long> rows = new ArrayList<>();
        final List<RejectedReading> rejected = new ArrayList<>();

        @Override
        public void accept(Reading reading, String file, long row) {
            readings.add(reading);
            rows.add(row);
        }

        @Override
        public void reject(RejectedReading r) {
            rejected.add(r);
        }
    }

    private static Collected parse(String file, String text) throws IOException {
        Collected c = new Collected();
        new ReadingFormat().parse(file, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), c);
        return c;
    }

    @Test
    void a_csv_with_bad_rows_delivers_the_good_rows_and_rejects_each_bad_one_with_its_row_and_reason() throws Exception {
        // given
        String csv = String.join("\n",
                "partnership,indicator,area,period,value,source",
                "maidstone,ksi-casualties,maidstone,2014,52,kfrs",
                "maidstone,ksi-casualties,maidstone,2014-13,50,kfrs",
                "maidstone,ksi-casualties,maidstone,2015,forty,kfrs",
                "maidstone,,maidstone,2016,45,kfrs",
                "maidstone,ksi-casualties,maidstone,2017,44,kfrs") + "\n";
        // when
        Collected c = parse("ksi.csv", csv);
        // then
        assertEquals(List.of(Reading.of("maidstone", "ksi-casualties", "maidstone", "2014", "52", "kfrs"),
                Reading.of("maidstone", "ksi-casualties", "maidstone", "2017", "44", "kfrs")), c.readings);
        assertEquals(List.of(2L, 6L), c.rows);
        assertEquals(List.of(
                new RejectedReading("ksi.csv", 3, "period \"2014-13\" is not a valid period: month 13 is not between 01 and 12"),
                new RejectedReading("ksi.csv", 4, "value \"forty\" is not a number"),
                new RejectedReading("ksi.csv", 5, "indicator is required")), c.rejected);
        assertEquals("ksi.csv:4: value \"forty\" is not a number", c.rejected.get(1).toString());
    }

    @Test
    void a_csv_row_too_early_to_compare_is_rejected_and_the_next_row_still_read() throws Exception {
        Collected c = parse("old.csv", "indicator,area,period,value,source\n"
                + "ksi-casualties,maidstone,1900,52,kfrs\n"
                + "ksi-casualties,maidstone,2014,50,kfrs\n");
        assertEquals(List.of(new RejectedReading("old.csv", 2, "period 1900 is too early to compare with the periods "
                + "before it (year 1899 is out of range 1900-2999)")), c.rejected);
        assertEquals(List.of(3L), c.rows);
    }

    @Test
    void csv_columns_may_come_in_any_order_and_partnership_defaults_to_maidstone() throws Exception {
        Collected c = parse("asb.csv", "source,value,period,area,indicator,note\n"
                + "kent-police,21.5,2014-06,maidstone,asb-incidents-per-1000,provisional\n");
        assertEquals(List.of(), c.rejected);
        Reading r = c.readings.get(0);
        assertEquals("maidstone", r.partnership());
        assertEquals(Period.month(2014, 6), r.period());
        assertEquals(new BigDecimal("21.5"), r.value());
        assertEquals("provisional", r.note());
    }

    @Test
    void a_csv_missing_required_columns_is_rejected_naming_them() throws Exception {
        Collected c = parse("bad.csv", "partnership,indicator,area,period\nmaidstone,ksi-casualties,maidstone,2014\n");
        assertEquals(List.of(), c.readings);
        assertEquals(List.of(new RejectedReading("bad.csv", 1, "the header lacks the columns value, source "
                + "(a reading CSV has partnership,indicator,area,period,value,source,reportedAt,note)")), c.rejected);
    }

    @Test
    void a_csv_missing_one_column_names_it() throws Exception {
        Collected c = parse("bad.csv", "indicator,area,period,value\nksi-casualties,maidstone,2014,52\n");
        assertEquals(1, c.rejected.size());
        assertTrue(c.rejected.get(0).reason().startsWith("the header lacks the column source "), c.rejected.get(0).reason());
    }

    @Test
    void a_csv_row_with_more_cells_than_the_header_is_rejected() throws Exception {
        Collected c = parse("wide.csv", "indicator,area,period,value,source\n"
                + "ksi-casualties,maidstone,2014,52,kfrs,extra\n"
                + "ksi-casualties,maidstone,2015,50,kfrs\n");
        assertEquals(1, c.readings.size());
        assertEquals(List.of(new RejectedReading("wide.csv", 2, "has 6 cells where the header has 5")), c.rejected);
    }

    @Test
    void a_csv_saved_by_a_spreadsheet_with_a_byte_order_mark_is_read() throws Exception {
        Collected c = parse("ksi.csv", "\uFEFFindicator,area,period,value,source\nksi-casualties,maidstone,2014,52,kfrs\n");
        assertEquals(List.of(), c.rejected);
        assertEquals(1, c.readings.size());
    }

    @Test
    void a_bad_report_time_is_rejected_with_an_example_of_a_good_one() throws Exception {
        Collected c = parse("ksi.csv", "indicator,area,period,value,source,reportedAt\n"
                + "ksi-casualties,maidstone,2014,52,kfrs,yesterday\n"
                + "ksi-casualties,maidstone,2015,50,kfrs,2016-01-04T09:00:00Z\n");
        assertEquals(List.of(new RejectedReading("ksi.csv", 2,
                "reportedAt \"yesterday\" is not an ISO instant such as 2014-04-02T09:00:00Z")), c.rejected);
        assertEquals(Instant.parse("2016-01-04T09:00:00Z"), c.readings.get(0).reportedAt());
    }

    @Test
    void a_json_object_is_one_reading() throws Exception {
        Collected c = parse("ksi.json", KSI_JSON);
        assertEquals(List.of(), c.rejected);
        assertEquals(List.of(Reading.of("maidstone", "ksi-casualties", "maidstone", "2014", "52", "kfrs")), c.readings);
        assertEquals(List.of(1L), c.rows);
    }

    @Test
    void a_json_array_is_many_readings_and_a_bad_item_is_rejected_by_its_position() throws Exception {
        // given
        String json = "[" + KSI_JSON + ","
                + "{\"indicator\":\"ksi-casualties\",\"area\":\"maidstone\",\"period\":\"2014-Q5\",\"value\":50,\"source\":\"kfrs\"},"
                + "{\"indicator\":\"ksi-casualties\",\"area\":\"maidstone\",\"period\":\"2015\",\"value\":\"48\",\"source\":\"kfrs\"}]";
        // when
        Collected c = parse("ksi.json", json);
        // then
        assertEquals(2, c.readings.size());
        assertEquals(List.of(1L, 3L), c.rows);
        assertEquals(new BigDecimal("48"), c.readings.get(1).value());
        assertEquals("maidstone", c.readings.get(1).partnership());
        assertEquals(List.of(new RejectedReading("ksi.json", 2,
                "period \"2014-Q5\" is not a valid period: quarter Q5 is not between Q1 and Q4")), c.rejected);
    }

    @Test
    void malformed_json_is_rejected_whole() throws Exception {
        Collected c = parse("ksi.json", "{\"indicator\":\"ksi-casualties\",");
        assertEquals(List.of(), c.readings);
        assertEquals(1, c.rejected.size());
        assertEquals(0, c.rejected.get(0).row());
        assertTrue(c.rejected.get(0).reason().startsWith("malformed JSON: "), c.rejected.get(0).reason());
    }

    @Test
    void deeply_nested_json_is_rejected_before_it_is_read() throws Exception {
        // given a reading buried two hundred arrays deep
        String json = "[".repeat(200) + KSI_JSON + "]".repeat(200);
        // when
        Collected c = parse("deep.json", json);
        // then
        assertEquals(List.of(), c.readings);
        assertEquals(1, c.rejected.size());
        assertEquals(0, c.rejected.get(0).row());
        assertTrue(c.rejected.get(0).reason().startsWith("malformed JSON: ")
                && c.rejected.get(0).reason().contains("nesting depth"), c.rejected.get(0).reason());
    }

    @Test
    void a_json_field_holding_an_object_is_rejected() throws Exception {
        Collected c = parse("ksi.json", KSI_JSON.replace("\"value\":52", "\"value\":{\"amount\":52}"));
        assertEquals(List.of(new RejectedReading("ksi.json", 1, "value must be a plain value, not object")), c.rejected);
    }

    @Test
    void json_that_is_not_a_reading_is_rejected() throws Exception {
        assertEquals(List.of(new RejectedReading("x.json", 0, "expected a reading object or an array of them")),
                parse("x.json", "42").rejected);
        assertEquals(List.of(new RejectedReading("x.json", 0, "an empty array: no reading in it")),
                parse("x.json", "[]").rejected);
        assertEquals(List.of(new RejectedReading("x.json", 1, "expected a reading object")),
                parse("x.json", "[\"ksi\"]").rejected);
    }

    @Test
    void a_json_message_with_a_bad_value_throws_naming_the_field() {
        ReadingFormat format = new ReadingFormat();
        assertEquals(1, format.parseJson(KSI_JSON).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> format.parseJson(KSI_JSON.replace("52", "\"forty\"")));
        assertEquals("item 1: value \"forty\" is not a number", e.getMessage());
    }

    @Test
    void only_csv_and_json_files_are_reading_files() {
        assertTrue(ReadingFormat.isReadingFile("KSI.CSV"));
        assertTrue(ReadingFormat.isReadingFile("ksi.json"));
        assertTrue(!ReadingFormat.isReadingFile("ksi.xlsx"));
    }
}
