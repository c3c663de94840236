package dev.kthw.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** An event handler that writes down what it was told, as {@code ADD name=value} lines, for tests to compare. */
final class Recorder implements EventHandler {

    private final List<String> seen = new ArrayList<>();
    private final String dataKey;

    Recorder(String dataKey) {
        this.dataKey = dataKey;
    }

    @Override
    public synchronized void onAdd(JsonNode object) {
        seen.add("ADD " + describe(object));
    }

    @Override
    public synchronized void onUpdate(JsonNode old, JsonNode now) {
        seen.add("UPDATE " + describe(old) + " -> " + describe(now));
    }

    @Override
    public synchronized void onDelete(JsonNode last) {
        seen.add("DELETE " + describe(last));
    }

    synchronized List<String> seen() {
        return new ArrayList<>(seen);
    }

    synchronized int count() {
        return seen.size();
    }

    private String describe(JsonNode object) {
        return Fixtures.name(object) + "=" + Fixtures.data(object, dataKey);
    }
}
