package targetwatch.routes.feeds;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import targetwatch.routes.service.Tenants;
import targetwatch.engine.feeds.FeedAreas;
import targetwatch.engine.feeds.FeedRefusedException;
import targetwatch.engine.feeds.FeedReport;
import targetwatch.engine.feeds.FeedSetupException;
import targetwatch.engine.readings.RejectedReading;
import targetwatch.routes.Settings;
import targetwatch.routes.ingest.Batch;
import targetwatch.routes.ingest.IngestRoute;
import targetwatch.routes.service.IngestService;

/**
 * What every partner feed route does: watches its own inbox folder for files as the partner publishes
 * them, turns each into readings through its adapter (with the rule set's areas and population, read
 * afresh for each file so the secretariat's edits count at once), hands them to the shared ingest route,
 * and moves the file to {@code done/} or {@code failed/} with a {@code .report} beside it saying what was
 * read, used and skipped, and which readings or rows were refused.
 */
abstract class FeedRoute extends RouteBuilder {

    private final String routeId;
    private final String inboxKey;
    private final String include;

    /**
     * @param routeId the route's id, such as {@code feed-police}
     * @param inboxKey the setting naming the inbox folder, such as {@code targetwatch.feeds.police.inbox}
     * @param include the file names taken, as a regular expression
     */
    FeedRoute(String routeId, String inboxKey, String include) {
        this.routeId = routeId;
        this.inboxKey = inboxKey;
        this.include = include;
    }

    /** Turns one file into readings, handing each to {@code batch}. */
    protected abstract FeedReport adapt(FeedAreas areas, String file, InputStream in, Batch batch) throws IOException;

    @Override
    public void configure() {
        from("file:{{" + inboxKey + "}}?include=" + include + "&exclude=^\\..*"
                + "&readLock=changed&readLockMinAge=500&readLockCheckInterval=200"
                + "&move=${exchangeProperty.outcomeFolder}/${file:name}&moveFailed=failed/${file:name}"
                + "&maxMessagesPerPoll=1&delay={{targetwatch.inbox.poll-ms}}")
                .routeId(routeId)
                .process(this::read)
                .to(IngestRoute.URI)
                .process(this::report);
    }

    private void read(Exchange exchange) throws IOException {
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        Batch batch = Batch.ofFeed(name);
        List<String> lines = new ArrayList<>();
        try (InputStream in = exchange.getIn().getMandatoryBody(InputStream.class)) {
            FeedAreas areas = FeedAreas.load(new Settings(exchange.getContext()).path("targetwatch.rules"));
            FeedReport report = adapt(areas, name, in, batch);
            lines.addAll(report.lines());
            log.info("{}", report.summary());
        } catch (FeedRefusedException e) {
            batch.reject(new RejectedReading(name, 1, e.reason(name)));
        } catch (FeedSetupException e) {
            batch.reject(new RejectedReading(name, 0, "the rule set's feed files were refused: " + String.join("; ", e.errors())));
        } catch (org.apache.camel.InvalidPayloadException e) {
            throw new IOException(e);
        }
        exchange.setProperty("feedReport", lines);
        exchange.getIn().setBody(batch);
    }

    private void report(Exchange exchange) throws IOException {
        IngestService.Result result = exchange.getIn().getBody(IngestService.Result.class);
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        boolean failed = !result.rejected().isEmpty();
        String folder = failed ? "failed" : "done";
        exchange.setProperty("outcomeFolder", folder);
        @SuppressWarnings("unchecked")
        List<String> lines = new ArrayList<>(exchange.getProperty("feedReport", List.class));
        lines.add(result.accepted() + " reading(s) taken, " + result.rejected().size() + " refused");
        result.rejected().forEach(r -> lines.add("refused: " + r));
        Path inbox = new Settings(exchange.getContext()).path(inboxKey);
        Path to = Files.createDirectories(inbox.resolve(folder));
        Files.writeString(to.resolve(name + ".report"), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        if (failed) {
            exchange.getContext().getRegistry().findSingleByType(Tenants.class).countDeadLettered();
            log.warn("{}: {} refused; report in {}", name, result.rejected().size(), to.resolve(name + ".report"));
        }
    }
}
