package targetwatch.routes.pages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.svgsupport.BatikSVGDrawer;

/**
 * A page rendered by a jte template (XHTML with its own print stylesheet: A4, page numbers in the margins) as a PDF,
 * with openhtmltopdf and its SVG drawer (Batik), so the charts are drawn as they are on the page. Nothing outside the
 * document is ever fetched: no stylesheet, image or font by address, and no script in an SVG.
 */
final class ReportPdf {

    private ReportPdf() {
    }

    static byte[] render(String xhtml) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PdfRendererBuilder builder = new PdfRendererBuilder();
        builder.useFastMode();
        builder.useSVGDrawer(new BatikSVGDrawer(BatikSVGDrawer.SvgScriptMode.SECURE,
                BatikSVGDrawer.SvgExternalResourceMode.SECURE));
        builder.useExternalResourceAccessControl((uri, type) -> false, ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI);
        builder.useExternalResourceAccessControl((uri, type) -> false, ExternalResourceControlPriority.RUN_AFTER_RESOLVING_URI);
        builder.withProducer("targetwatch");
        builder.withHtmlContent(xhtml, null);
        builder.toStream(out);
        try {
            builder.run();
        } catch (IOException e) {
            throw new UncheckedIOException("could not render the PDF", e);
        }
        return out.toByteArray();
    }
}
