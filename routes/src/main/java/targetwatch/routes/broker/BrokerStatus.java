package targetwatch.routes.broker;

import java.util.function.BooleanSupplier;

/** Whether the broker is reachable, for the health check: the embedded one, or an external one by URL. */
public record BrokerStatus(String description, BooleanSupplier probe) {

    public boolean isUp() {
        try {
            return probe.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
