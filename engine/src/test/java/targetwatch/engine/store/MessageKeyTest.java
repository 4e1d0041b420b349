package targetwatch.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MessageKeyTest {

    /** Two Artemis ids 100 ns apart, and one a tick of time low's wrap later: time high and mid move only then. */
    private static final String FIRST = "ID:fffffffe-bc42-11f1-a0c3-0242ac110002";
    private static final String NEXT = "ID:ffffffff-bc42-11f1-a0c3-0242ac110002";
    private static final String AFTER_WRAP = "ID:00000000-bc43-11f1-a0c3-0242ac110002";

    @Test
    void a_time_based_uuid_is_keyed_by_its_time_from_the_highest_bits_down() {
        assertEquals("t1:1f1bc42fffffffe-a0c3-0242ac110002", MessageKey.of(FIRST));
        assertTrue(MessageKey.of(NEXT).compareTo(MessageKey.of(AFTER_WRAP)) < 0,
                "in time order across time low's wrap, where the ids themselves sort the other way");
        assertTrue(NEXT.compareTo(AFTER_WRAP) > 0);
    }

    @Test
    void every_key_gives_back_its_id() {
        for (String id : List.of(FIRST, AFTER_WRAP, "ID:9b2e1f4a-0c6d-4e8b-9a31-5f0e2d7c8b14", "core:123", "t1:1f1bc42fffffffe",
                "~", "~t1:x", "t1:", "ID:fffffffe-bc42-11f1-a0c3-0242ac11000", "ID:FFFFFFFE-BC42-11F1-A0C3-0242AC110002",
                "urn:uuid:fffffffe-bc42-11f1-a0c3-0242ac110002")) {
            assertEquals(id, MessageKey.idOf(MessageKey.of(id)), id);
        }
    }

    @Test
    void ids_of_other_forms_are_their_own_keys_and_those_that_look_like_keys_are_escaped() {
        assertEquals("ID:9b2e1f4a-0c6d-4e8b-9a31-5f0e2d7c8b14", MessageKey.of("ID:9b2e1f4a-0c6d-4e8b-9a31-5f0e2d7c8b14"),
                "a random (version 4) UUID has no time to put first");
        assertEquals("ID:fffffffe-bc42-11f1-a0c3-0242ac11000", MessageKey.of("ID:fffffffe-bc42-11f1-a0c3-0242ac11000"),
                "one hex digit short");
        assertEquals("core:123", MessageKey.of("core:123"));
        assertEquals("~t1:1f1bc42fffffffe-a0c3-0242ac110002", MessageKey.of("t1:1f1bc42fffffffe-a0c3-0242ac110002"),
                "an id that is some other id's key");
        assertEquals("~~x", MessageKey.of("~x"));
        assertNotEquals(MessageKey.of(FIRST), MessageKey.of(MessageKey.of(FIRST)));
    }

    @Test
    void distinct_ids_have_distinct_keys_no_longer_than_the_column() {
        List<String> ids = new ArrayList<>(List.of(FIRST, MessageKey.of(FIRST), MessageKey.of(MessageKey.of(FIRST)), "~", "~~",
                "t1:", "~t1:", "x"));
        ids.add("~" + "x".repeat(ProcessedMessage.MAX_ID - 1));
        Set<String> keys = new HashSet<>();
        for (String id : ids) {
            String key = MessageKey.of(id);
            assertTrue(keys.add(key), "a key of its own for " + id);
            assertTrue(key.length() <= MessageKey.MAX_KEY, id);
        }
    }
}
