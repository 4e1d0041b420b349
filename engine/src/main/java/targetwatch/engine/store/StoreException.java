package targetwatch.engine.store;

/** The database refused or could not be reached; the caller's transaction was rolled back. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
