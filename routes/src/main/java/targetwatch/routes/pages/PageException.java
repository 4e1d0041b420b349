package targetwatch.routes.pages;

/** A page that cannot be shown as asked: answered with its HTTP status on a page in the service's style. */
public class PageException extends RuntimeException {

    private final int status;
    private final String title;

    public PageException(int status, String title, String message) {
        super(message);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
