package dev.kthw.apiserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The type model: what the objects of every served kind look like, field by field,
 * read once from {@code types.model} beside this class.
 *
 * <p>Kubernetes generates its types from Go structs: the JSON names, the protobuf field
 * numbers and the OpenAPI schemas all come from the same struct tags. kthw keeps objects
 * as JSON trees and has no structs, so this model is the one place that knows the shape
 * of a Pod. Three features read it: decoding protobuf request bodies ({@code Protobuf}),
 * the OpenAPI documents behind {@code kubectl explain} ({@code OpenApi}), and dropping
 * unknown fields from request bodies ({@code FieldPruning}).
 *
 * <p>Invariants: every type a field names exists; field names and numbers are unique in
 * a type (after inlining). The model is immutable and shared by all request threads.
 *
 * <p>Simpler than Kubernetes: rarely used sub-types (cloud volume plugins, DRA claims)
 * are {@code object}, free-form JSON that is stored as sent and never checked.
 */
final class ApiTypes {

    /** How a field holds its element: one value, a list of them, or a map from strings to them. */
    enum Container { ONE, LIST, MAP }

    /** Element types that are not message types of the model. */
    static final Set<String> SCALARS = Set.of("string", "int32", "int64", "bool", "double", "bytes", "Time",
            "MicroTime", "Quantity", "IntOrString", "object");

    /**
     * One field of a type.
     *
     * @param element       a scalar from {@link #SCALARS} or the qualified name of a model type
     * @param pointer       zero, false or "" is a value, not "unset" (a pointer in Go)
     * @param inline        the element type's fields appear in this object in JSON (Go's embedded structs)
     * @param mergeKey      strategic merge patch: the key list items are merged by
     * @param patchStrategy strategic merge patch: "merge", "retainKeys", "merge,retainKeys"
     * @param listType      server-side apply: "atomic", "set" or "map"
     * @param listMapKeys   server-side apply: the keys of a "map" list
     */
    record Field(String name, Container container, String element, int number, boolean pointer, boolean inline,
                 String mergeKey, String patchStrategy, String listType, List<String> listMapKeys, String description) {

        boolean isScalar() {
            return SCALARS.contains(element);
        }
    }

    /**
     * One type. Top-level kinds have an apiVersion and kind.
     *
     * @param name the qualified name, as OpenAPI names it: {@code io.k8s.api.core.v1.Pod}
     */
    record Type(String name, String apiVersion, String kind, String description, List<Field> fields) {

        String simpleName() {
            return name.substring(name.lastIndexOf('.') + 1);
        }

        /** The field with this protobuf number, if any. */
        Optional<Field> byNumber(int number) {
            return fields.stream().filter(f -> f.number() == number).findFirst();
        }
    }

    private static final Map<String, Type> TYPES = load();
    /** The top-level types by "apiVersion kind" ("v1 Pod"): every request looks its kind up here. */
    private static final Map<String, Type> BY_KIND = byKind(TYPES);

    private ApiTypes() {
    }

    /** The type named {@code io.k8s.api.core.v1.Pod} (qualified). */
    static Type type(String qualifiedName) {
        Type type = TYPES.get(qualifiedName);
        if (type == null) {
            throw new IllegalArgumentException("no type " + qualifiedName + " in the model");
        }
        return type;
    }

    /** The top-level type of a served kind. */
    static Type of(ResourceType resource) {
        Type type = BY_KIND.get(resource.apiVersion() + " " + resource.kind());
        if (type == null) {
            throw new IllegalStateException("no model for " + resource.kind());
        }
        return type;
    }

    private static Map<String, Type> byKind(Map<String, Type> types) {
        Map<String, Type> byKind = new java.util.HashMap<>();
        for (Type t : types.values()) {
            if (t.kind() != null && t.apiVersion() != null) {
                byKind.putIfAbsent(t.apiVersion() + " " + t.kind(), t);   // the first, as a search in order finds
            }
        }
        return Map.copyOf(byKind);
    }

    static java.util.Collection<Type> all() {
        return TYPES.values();
    }

    /**
     * The fields of a type as JSON has them, by JSON name: inline fields are replaced by
     * the fields of the type they embed.
     */
    static Map<String, Field> jsonFields(Type type) {
        Map<String, Field> fields = new LinkedHashMap<>();
        for (Field f : type.fields()) {
            if (f.inline()) {
                fields.putAll(jsonFields(type(f.element())));
            } else {
                fields.put(f.name(), f);
            }
        }
        return fields;
    }

    // --- reading types.model ---

    private static Map<String, Type> load() {
        try (InputStream in = ApiTypes.class.getResourceAsStream("types.model")) {
            if (in == null) {
                throw new IllegalStateException("types.model is missing from the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A field as written, before its element type's name is resolved. */
    private record RawType(String name, String apiVersion, String kind, String description, List<Field> fields) {
    }

    static Map<String, Type> parse(String text) {
        Map<String, RawType> raw = new LinkedHashMap<>();
        String pkg = null;
        RawType current = null;
        int lineNumber = 0;
        for (String line : text.split("\n")) {
            lineNumber++;
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            String[] parts = line.split(" -- ", 2);
            String description = parts.length == 2 ? parts[1].trim() : "";
            String[] words = parts[0].trim().split("\\s+");
            try {
                boolean indented = Character.isWhitespace(line.charAt(0));
                if (!indented && words[0].equals("package")) {
                    pkg = words[1];
                } else if (!indented && words[0].equals("type")) {
                    String apiVersion = null;
                    String kind = null;
                    if (words.length > 2 && words[2].startsWith("kind=")) {
                        String gvk = words[2].substring("kind=".length());
                        apiVersion = gvk.substring(0, gvk.lastIndexOf('/'));
                        kind = gvk.substring(gvk.lastIndexOf('/') + 1);
                    }
                    current = new RawType(pkg + "." + words[1], apiVersion, kind, description, new ArrayList<>());
                    if (raw.put(current.name(), current) != null) {
                        throw new IllegalArgumentException("type " + current.name() + " is defined twice");
                    }
                } else if (indented && current != null && words.length >= 4 && words[2].equals("=")) {
                    current.fields().add(field(words, description));
                } else {
                    throw new IllegalArgumentException("cannot read this line");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("types.model line " + lineNumber + ": " + e.getMessage()
                        + ": " + line, e);
            }
        }
        Map<String, Type> types = new LinkedHashMap<>();
        for (RawType t : raw.values()) {
            List<Field> fields = t.fields().stream().map(f -> resolve(f, t.name(), raw)).toList();
            types.put(t.name(), new Type(t.name(), t.apiVersion(), t.kind(), t.description(), fields));
        }
        return types;
    }

    /** {@code name []Type = 3 merge=name strategy=merge list=map keys=name}. */
    private static Field field(String[] words, String description) {
        String type = words[1];
        Container container = Container.ONE;
        if (type.startsWith("[]")) {
            container = Container.LIST;
            type = type.substring(2);
        } else if (type.startsWith("map[") && type.endsWith("]")) {
            container = Container.MAP;
            type = type.substring(4, type.length() - 1);
        }
        boolean pointer = false;
        boolean inline = false;
        String mergeKey = null;
        String strategy = null;
        String listType = null;
        List<String> keys = List.of();
        for (String option : Arrays.asList(words).subList(4, words.length)) {
            String value = option.substring(option.indexOf('=') + 1);
            if (option.equals("pointer")) {
                pointer = true;
            } else if (option.equals("inline")) {
                inline = true;
            } else if (option.startsWith("merge=")) {
                mergeKey = value;
            } else if (option.startsWith("strategy=")) {
                strategy = value;
            } else if (option.startsWith("list=")) {
                listType = value;
            } else if (option.startsWith("keys=")) {
                keys = List.of(value.split(","));
            } else {
                throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return new Field(words[0], container, type, Integer.parseInt(words[3]), pointer, inline, mergeKey, strategy,
                listType, keys, description);
    }

    /** Replaces a type's simple name by its qualified name: the owner's package first, then anywhere. */
    private static Field resolve(Field f, String owner, Map<String, RawType> raw) {
        if (SCALARS.contains(f.element())) {
            return f;
        }
        String samePackage = owner.substring(0, owner.lastIndexOf('.') + 1) + f.element();
        String resolved = raw.containsKey(samePackage) ? samePackage : null;
        if (resolved == null) {
            List<String> matches = raw.keySet().stream().filter(n -> n.endsWith("." + f.element())).toList();
            if (matches.size() != 1) {
                throw new IllegalArgumentException(owner + "." + f.name() + ": type " + f.element()
                        + (matches.isEmpty() ? " is not defined" : " is ambiguous: " + matches));
            }
            resolved = matches.get(0);
        }
        return new Field(f.name(), f.container(), resolved, f.number(), f.pointer(), f.inline(), f.mergeKey(),
                f.patchStrategy(), f.listType(), f.listMapKeys(), f.description());
    }
}
