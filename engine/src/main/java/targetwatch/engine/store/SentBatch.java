package targetwatch.engine.store;

import java.time.Instant;
import java.util.List;

/** Deliveries a sink took together, with its answer and when: to be marked sent. */
public record SentBatch(List<Long> deliveryIds, String answer, Instant at) {

    public SentBatch {
        deliveryIds = List.copyOf(deliveryIds);
    }
}
