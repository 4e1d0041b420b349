package targetwatch.routes.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import targetwatch.engine.ruleset.RuleSetFiles;
import targetwatch.engine.ruleset.RuleSetRejectedException;
import targetwatch.engine.ruleset.TargetsWorkbook;

/**
 * Unpacks what the secretariat uploads (a zip, or one file) into rule set files, refusing anything
 * that is not their data: templates or DRL, entries escaping their folder, zip bombs, non-UTF-8 text,
 * workbooks with formulas or macros. The API's uploads and the rules pages' both come through here.
 */
public final class Uploads {

    static final long MAX_UNPACKED = 20L * 1024 * 1024;
    private static final int MAX_ENTRIES = 20;

    private Uploads() {
    }

    /** The files of a zip upload, by name. */
    public static Map<String, String> unzip(byte[] zip) throws IOException {
        Map<String, String> files = new TreeMap<>();
        long total = 0;
        int entries = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (++entries > MAX_ENTRIES) {
                    throw new ApiException(422, "the zip holds more than " + MAX_ENTRIES + " entries");
                }
                String name = e.getName().replace('\\', '/');
                if (name.startsWith("/") || name.contains("../") || name.equals("..") || name.contains(":")) {
                    throw new ApiException(422, "zip entry \"" + name + "\" would escape its folder");
                }
                if (e.isDirectory()) {
                    continue;
                }
                String base = name.contains("/") ? name.substring(name.lastIndexOf('/') + 1) : name;
                byte[] data = readAtMost(in, MAX_UNPACKED - total, name);
                total += data.length;
                files.putAll(file(base, data));
            }
        } catch (java.util.zip.ZipException ex) {
            throw new ApiException(422, "not a readable zip: " + ex.getMessage());
        }
        if (files.isEmpty()) {
            throw new ApiException(422, "the zip holds no rule set file");
        }
        return files;
    }

    /** One uploaded file as rule set files (a workbook becomes targets.csv). */
    public static Map<String, String> file(String name, byte[] data) {
        if (RuleSetFiles.isDeveloperOwned(name)) {
            throw new ApiException(422, "\"" + name + "\" is a template or DRL: these change only with a release, never by upload");
        }
        if (!RuleSetFiles.SECRETARIAT_FILES.contains(name)) {
            throw new ApiException(422, "\"" + name + "\" is not a rule set file (expected one of "
                    + String.join(", ", new java.util.TreeSet<>(RuleSetFiles.SECRETARIAT_FILES)) + ")");
        }
        if (name.equals(TargetsWorkbook.FILE)) {
            try {
                return Map.of("targets.csv", TargetsWorkbook.toCsv(new ByteArrayInputStream(data)));
            } catch (RuleSetRejectedException e) {
                throw new ApiException(422, "targets.xlsx was refused", e.errors().stream().map(Object::toString).toList());
            }
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString();
            return Map.of(name, text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (CharacterCodingException e) {
            throw new ApiException(422, "\"" + name + "\" is not UTF-8 text (save it as CSV UTF-8)");
        }
    }

    private static byte[] readAtMost(ZipInputStream in, long budget, String name) throws IOException {
        byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, budget + 1));
        if (data.length > budget) {
            throw new ApiException(422, "the zip unpacks to more than " + MAX_UNPACKED / 1024 / 1024
                    + " MB (at " + name + "): refused as a zip bomb");
        }
        return data;
    }
}
