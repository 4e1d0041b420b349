package targetwatch.engine.ruleset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * targets.xlsx, for the secretariat who work in Excel: read into the same CSV text the loader checks
 * (refusing formulas and macros: the workbook is data, never code), and the active targets written as
 * a workbook to edit and upload back.
 */
public final class TargetsWorkbook {

    public static final String FILE = "targets.xlsx";
    /** The most rows a targets sheet may use (its header included): far more than any partnership's targets. */
    public static final int MAX_ROWS = 5_000;
    /** The most columns a targets sheet may use: the table has 14. */
    public static final int MAX_COLUMNS = 100;

    private TargetsWorkbook() {
    }

    /**
     * The first sheet as targets.csv text, row for row (the header is row 1 in both).
     *
     * @throws RuleSetRejectedException naming each formula cell, a cell holding something beyond {@link #MAX_ROWS}
     *                                  rows or {@link #MAX_COLUMNS} columns, a macro-enabled workbook, or an unreadable
     *                                  file
     */
    public static String toCsv(InputStream xlsx) throws RuleSetRejectedException {
        List<RuleSetError> errors = new ArrayList<>();
        StringWriter out = new StringWriter();
        try (XSSFWorkbook wb = new XSSFWorkbook(xlsx); CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT)) {
            if (wb.isMacroEnabled() || wb.getPackage().getPartsByName(java.util.regex.Pattern.compile("(?i).*vbaProject.*")).size() > 0) {
                throw new RuleSetRejectedException(List.of(new RuleSetError(FILE, 0, "",
                        "holds macros; save it as a plain .xlsx workbook without macros")));
            }
            Sheet sheet = wb.getSheetAt(0);
            // the used range from the cells that hold something, before any row is read: a sheet whose range (or
            // one stray cell) spans the whole sheet must not make us walk billions of empty cells
            int[] used = usedRange(sheet);
            DataFormatter formatter = new DataFormatter();
            List<String> header = new ArrayList<>();
            int width = used[1];
            for (int r = 0; r <= used[0]; r++) {
                Row row = sheet.getRow(r);
                List<String> cells = new ArrayList<>();
                for (int c = 0; c < width; c++) {
                    Cell cell = row == null ? null : row.getCell(c);
                    String column = r == 0 || c >= header.size() ? "column " + (c + 1) : header.get(c);
                    cells.add(text(cell, formatter, r + 1, column, errors));
                }
                if (r == 0) {
                    header.addAll(cells);
                }
                csv.printRecord(cells);
            }
        } catch (IOException | RuntimeException e) {
            throw new RuleSetRejectedException(List.of(new RuleSetError(FILE, 0, "", "is not a readable .xlsx workbook: "
                    + e.getMessage())));
        }
        if (!errors.isEmpty()) {
            throw new RuleSetRejectedException(errors);
        }
        return out.toString();
    }

    /**
     * The last row index holding something and the header's width (up to its last cell holding something), looking
     * only at the cells the file has.
     *
     * @throws RuleSetRejectedException when something is beyond {@link #MAX_ROWS} rows or {@link #MAX_COLUMNS} columns
     */
    private static int[] usedRange(Sheet sheet) throws RuleSetRejectedException {
        int lastRow = -1;
        int width = 0;
        for (Row row : sheet) {
            for (Cell cell : row) {
                if (blank(cell)) {
                    continue;
                }
                if (row.getRowNum() >= MAX_ROWS || cell.getColumnIndex() >= MAX_COLUMNS) {
                    String at = new CellReference(row.getRowNum(), cell.getColumnIndex()).formatAsString();
                    throw new RuleSetRejectedException(List.of(new RuleSetError(FILE, row.getRowNum() + 1, at,
                            "holds something at " + at + ", beyond the " + MAX_ROWS + " rows and " + MAX_COLUMNS
                                    + " columns a targets sheet may use: delete what is there (or the rows and"
                                    + " columns past the table) and save again")));
                }
                lastRow = Math.max(lastRow, row.getRowNum());
                if (row.getRowNum() == 0) {
                    width = Math.max(width, cell.getColumnIndex() + 1);
                }
            }
        }
        return new int[] {lastRow, width};
    }

    private static boolean blank(Cell cell) {
        return cell.getCellType() == CellType.BLANK
                || (cell.getCellType() == CellType.STRING && cell.getStringCellValue().isBlank());
    }

    private static String text(Cell cell, DataFormatter formatter, int row, String column, List<RuleSetError> errors) {
        if (cell == null) {
            return "";
        }
        if (cell.getCellType() == CellType.FORMULA) {
            errors.add(new RuleSetError(FILE, row, column, "holds a formula (" + cell.getCellFormula()
                    + "); type the value itself"));
            return "";
        }
        if (cell.getCellType() == CellType.NUMERIC) {
            if (DateUtil.isCellDateFormatted(cell)) {
                return cell.getLocalDateTimeCellValue().toLocalDate().toString();
            }
            return new BigDecimal(String.valueOf(cell.getNumericCellValue())).stripTrailingZeros().toPlainString();
        }
        return formatter.formatCellValue(cell).strip();
    }

    /** The targets CSV text as a workbook, numbers as numbers, for the secretariat to edit. */
    public static byte[] fromCsv(String targetsCsv) throws IOException {
        try (XSSFWorkbook wb = new XSSFWorkbook();
             CSVParser parser = CSVParser.parse(new StringReader(targetsCsv), CSVFormat.DEFAULT)) {
            Sheet sheet = wb.createSheet("targets");
            int r = 0;
            for (CSVRecord rec : parser) {
                Row row = sheet.createRow(r);
                for (int c = 0; c < rec.size(); c++) {
                    String v = rec.get(c);
                    Cell cell = row.createCell(c);
                    if (r > 0 && v.matches("-?\\d{1,12}(\\.\\d{1,8})?")) {
                        cell.setCellValue(new BigDecimal(v).doubleValue());
                    } else {
                        cell.setCellValue(v);
                    }
                }
                r++;
            }
            for (int c = 0; c < 14; c++) {
                sheet.autoSizeColumn(c);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            wb.write(out);
            return out.toByteArray();
        }
    }
}
