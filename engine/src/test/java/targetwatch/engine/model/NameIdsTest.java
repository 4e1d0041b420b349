package targetwatch.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Alert and event ids stay what they were: the name-based UUID of the same text. */
class NameIdsTest {

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "maidstone/ksi-casualties/maidstone|1|2014|RAISED|RED|1",
            "alert|RATING|maidstone/asb-incidents-per-1000/ward-270|2017-03|1491044400000", "naïve – ünïcödé ✓"})
    void an_id_is_the_name_based_uuid_of_its_text(String name) {
        assertEquals(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString(), NameIds.of(name));
    }

    @ParameterizedTest(name = "the same id for \"{0}\" twice running")
    @ValueSource(strings = {"a", "maidstone/ksi-casualties/maidstone|2|2015|WORSENED|RED|1"})
    void the_same_text_gives_the_same_id_every_time(String name) {
        assertEquals(NameIds.of(name), NameIds.of(name));
    }
}
