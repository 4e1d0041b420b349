package targetwatch.engine.ruleset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackagePart;
import org.apache.poi.openxml4j.opc.PackagePartName;
import org.apache.poi.openxml4j.opc.PackagingURIHelper;
import org.apache.poi.openxml4j.opc.TargetMode;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbookType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.RuleFolders;

/**
 * targets.xlsx: the active targets written as a workbook the secretariat edits in Excel, and a workbook read
 * back into the targets.csv text the loader checks, refusing formulas and macros (data, never code).
 */
class TargetsWorkbookTest {

    private static final String KSI = "ksi-casualties";
    /** The KSI row's spreadsheet row in the real targets.csv and in its workbook (the header is row 1). */
    private static final int KSI_ROW = 11;

    @TempDir
    Path folder;

    private static String realTargets() throws IOException {
        return Files.readString(RuleFolders.real().resolve(RuleSetLoader.TARGETS), StandardCharsets.UTF_8);
    }

    /** The real targets as a workbook, changed by {@code edit}. */
    private static byte[] workbook(Consumer<XSSFWorkbook> edit) throws IOException {
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(TargetsWorkbook.fromCsv(realTargets())))) {
            edit.accept(wb);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            wb.write(out);
            return out.toByteArray();
        }
    }

    private static Cell cell(XSSFWorkbook wb, int row, String column) {
        Sheet sheet = wb.getSheetAt(0);
        Row header = sheet.getRow(0);
        for (int c = 0; c < header.getLastCellNum(); c++) {
            if (header.getCell(c).getStringCellValue().equals(column)) {
                return sheet.getRow(row - 1).getCell(c);
            }
        }
        throw new AssertionError("no column " + column);
    }

    private static RuleSetRejectedException refused(byte[] xlsx) {
        return assertThrows(RuleSetRejectedException.class, () -> TargetsWorkbook.toCsv(new ByteArrayInputStream(xlsx)));
    }

    @Test
    void the_real_targets_written_as_a_workbook_read_back_as_the_same_targets_row_for_row() throws Exception {
        // given the real targets written as a workbook
        byte[] xlsx = TargetsWorkbook.fromCsv(realTargets());

        // when it is read back and put in place of targets.csv in a copy of the real rule set
        RuleFolders.copyOfReal(folder);
        Files.writeString(folder.resolve(RuleSetLoader.TARGETS), TargetsWorkbook.toCsv(new ByteArrayInputStream(xlsx)),
                StandardCharsets.UTF_8);

        // then the loader reads the very same targets, at the same rows
        assertEquals(new RuleSetLoader().load(RuleFolders.real()).targets(), new RuleSetLoader().load(folder).targets());
    }

    @Test
    void numbers_are_written_as_numbers_and_words_as_text_for_the_secretariat_to_edit() throws Exception {
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(TargetsWorkbook.fromCsv(realTargets())))) {
            assertEquals(CellType.NUMERIC, cell(wb, KSI_ROW, "baseline").getCellType());
            assertEquals(58.0, cell(wb, KSI_ROW, "baseline").getNumericCellValue());
            assertEquals(CellType.NUMERIC, cell(wb, KSI_ROW, "target").getCellType());
            assertEquals(CellType.STRING, cell(wb, KSI_ROW, "indicator").getCellType());
            assertEquals(CellType.STRING, cell(wb, KSI_ROW, "baseline_date").getCellType());
            assertEquals(CellType.STRING, wb.getSheetAt(0).getRow(0).getCell(0).getCellType());
        }
    }

    @Test
    void a_value_the_secretariat_edits_in_excel_reads_back_as_they_typed_it() throws Exception {
        // given the KSI target changed to 30 and its baseline date typed as an Excel date
        byte[] xlsx = workbook(wb -> {
            cell(wb, KSI_ROW, "target").setCellValue(30);
            XSSFCellStyle date = wb.createCellStyle();
            date.setDataFormat(wb.getCreationHelper().createDataFormat().getFormat("dd/mm/yyyy"));
            Cell baselineDate = cell(wb, KSI_ROW, "baseline_date");
            baselineDate.setCellValue(LocalDate.of(2011, 9, 30));
            baselineDate.setCellStyle(date);
        });

        // when it is read
        RuleFolders.copyOfReal(folder);
        Files.writeString(folder.resolve(RuleSetLoader.TARGETS), TargetsWorkbook.toCsv(new ByteArrayInputStream(xlsx)),
                StandardCharsets.UTF_8);

        // then the target is 30 (not 30.0) and the date is the date
        var ksi = new RuleSetLoader().load(folder).targetsFor(KSI).get(0);
        assertEquals("30", ksi.target().toPlainString());
        assertEquals(LocalDate.of(2011, 9, 30), ksi.baselineDate());
    }

    @Test
    void a_cell_holding_a_formula_is_refused_at_its_row_and_column() throws Exception {
        // given the KSI target typed as =30+10
        byte[] xlsx = workbook(wb -> cell(wb, KSI_ROW, "target").setCellFormula("30+10"));

        // then reading it is refused, naming the cell
        assertEquals(List.of(new RuleSetError(TargetsWorkbook.FILE, KSI_ROW, "target", "holds a formula (30+10); type the value itself")),
                refused(xlsx).errors());
    }

    @Test
    void a_workbook_whose_package_holds_a_vba_project_is_refused_as_holding_macros() throws Exception {
        // given a plain workbook with xl/vbaProject.bin added, as Excel stores macros
        byte[] xlsx;
        try (OPCPackage pkg = OPCPackage.open(new ByteArrayInputStream(TargetsWorkbook.fromCsv(realTargets())))) {
            PackagePartName name = PackagingURIHelper.createPartName("/xl/vbaProject.bin");
            PackagePart vba = pkg.createPart(name, "application/vnd.ms-office.vbaProject");
            try (OutputStream out = vba.getOutputStream()) {
                out.write("Sub Auto_Open()\nEnd Sub\n".getBytes(StandardCharsets.UTF_8));
            }
            pkg.getPartsByName(Pattern.compile("/xl/workbook.xml")).get(0)
                    .addRelationship(name, TargetMode.INTERNAL, "http://schemas.microsoft.com/office/2006/relationships/vbaProject");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pkg.save(out);
            xlsx = out.toByteArray();
        }

        // then it is refused as a whole
        assertEquals(List.of(new RuleSetError(TargetsWorkbook.FILE, 0, "", "holds macros; save it as a plain .xlsx workbook without macros")),
                refused(xlsx).errors());
    }

    @Test
    void a_workbook_saved_as_macro_enabled_is_refused_as_holding_macros() throws Exception {
        byte[] xlsm = workbook(wb -> wb.setWorkbookType(XSSFWorkbookType.XLSM));

        assertEquals(List.of(new RuleSetError(TargetsWorkbook.FILE, 0, "", "holds macros; save it as a plain .xlsx workbook without macros")),
                refused(xlsm).errors());
    }

    @Test
    void a_file_that_is_not_a_workbook_is_refused_as_unreadable() throws Exception {
        RuleSetError error = refused(realTargets().getBytes(StandardCharsets.UTF_8)).errors().get(0);

        assertEquals(TargetsWorkbook.FILE, error.file());
        assertTrue(error.message().startsWith("is not a readable .xlsx workbook"), error.message());
    }

    /** A workbook of the real targets with one more cell holding {@code value} at the given row and column index. */
    private static byte[] withCellAt(int row, int column, String value) throws IOException {
        return workbook(wb -> {
            Sheet sheet = wb.getSheetAt(0);
            Row r = sheet.getRow(row) != null ? sheet.getRow(row) : sheet.createRow(row);
            Cell c = r.createCell(column);
            if (value != null) {
                c.setCellValue(value);
            }
        });
    }

    @Test
    void a_small_workbook_whose_used_range_spans_the_whole_sheet_is_refused_at_once_naming_the_far_cell() throws Exception {
        // given a workbook of a few kilobytes with one cell holding something at the sheet's last row and column
        // (its dimension then spans A1:XFD1048576: 17 billion cells if walked)
        byte[] xlsx = withCellAt(1_048_575, 16_383, "x");
        assertTrue(xlsx.length < 20_000, "a small file: " + xlsx.length + " bytes");

        // when it is read, then it is refused by its bounds, before the cells are walked (a walk would not end)
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        RuleSetError error = refused(xlsx).errors().get(0);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals("XFD1048576", error.column());
        assertTrue(error.message().startsWith("holds something at XFD1048576, beyond the " + TargetsWorkbook.MAX_ROWS
                + " rows and " + TargetsWorkbook.MAX_COLUMNS + " columns"), error.message());
        // loose bounds (the are 1 s and 64 MB): this guards against walking the range, not against a slow machine
        assertTrue(millis < 10_000, "refused in " + millis + " ms");
        assertTrue(usedHeap() - heapBefore < 256L * 1024 * 1024, "heap grew by " + (usedHeap() - heapBefore) + " bytes");
    }

    @Test
    void a_value_in_the_last_row_and_column_a_sheet_may_use_is_read_and_one_past_either_is_refused() throws Exception {
        int lastRow = TargetsWorkbook.MAX_ROWS - 1;
        int lastColumn = TargetsWorkbook.MAX_COLUMNS - 1;
        String csv = TargetsWorkbook.toCsv(new ByteArrayInputStream(withCellAt(lastRow, 0, "x")));
        assertEquals(TargetsWorkbook.MAX_ROWS, csv.lines().count(), "every row up to the last one used");
        String wide = TargetsWorkbook.toCsv(new ByteArrayInputStream(withCellAt(0, lastColumn, "extra")));
        assertTrue(wide.lines().findFirst().orElseThrow().endsWith(",extra"), "the header reaches the last column");

        assertEquals("A" + (TargetsWorkbook.MAX_ROWS + 1), refused(withCellAt(lastRow + 1, 0, "x")).errors().get(0).column());
        assertEquals(new org.apache.poi.ss.util.CellReference(0, lastColumn + 1).formatAsString(),
                refused(withCellAt(0, lastColumn + 1, "x")).errors().get(0).column());
    }

    @Test
    void empty_cells_far_beyond_the_table_are_ignored_and_the_targets_read_as_they_are() throws Exception {
        // given the real targets with an empty cell (formatted, say) at the sheet's last row and column
        String csv = TargetsWorkbook.toCsv(new ByteArrayInputStream(withCellAt(1_048_575, 16_383, null)));

        assertEquals(TargetsWorkbook.toCsv(new ByteArrayInputStream(workbook(wb -> { }))), csv);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
