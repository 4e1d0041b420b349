package targetwatch.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The measurements of one figure over several rounds, summarised by their median and spread. */
final class Samples {

    private final List<Double> values = new ArrayList<>();

    void add(double value) {
        values.add(value);
    }

    int size() {
        return values.size();
    }

    double median() {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = sorted();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double min() {
        return values.isEmpty() ? Double.NaN : sorted().get(0);
    }

    double max() {
        return values.isEmpty() ? Double.NaN : sorted().get(values.size() - 1);
    }

    private List<Double> sorted() {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted;
    }
}
