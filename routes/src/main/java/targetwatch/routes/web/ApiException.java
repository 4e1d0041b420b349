package targetwatch.routes.web;

/** An API answer other than success: an HTTP status and a plain-language reason, sent as JSON. */
public class ApiException extends RuntimeException {

    private final int status;
    private final transient Object details;

    public ApiException(int status, String message) {
        this(status, message, null);
    }

    public ApiException(int status, String message, Object details) {
        super(message);
        this.status = status;
        this.details = details;
    }

    public int status() {
        return status;
    }

    public Object details() {
        return details;
    }
}
