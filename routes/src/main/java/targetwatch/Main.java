package targetwatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;

import targetwatch.engine.cli.EngineCli;
import targetwatch.routes.Application;
import targetwatch.routes.Settings;

/**
 * The {@code ./targetwatch} command: {@code run} starts the service; {@code send FILE...} drops reading
 * files into the running service's inbox; {@code rules diff|activate DIR} change its rule set;
 * {@code replay} and {@code rules validate} run the engine alone.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "" : args[0];
        switch (command) {
            case "run" -> Application.run();
            case "broker" -> System.exit(BrokerCommand.run(System.out, System.getenv()));
            case "send" -> System.exit(send(Arrays.copyOfRange(args, 1, args.length)));
            case "users" -> System.exit(new UsersCommand(System.out, System.err)
                    .run(Arrays.asList(args).subList(1, args.length)));
            case "rules" -> {
                if (args.length == 3 && (args[1].equals("activate") || args[1].equals("diff"))) {
                    System.exit(new RulesCommand(System.out, System.err).run(args[1], Path.of(args[2])));
                }
                System.exit(new EngineCli(System.out, System.err, Path.of(System.getProperty(Settings.HOME, "."))).run(args));
            }
            case "replay" -> System.exit(new EngineCli(System.out, System.err,
                    Path.of(System.getProperty(Settings.HOME, "."))).run(args));
            default -> {
                System.err.println("usage: targetwatch run");
                System.err.println("       targetwatch broker   (the broker alone, for several instances to share)");
                System.err.println("       targetwatch send FILE...");
                System.err.println("       targetwatch users list|add NAME --role ROLE [--contact ID]...|disable NAME|reset NAME");
                System.err.println("       targetwatch replay FILE... [--rules DIR] [--json] [--as-of yyyy-mm-dd]");
                System.err.println("       targetwatch rules validate DIR");
                System.err.println("       targetwatch rules diff DIR      (what the running service would change)");
                System.err.println("       targetwatch rules activate DIR  (check, build and activate in the running service)");
                System.exit(command.isEmpty() || command.equals("help") ? 0 : 2);
            }
        }
    }

    /**
     * Copies each file into the inbox under a hidden name and renames it when complete, so the service
     * never reads half a file.
     */
    static int send(String... files) throws IOException {
        if (files.length == 0) {
            System.err.println("usage: targetwatch send FILE...");
            return 2;
        }
        // the inbox of the service that `run` starts with the same environment: TARGETWATCH_INBOX, else the inbox
        // folder of TARGETWATCH_DATA
        String data = System.getenv().getOrDefault("TARGETWATCH_DATA", "data");
        String inboxSetting = System.getenv().getOrDefault("TARGETWATCH_INBOX", data + "/inbox");
        Path inbox = Files.createDirectories(Settings.resolve(inboxSetting));
        for (String f : files) {
            Path source = Path.of(f);
            if (!Files.isRegularFile(source)) {
                System.err.println(f + ": no such file");
                return 2;
            }
            Path tmp = inbox.resolve("." + source.getFileName() + ".part");
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, inbox.resolve(source.getFileName()), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            System.out.println("sent " + f + " to " + inbox);
        }
        return 0;
    }
}
