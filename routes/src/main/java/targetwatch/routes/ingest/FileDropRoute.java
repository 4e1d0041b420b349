package targetwatch.routes.ingest;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import targetwatch.routes.service.Tenants;
import targetwatch.engine.readings.ReadingFormat;
import targetwatch.engine.readings.RejectedReading;
import targetwatch.routes.service.IngestService;

/**
 * Source: reading files (CSV or JSON) dropped into the inbox folder. A file whose every row was taken
 * moves to {@code done/}; a file with a bad row still delivers its good rows and moves to {@code failed/}
 * with a {@code .errors} report beside it naming each bad row and why.
 */
public class FileDropRoute extends RouteBuilder {

    /** The folder a taken file moves to: done or failed. */
    static final String OUTCOME = "TargetwatchOutcome";

    @Override
    public void configure() {
        ReadingFormat format = new ReadingFormat();
        from("file:{{targetwatch.inbox}}?include=.*\\.(csv|json|CSV|JSON)&exclude=^\\..*"
                + "&readLock=changed&readLockMinAge=500&readLockCheckInterval=200&readLockMinLength=0"
                + "&move=${header.TargetwatchOutcome}/${file:name}&moveFailed=failed/${file:name}"
                + "&maxMessagesPerPoll=10&delay={{targetwatch.inbox.poll-ms}}")
                .routeId("ingest-file")
                .process(exchange -> {
                    String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
                    Batch batch = new Batch(name);
                    // a row naming no partnership is the only one the service holds; with several it must name one
                    String only = exchange.getContext().getRegistry().findSingleByType(Tenants.class).only()
                            .map(Tenants.Tenant::id).orElse(null);
                    try (InputStream in = exchange.getIn().getMandatoryBody(InputStream.class)) {
                        format.withDefaultPartnership(only).parse(name, in, batch);
                    }
                    exchange.getIn().setBody(batch);
                })
                .to(IngestRoute.URI)
                .process(exchange -> {
                    IngestService.Result result = exchange.getIn().getBody(IngestService.Result.class);
                    String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
                    if (result.rejected().isEmpty()) {
                        exchange.getIn().setHeader(OUTCOME, "done");
                        return;
                    }
                    exchange.getIn().setHeader(OUTCOME, "failed");
                    Path inbox = Path.of(exchange.getContext().resolvePropertyPlaceholders("{{targetwatch.inbox}}"));
                    Path failed = Files.createDirectories(inbox.resolve("failed"));
                    String report = "# " + name + ": " + result.accepted() + " reading(s) taken, " + result.rejected().size()
                            + " row(s) refused (row numbers count the header as row 1)\n"
                            + result.rejected().stream().map(RejectedReading::toString).collect(Collectors.joining("\n"))
                            + "\n";
                    Files.writeString(failed.resolve(name + ".errors"), report, StandardCharsets.UTF_8);
                    exchange.getContext().getRegistry().findSingleByType(Tenants.class).countDeadLettered();
                    log.warn("{}: {} row(s) refused; report in {}", name, result.rejected().size(),
                            failed.resolve(name + ".errors"));
                });
    }
}
