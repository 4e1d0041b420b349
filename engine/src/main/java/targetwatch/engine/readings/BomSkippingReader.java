package targetwatch.engine.readings;

import java.io.FilterReader;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;

/** Drops the byte-order mark that spreadsheet programs put at the start of "CSV UTF-8" files. */
final class BomSkippingReader extends FilterReader {

    BomSkippingReader(Reader in) throws IOException {
        super(skipBom(in));
    }

    private static Reader skipBom(Reader in) throws IOException {
        PushbackReader p = new PushbackReader(in, 1);
        int first = p.read();
        if (first != -1 && first != '\uFEFF') {
            p.unread(first);
        }
        return p;
    }
}
