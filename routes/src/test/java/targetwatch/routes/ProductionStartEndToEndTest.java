package targetwatch.routes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** targetwatch.mode=production with the demo's settings: the service does not start, and says which settings why. */
class ProductionStartEndToEndTest {

    @Test
    void production_mode_with_the_demo_settings_refuses_to_start_naming_each_unsafe_setting(@TempDir Path data) throws Exception {
        Main main = Application.create(Map.of("targetwatch.mode", "production", "targetwatch.data", data.toString(),
                "camel.server.port", String.valueOf(RunningTargetwatch.freePort()),
                "targetwatch.broker.port", String.valueOf(RunningTargetwatch.freePort()),
                "camel.component.properties.system-properties-mode", "1"));
        Exception e = assertThrows(Exception.class, main::start);
        main.stop();
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        String said = messages.toString();
        assertTrue(said.contains("targetwatch.mode=production refuses to start"), said);
        for (String setting : new String[] {"targetwatch.users.file", "targetwatch.broker.users-file", "targetwatch.ack.secret",
                "targetwatch.rules.auto-activate"}) {
            assertTrue(said.contains(setting), setting + " named in: " + said);
        }
        assertFalse(Files.exists(data.resolve("demo-credentials.txt")), "no demo account was created");
        assertFalse(Files.exists(data.resolve("users.properties")));
    }
}
