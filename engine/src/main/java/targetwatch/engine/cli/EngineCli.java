package targetwatch.engine.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.ReadingFormat;
import targetwatch.engine.readings.ReadingSink;
import targetwatch.engine.readings.RejectedReading;
import targetwatch.engine.rules.CompiledRules;
import targetwatch.engine.rules.InvalidReadingException;
import targetwatch.engine.rules.Outcome;
import targetwatch.engine.rules.RuleCompiler;
import targetwatch.engine.rules.RuleEngine;
import targetwatch.engine.ruleset.RuleSetError;
import targetwatch.engine.ruleset.RuleSetRejectedException;

/**
 * The engine's commands, with no broker or server: {@code replay FILE... [--rules DIR] [--json]} and
 * {@code rules validate DIR}. Exit status 0 on success, 1 for a refused rule set, 2 for bad usage or an
 * unreadable file.
 */
public final class EngineCli {

    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 2;

    private final PrintStream out;
    private final PrintStream err;
    private final Path home;

    /**
     * @param home the folder whose {@code rules/} is the default rule set
     */
    public EngineCli(PrintStream out, PrintStream err, Path home) {
        this.out = out;
        this.err = err;
        this.home = home;
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("targetwatch.home", "."));
        System.exit(new EngineCli(System.out, System.err, home).run(args));
    }

    /** Runs a command and returns its exit status. */
    public int run(String... args) {
        if (args.length >= 1 && args[0].equals("replay")) {
            return replay(List.of(args).subList(1, args.length));
        }
        if (args.length == 3 && args[0].equals("rules") && args[1].equals("validate")) {
            return validate(Path.of(args[2]));
        }
        usage();
        return USAGE;
    }

    private void usage() {
        err.println("usage: targetwatch replay FILE... [--rules DIR] [--json]");
        err.println("       targetwatch rules validate DIR");
    }

    int validate(Path dir) {
        try {
            CompiledRules rules = new RuleCompiler().load(dir);
            out.println("OK");
            err.println(dir + ": " + rules.ruleSet().targets().size() + " targets, " + rules.ruleSet().contacts().size()
                    + " contacts, " + rules.ruleCount() + " rules");
            return OK;
        } catch (RuleSetRejectedException e) {
            e.errors().stream().map(RuleSetError::toString).forEach(out::println);
            return REFUSED;
        }
    }

    int replay(List<String> args) {
        List<Path> files = new ArrayList<>();
        Path rulesDir = home.resolve("rules");
        boolean json = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--json")) {
                json = true;
            } else if (a.equals("--rules") && i + 1 < args.size()) {
                rulesDir = Path.of(args.get(++i));
            } else if (a.startsWith("--")) {
                err.println("unknown option " + a);
                usage();
                return USAGE;
            } else {
                files.add(Path.of(a));
            }
        }
        if (files.isEmpty()) {
            usage();
            return USAGE;
        }
        CompiledRules rules;
        try {
            rules = new RuleCompiler().load(rulesDir);
        } catch (RuleSetRejectedException e) {
            err.println("the rule set in " + rulesDir + " was refused:");
            e.errors().forEach(x -> err.println("  " + x));
            return REFUSED;
        }
        Replay replay = new Replay(rules, json);
        try (RuleEngine engine = new RuleEngine(rules)) {
            replay.engine = engine;
            ReadingFormat format = new ReadingFormat();
            for (Path f : files) {
                try (InputStream in = Files.newInputStream(f)) {
                    format.parse(f.toString(), in, replay);
                } catch (IOException e) {
                    err.println(f + ": cannot be read: " + e.getMessage());
                    return USAGE;
                }
            }
            if (!json) {
                new StatusTable(rules.ruleSet(), engine.latest()).print(out);
            }
        }
        err.println(replay.taken + " readings taken from " + files.size() + " file" + (files.size() == 1 ? "" : "s")
                + (replay.rejected == 0 ? "" : "; " + replay.rejected + " rejected (listed above)"));
        return OK;
    }

    /** Feeds parsed readings to the engine in order and reports as it goes. */
    private final class Replay implements ReadingSink {
        private final boolean json;
        private RuleEngine engine;
        private long taken;
        private long rejected;

        Replay(CompiledRules rules, boolean json) {
            this.json = json;
        }

        @Override
        public void accept(Reading reading, String file, long row) {
            try {
                Outcome outcome = engine.process(reading);
                taken++;
                if (json) {
                    outcome.assessments().forEach(a -> out.println(EventJson.line(a)));
                    outcome.alertEvents().forEach(e -> out.println(EventJson.line(e)));
                }
            } catch (InvalidReadingException e) {
                reject(new RejectedReading(file, row, e.getMessage()));
            }
        }

        @Override
        public void reject(RejectedReading r) {
            rejected++;
            err.println(r);
        }
    }
}
