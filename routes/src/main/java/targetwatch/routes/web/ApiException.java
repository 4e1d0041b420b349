package targetwatch.routes.web;

import java.util.Map;

/** An API answer other than success: an HTTP status and a plain-language reason, sent as JSON. */
public class ApiException extends RuntimeException {

    private final int status;
    private final transient Object details;
    private final transient Map<String, String> headers;

    public ApiException(int status, String message) {
        this(status, message, null);
    }

    public ApiException(int status, String message, Object details) {
        this(status, message, details, Map.of());
    }

    /** With headers for the answer, such as Retry-After. */
    public ApiException(int status, String message, Object details, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.details = details;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public Object details() {
        return details;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
