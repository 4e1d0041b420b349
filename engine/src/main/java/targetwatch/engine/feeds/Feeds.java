package targetwatch.engine.feeds;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import targetwatch.engine.readings.ReadingSink;

/**
 * The partner feeds in one place: recognises a published file by its header and turns it into readings
 * through its adapter. Holds one adapter per source, so that months and years read from earlier files
 * count towards later rolling figures; use one instance per run or per service.
 */
public final class Feeds {

    /** How much of a file is looked at to recognise it. */
    static final int HEAD_BYTES = 64 * 1024;
    private static final int HEAD_LINES = 10;

    private final PoliceStreetAdapter police;
    private final Stats19Adapter stats19 = new Stats19Adapter();
    private final FlytippingAdapter flytipping = new FlytippingAdapter();

    /** The feeds making the readings they always have (the police feed: ASB only). */
    public Feeds() {
        this(java.util.Set.of());
    }

    /**
     * The feeds, also making the optional readings among {@code targeted} (the indicators the rule sets have targets
     * for): {@code crimes-per-1000} from the police feed.
     */
    public Feeds(java.util.Set<String> targeted) {
        this.police = new PoliceStreetAdapter(targeted.contains(PoliceStreetAdapter.CRIMES));
    }

    /** Which feed a file is, from its first bytes: an .xlsx workbook is taken for DEFRA's. */
    public static Optional<FeedKind> recognise(byte[] head, int length) {
        if (XlsxRows.isZip(head, length)) {
            return Optional.of(FeedKind.DEFRA_FLYTIPPING);
        }
        String text = new String(head, 0, length, StandardCharsets.UTF_8);
        int lines = 0;
        int at = 0;
        while (lines < HEAD_LINES && at < text.length()) {
            int end = text.indexOf('\n', at);
            if (end < 0) {
                if (length == HEAD_BYTES) {
                    break; // a cut line: not a header worth guessing from
                }
                end = text.length();
            }
            Optional<FeedKind> kind = recogniseLine(text.substring(at, end));
            if (kind.isPresent()) {
                return kind;
            }
            at = end + 1;
            lines++;
        }
        return Optional.empty();
    }

    /** Which feed a file is, from its first bytes; empty for a reading file or anything else. */
    public static Optional<FeedKind> recognise(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(HEAD_BYTES);
            return recognise(head, head.length);
        }
    }

    private static Optional<FeedKind> recogniseLine(String line) {
        try (CSVParser p = CSVParser.parse(new StringReader(line), FeedIo.CSV)) {
            for (CSVRecord rec : p) {
                return FeedKind.recognise(Columns.of(rec.toList()));
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Recognises a file and adapts it, handing each reading made to {@code sink}.
     *
     * @throws FeedRefusedException when it is not a feed file, or is one of the wrong shape
     */
    public FeedReport adapt(FeedAreas areas, String file, InputStream in, ReadingSink sink, FeedProgress progress)
            throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, HEAD_BYTES + 1);
        buffered.mark(HEAD_BYTES + 1);
        byte[] head = buffered.readNBytes(HEAD_BYTES);
        buffered.reset();
        FeedKind kind = recognise(head, head.length).orElseThrow(() -> new FeedRefusedException(file
                + ": refused whole: not a feed file targetwatch knows (data.police.uk street-level, DfT STATS19 collisions"
                + " or casualties, DEFRA fly-tipping)"));
        return adapt(kind, areas, file, buffered, sink, progress);
    }

    /** Adapts a file already known to be of a kind; it is still refused whole if its header is not right. */
    public FeedReport adapt(FeedKind kind, FeedAreas areas, String file, InputStream in, ReadingSink sink, FeedProgress progress)
            throws IOException {
        return switch (kind) {
            case POLICE_STREET -> police.adapt(areas, file, in, sink, progress);
            case STATS19_COLLISIONS, STATS19_CASUALTIES -> stats19.adapt(areas, file, in, sink, progress);
            case DEFRA_FLYTIPPING -> flytipping.adapt(areas, file, in, sink);
        };
    }

    public PoliceStreetAdapter police() {
        return police;
    }

    public Stats19Adapter stats19() {
        return stats19;
    }

    public FlytippingAdapter flytipping() {
        return flytipping;
    }
}
