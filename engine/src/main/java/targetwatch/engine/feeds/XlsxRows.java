package targetwatch.engine.feeds;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import javax.xml.parsers.ParserConfigurationException;

import org.apache.poi.openxml4j.exceptions.OpenXML4JException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.ReadOnlySharedStringsTable;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The rows of one sheet of an .xlsx workbook, streamed from its XML one row at a time (Apache POI's
 * event API): each cell as the text stored in the file, numbers unformatted ({@code 13.9792580866691},
 * not {@code 14.0}), so a workbook reads like its CSV export.
 */
final class XlsxRows {

    static {
        quietenPoiLogging();
    }

    private XlsxRows() {
    }

    /**
     * POI logs through the Log4j API. Where no Log4j provider is on the class path (the engine alone,
     * the benchmarks) the API complains on standard error at first use; its own simple logger, errors
     * only, is used there instead. Where a provider is present (the service bridges to SLF4J) nothing changes.
     */
    private static void quietenPoiLogging() {
        if (System.getProperty("log4j.provider") != null || System.getProperty("log4j2.loggerContextFactory") != null) {
            return;
        }
        for (String provider : List.of("org.apache.logging.slf4j.SLF4JProvider", "org.apache.logging.log4j.core.impl.Log4jProvider")) {
            try {
                Class.forName(provider, false, XlsxRows.class.getClassLoader());
                return;
            } catch (ClassNotFoundException e) {
                // not this one
            }
        }
        System.setProperty("log4j.provider", "org.apache.logging.log4j.simple.internal.SimpleProvider");
    }

    /** Whether the first bytes are a zip file's, as every .xlsx is. */
    static boolean isZip(byte[] head, int length) {
        return length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    /**
     * Hands each row of the first sheet whose name is one of {@code sheetNames} (ignoring case) to
     * {@code row}, with blank cells as empty text.
     *
     * @return false when the workbook has no such sheet
     */
    static boolean read(InputStream in, List<String> sheetNames, Consumer<List<String>> row) throws IOException {
        try (OPCPackage pkg = OPCPackage.open(in)) {
            XSSFReader reader = new XSSFReader(pkg);
            ReadOnlySharedStringsTable strings = new ReadOnlySharedStringsTable(pkg, false);
            XSSFReader.SheetIterator sheets = (XSSFReader.SheetIterator) reader.getSheetsData();
            List<String> wanted = sheetNames.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
            while (sheets.hasNext()) {
                try (InputStream sheet = sheets.next()) {
                    if (!wanted.contains(sheets.getSheetName().strip().toLowerCase(Locale.ROOT))) {
                        continue;
                    }
                    XMLReader xml = XMLHelper.newXMLReader();
                    xml.setContentHandler(new SheetHandler(strings, row));
                    xml.parse(new InputSource(sheet));
                    return true;
                }
            }
            return false;
        } catch (OpenXML4JException | SAXException | ParserConfigurationException | RuntimeException e) {
            throw new FeedRefusedException("not a readable .xlsx workbook: " + e.getMessage());
        }
    }

    /** Collects the cells of each {@code <row>} by their column letters and hands the row on at its end. */
    private static final class SheetHandler extends DefaultHandler {
        private final ReadOnlySharedStringsTable strings;
        private final Consumer<List<String>> sink;
        private final List<String> cells = new ArrayList<>();
        private final StringBuilder text = new StringBuilder();
        private String type;
        private int column;
        private boolean inValue;

        SheetHandler(ReadOnlySharedStringsTable strings, Consumer<List<String>> sink) {
            this.strings = strings;
            this.sink = sink;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) {
            switch (localName) {
                case "row" -> cells.clear();
                case "c" -> {
                    type = attributes.getValue("t");
                    String ref = attributes.getValue("r");
                    column = ref == null ? cells.size() : columnOf(ref);
                    text.setLength(0);
                }
                case "v", "t" -> inValue = true;
                default -> { }
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (inValue) {
                text.append(ch, start, length);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            switch (localName) {
                case "v", "t" -> inValue = false;
                case "c" -> {
                    while (cells.size() < column) {
                        cells.add("");
                    }
                    cells.add(value());
                }
                case "row" -> sink.accept(List.copyOf(cells));
                default -> { }
            }
        }

        private String value() {
            String raw = text.toString();
            if ("s".equals(type)) {
                try {
                    return strings.getItemAt(Integer.parseInt(raw.strip())).getString();
                } catch (RuntimeException e) {
                    return "";
                }
            }
            if ("b".equals(type)) {
                return raw.equals("1") ? "TRUE" : "FALSE";
            }
            return raw;
        }

        /** {@code AV12} is column 47 (from 0). */
        private static int columnOf(String ref) {
            int c = 0;
            for (int i = 0; i < ref.length() && Character.isLetter(ref.charAt(i)); i++) {
                c = c * 26 + (Character.toUpperCase(ref.charAt(i)) - 'A' + 1);
            }
            return c - 1;
        }
    }
}
