package dev.kthw.apiserver;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The {@code Table} form of a list or a watch event: what {@code kubectl get} asks for with
 * {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}.
 *
 * <p>kubectl does not know what columns a Pod or a Node has: the API server decides. kubectl
 * prints the {@code columnDefinitions} it is sent, names upper-cased ({@code Nominated Node}
 * becomes {@code NOMINATED NODE}), and each row's {@code cells} in order, hiding the columns of
 * priority above 0 unless asked for {@code -o wide}. So the server fills every cell, wide ones
 * included, as kube-apiserver does (it always prints "wide"). Each row also carries the object's
 * metadata as a {@code PartialObjectMetadata}; kubectl reads it for the NAMESPACE column,
 * {@code --show-labels} and {@code -L}.
 *
 * <p>Invariants: every row has exactly one cell per column, in column order; a cell is a JSON
 * string, or a JSON number or boolean where Kubernetes prints an integer or a boolean. The objects passed in are only
 * read; each row gets its own copy of the metadata.
 *
 * <p>The columns below are those of {@code pkg/printers/internalversion/printers.go} (Kubernetes
 * 1.32): same names, order, types and priorities. {@link Cells} works out what goes in them.
 * Simpler than Kubernetes: no row {@code conditions} (kube-apiserver marks finished pods
 * "Completed"; kubectl prints nothing from it), no {@code includeObject=Object|None}, and a kind
 * this server does not know the columns of gets NAME and AGE.
 */
public final class Tables {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String STRING = "string";
    private static final String INTEGER = "integer";
    private static final String BOOLEAN = "boolean";

    /** One column as kubectl sees it; {@code format} is {@code name} for the object's name column. */
    record Column(String name, String type, String format, String description, int priority) {
    }

    /** How to print one object of a kind: one cell per column, a {@link String}, {@link Long} or {@link Boolean}. */
    @FunctionalInterface
    interface RowPrinter {
        List<Object> cells(ObjectNode object, Instant now);
    }

    /** The columns of one kind, and how to fill them from an object of that kind. */
    record KindColumns(List<Column> columns, RowPrinter printer) {
    }

    private Tables() {
    }

    /**
     * The Table of {@code objects}, all of kind {@code type}.
     *
     * @param resourceVersion the list's resourceVersion, or the object's for a watch event;
     *                        left out when null or empty, as Kubernetes does
     * @param continueToken   the list's continue token; left out when null or empty
     * @param includeColumns  false for watch events after the first: kubectl keeps the columns
     *                        of the first, and kube-apiserver sends them only once
     * @param now             the time ages are counted to
     */
    public static ObjectNode table(ResourceType type, List<ObjectNode> objects, String resourceVersion,
                                   String continueToken, boolean includeColumns, Instant now) {
        requireNonNull(type, "type");
        requireNonNull(objects, "objects");
        requireNonNull(now, "now");
        KindColumns kind = columnsOf(type);

        ObjectNode table = JSON.objectNode();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        ObjectNode metadata = table.putObject("metadata");
        if (resourceVersion != null && !resourceVersion.isEmpty()) {
            metadata.put("resourceVersion", resourceVersion);
        }
        if (continueToken != null && !continueToken.isEmpty()) {
            metadata.put("continue", continueToken);
        }
        if (includeColumns) {
            ArrayNode definitions = table.putArray("columnDefinitions");
            for (Column column : kind.columns()) {
                definitions.addObject()
                        .put("name", column.name())
                        .put("type", column.type())
                        .put("format", column.format())
                        .put("description", column.description())
                        .put("priority", column.priority());
            }
        }
        ArrayNode rows = table.putArray("rows");
        for (ObjectNode object : objects) {
            rows.add(row(kind, object, now));
        }
        return table;
    }

    private static ObjectNode row(KindColumns kind, ObjectNode object, Instant now) {
        List<Object> values = kind.printer().cells(object, now);
        if (values.size() != kind.columns().size()) {
            throw new IllegalStateException(values.size() + " cells for " + kind.columns().size() + " columns");
        }
        ObjectNode row = JSON.objectNode();
        ArrayNode cells = row.putArray("cells");
        for (Object value : values) {
            if (value instanceof Long number) {
                cells.add(number);
            } else if (value instanceof Boolean flag) {
                cells.add(flag);
            } else {
                cells.add(String.valueOf(value));
            }
        }
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        JsonNode metadata = object.path("metadata");
        partial.set("metadata", metadata.isObject() ? metadata.deepCopy() : JSON.objectNode());
        return row;
    }

    /**
     * The columns kube-apiserver prints for {@code type}, named in title case as Kubernetes does.
     * Types are as printers.go declares them, even where a "string" column holds numbers (DATA,
     * UP-TO-DATE, COUNT): kubectl prints a cell by its value, whatever the column's type.
     */
    static KindColumns columnsOf(ResourceType type) {
        return switch (type.qualifiedKind()) {
            case "Pod" -> new KindColumns(List.of(name(),
                    column("Ready", STRING, "Ready containers out of all of the pod's containers."),
                    column("Status", STRING, "The pod's phase, or why its containers are not running."),
                    column("Restarts", STRING, "Container restarts, and how long ago the last one was."),
                    age(),
                    wide("IP", STRING, "The pod's IP address."),
                    wide("Node", STRING, "The node the pod is bound to."),
                    wide("Nominated Node", STRING, "The node where preemption made room for the pod."),
                    wide("Readiness Gates", STRING, "Readiness gates whose condition is True, out of all.")),
                    Cells::pod);
            case "Namespace" -> new KindColumns(List.of(name(),
                    column("Status", STRING, "The namespace's phase."), age()),
                    (o, now) -> List.of(Cells.name(o), text(o.path("status").path("phase"), "Active"),
                            Cells.age(o, now)));
            case "Node" -> new KindColumns(List.of(name(),
                    column("Status", STRING, "Ready, NotReady or Unknown, and whether pods may be scheduled."),
                    column("Roles", STRING, "The node's roles, from its node-role.kubernetes.io labels."),
                    age(),
                    column("Version", STRING, "The kubelet's version."),
                    wide("Internal-IP", STRING, "The node's first internal address."),
                    wide("External-IP", STRING, "The node's first external address."),
                    wide("OS-Image", STRING, "The node's operating system."),
                    wide("Kernel-Version", STRING, "The node's kernel."),
                    wide("Container-Runtime", STRING, "The container runtime and its version.")),
                    Cells::node);
            case "Service" -> new KindColumns(List.of(name(),
                    column("Type", STRING, "How the service is exposed."),
                    column("Cluster-IP", STRING, "The service's virtual IP inside the cluster."),
                    column("External-IP", STRING, "Addresses the service is reached on from outside."),
                    column("Port(s)", STRING, "The service's ports, with node ports."),
                    age(),
                    wide("Selector", STRING, "The labels of the pods behind the service.")),
                    Cells::service);
            case "Endpoints" -> new KindColumns(List.of(name(),
                    column("Endpoints", STRING, "Ready addresses with their ports."), age()),
                    Cells::endpoints);
            case "ConfigMap" -> new KindColumns(List.of(name(),
                    column("Data", STRING, "Number of keys in data and binaryData."), age()),
                    (o, now) -> List.of(Cells.name(o), (long) (o.path("data").size() + o.path("binaryData").size()),
                            Cells.age(o, now)));
            case "Secret" -> new KindColumns(List.of(name(),
                    column("Type", STRING, "What the secret holds."),
                    column("Data", STRING, "Number of keys in data."), age()),
                    Cells::secret);
            case "Event" -> new KindColumns(List.of(
                    column("Last Seen", STRING, "How long ago the event was last seen."),
                    column("Type", STRING, "Normal or Warning."),
                    column("Reason", STRING, "Why the event happened, in one word."),
                    column("Object", STRING, "The object the event is about."),
                    wide("Subobject", STRING, "The part of the object, such as a container."),
                    wide("Source", STRING, "The component that reported the event."),
                    column("Message", STRING, "What happened."),
                    wide("First Seen", STRING, "How long ago the event was first seen."),
                    wide("Count", STRING, "How many times the event was seen."),
                    new Column("Name", STRING, "name", "The event's own name.", 1)),
                    Cells::event);
            case "ServiceAccount" -> new KindColumns(List.of(name(),
                    column("Secrets", STRING, "Number of secrets listed in the service account."), age()),
                    (o, now) -> List.of(Cells.name(o), (long) o.path("secrets").size(), Cells.age(o, now)));
            case "PersistentVolume" -> new KindColumns(List.of(name(),
                    column("Capacity", STRING, "The volume's size."),
                    column("Access Modes", STRING, "How the volume may be mounted: RWO, ROX, RWX, RWOP."),
                    column("Reclaim Policy", STRING, "What happens to the volume when its claim is deleted."),
                    column("Status", STRING, "The volume's phase."),
                    column("Claim", STRING, "The claim bound to the volume, as namespace/name."),
                    column("StorageClass", STRING, "The volume's storage class."),
                    column("VolumeAttributesClass", STRING, "The volume's attributes class."),
                    column("Reason", STRING, "Why the volume is in its phase."),
                    age(),
                    wide("VolumeMode", STRING, "Filesystem or Block.")),
                    Cells::persistentVolume);
            case "PersistentVolumeClaim" -> new KindColumns(List.of(name(),
                    column("Status", STRING, "The claim's phase."),
                    column("Volume", STRING, "The volume bound to the claim."),
                    column("Capacity", STRING, "The bound volume's size."),
                    column("Access Modes", STRING, "How the bound volume may be mounted."),
                    column("StorageClass", STRING, "The claim's storage class."),
                    column("VolumeAttributesClass", STRING, "The claim's attributes class."),
                    age(),
                    wide("VolumeMode", STRING, "Filesystem or Block.")),
                    Cells::persistentVolumeClaim);
            case "Deployment.apps" -> new KindColumns(List.of(name(),
                    column("Ready", STRING, "Ready pods out of the desired number."),
                    column("Up-to-date", STRING, "Pods running the current template."),
                    column("Available", STRING, "Pods ready for at least minReadySeconds."),
                    age(), containers(), images(), selector()),
                    Cells::deployment);
            case "ReplicaSet.apps" -> new KindColumns(List.of(name(),
                    column("Desired", INTEGER, "The number of pods wanted."),
                    column("Current", INTEGER, "The number of pods that exist."),
                    column("Ready", INTEGER, "The number of ready pods."),
                    age(), containers(), images(), selector()),
                    Cells::replicaSet);
            case "DaemonSet.apps" -> new KindColumns(List.of(name(),
                    column("Desired", INTEGER, "Nodes that should run the daemon pod."),
                    column("Current", INTEGER, "Nodes that run a daemon pod."),
                    column("Ready", INTEGER, "Nodes whose daemon pod is ready."),
                    column("Up-to-date", INTEGER, "Nodes running the current template."),
                    column("Available", INTEGER, "Nodes whose daemon pod is available."),
                    column("Node Selector", STRING, "The labels a node needs to run the daemon pod."),
                    age(), containers(), images(), selector()),
                    Cells::daemonSet);
            case "Lease.coordination.k8s.io" -> new KindColumns(List.of(name(),
                    column("Holder", STRING, "Who holds the lease."), age()),
                    (o, now) -> List.of(Cells.name(o), text(o.path("spec").path("holderIdentity")), Cells.age(o, now)));
            case "EndpointSlice.discovery.k8s.io" -> new KindColumns(List.of(name(),
                    column("AddressType", STRING, "IPv4, IPv6 or FQDN."),
                    column("Ports", STRING, "The slice's port numbers."),
                    column("Endpoints", STRING, "The slice's addresses."), age()),
                    Cells::endpointSlice);
            case "PriorityClass.scheduling.k8s.io" -> new KindColumns(List.of(name(),
                    column("Value", INTEGER, "The priority that pods of this class get."),
                    column("Global-Default", BOOLEAN, "Whether pods that name no class get this one."),
                    age(),
                    column("PreemptionPolicy", STRING, "Whether pods of this class may evict lower-priority pods.")),
                    Cells::priorityClass);
            default -> new KindColumns(List.of(name(), age()), (o, now) -> List.of(Cells.name(o), Cells.age(o, now)));
        };
    }

    private static Column name() {
        return new Column("Name", STRING, "name", "The object's name, unique within its namespace.", 0);
    }

    private static Column age() {
        return column("Age", STRING, "How long ago the object was created.");
    }

    private static Column column(String name, String type, String description) {
        return new Column(name, type, "", description, 0);
    }

    /** A column kubectl shows only with {@code -o wide}. */
    private static Column wide(String name, String type, String description) {
        return new Column(name, type, "", description, 1);
    }

    private static Column containers() {
        return wide("Containers", STRING, "Names of the containers in the pod template.");
    }

    private static Column images() {
        return wide("Images", STRING, "Images of the containers in the pod template.");
    }

    private static Column selector() {
        return wide("Selector", STRING, "The labels of the pods it owns.");
    }

    /**
     * A duration as kubectl shows ages: two or three significant figures, finer while short
     * ({@code 90s}, {@code 3m5s}, {@code 25m}, {@code 5h10m}, {@code 30h}, {@code 3d4h}, {@code 45d},
     * {@code 2y5d}, {@code 9y}). As apimachinery's {@code duration.HumanDuration}, up to a second in
     * the future counts as now (clocks differ a little); further is {@code <invalid>}.
     */
    static String humanDuration(Duration d) {
        long seconds = d.toMillis() / 1000; // towards zero, as Go's int(d.Seconds())
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 2 * 60) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            return withRemainder(minutes, "m", seconds % 60, "s");
        } else if (minutes < 3 * 60) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            return withRemainder(hours, "h", minutes % 60, "m");
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 8 * 24) {
            return withRemainder(hours / 24, "d", hours % 24, "h");
        } else if (hours < 2 * 365 * 24) {
            return hours / 24 + "d";
        } else if (hours < 8 * 365 * 24) {
            return withRemainder(hours / 24 / 365, "y", hours / 24 % 365, "d");
        }
        return hours / 24 / 365 + "y";
    }

    private static String withRemainder(long whole, String unit, long rest, String restUnit) {
        return rest == 0 ? whole + unit : whole + unit + rest + restUnit;
    }

    // Reading and formatting objects, for Cells: what apimachinery's helpers do.

    /** {@code key=value} pairs sorted as strings and joined by commas, or {@code <none>} (labels.FormatLabels). */
    static String formatLabels(JsonNode labels) {
        TreeSet<String> pairs = new TreeSet<>();
        labels.fields().forEachRemaining(label -> pairs.add(label.getKey() + "=" + text(label.getValue())));
        return pairs.isEmpty() ? "<none>" : String.join(",", pairs);
    }

    /** A selector as ReplicaSets and DaemonSets print it: {@code <none>} when empty, {@code <error>} when invalid. */
    static String formatLabelSelector(JsonNode selector) {
        return labelSelector(selector).map(s -> s.isEmpty() ? "<none>" : s).orElse("<error>");
    }

    /**
     * A label selector in the syntax of {@code kubectl -l}, requirements sorted by key:
     * {@code key=value}, {@code key in (a,b)}, {@code key notin (a)}, {@code key}, {@code !key}.
     * Empty when it selects everything; no value when Kubernetes would reject it.
     */
    static Optional<String> labelSelector(JsonNode selector) {
        record Requirement(String key, String text) {
        }
        List<Requirement> requirements = new ArrayList<>();
        selector.path("matchLabels").fields().forEachRemaining(label ->
                requirements.add(new Requirement(label.getKey(), label.getKey() + "=" + text(label.getValue()))));
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = text(expression.path("key"));
            TreeSet<String> values = new TreeSet<>(); // printed sorted
            expression.path("values").forEach(value -> values.add(text(value)));
            String operator = text(expression.path("operator"));
            if (("In".equals(operator) || "NotIn".equals(operator)) && !values.isEmpty()) {
                String word = "In".equals(operator) ? " in (" : " notin (";
                requirements.add(new Requirement(key, key + word + String.join(",", values) + ")"));
            } else if ("Exists".equals(operator)) {
                requirements.add(new Requirement(key, key));
            } else if ("DoesNotExist".equals(operator)) {
                requirements.add(new Requirement(key, "!" + key));
            } else {
                return Optional.empty();
            }
        }
        requirements.sort(Comparator.comparing(Requirement::key));
        return Optional.of(String.join(",", requirements.stream().map(Requirement::text).toList()));
    }

    /** An RFC 3339 timestamp, with or without fractions of a second; null when missing or malformed. */
    static Instant instant(JsonNode timestamp) {
        try {
            String text = text(timestamp);
            return text.isEmpty() ? null : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A string field, or "" when it is missing or null; a number as its text. */
    static String text(JsonNode node) {
        return node.isTextual() || node.isNumber() ? node.asText() : "";
    }

    /** A string field, or {@code fallback} when it is missing, null or empty. */
    static String text(JsonNode node, String fallback) {
        String text = text(node);
        return text.isEmpty() ? fallback : text;
    }

    /** An integer field, or 0 when it is missing. */
    static long integer(JsonNode node) {
        return node.isNumber() ? node.asLong() : 0;
    }

    static boolean isSet(JsonNode node) {
        return !node.isMissingNode() && !node.isNull();
    }
}
