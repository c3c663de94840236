package dev.kthw.apiserver;

/**
 * An IPv4 CIDR, such as {@code 10.96.0.0/12}, as the addresses a Service may get: all but
 * the network and broadcast addresses. Addresses are unsigned 32-bit numbers in longs.
 */
record Ipv4Range(long network, int prefix) {

    static Ipv4Range parse(String cidr) {
        String[] parts = cidr.split("/");
        Long network = parts.length == 2 ? parseIP(parts[0]) : null;
        int prefix;
        try {
            prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : -1;
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (network == null || prefix < 8 || prefix > 30) {
            throw new IllegalArgumentException("invalid service cluster IP range " + cidr
                    + ": want an IPv4 CIDR from /8 to /30, such as " + ServiceAllocator.DEFAULT_CLUSTER_IP_RANGE);
        }
        long mask = (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return new Ipv4Range(network & mask, prefix);
    }

    /** How many addresses may be handed out. */
    long size() {
        return (1L << (32 - prefix)) - 2;
    }

    /** The address at an offset from the first usable one. */
    long at(long offset) {
        return network + 1 + offset;
    }

    boolean contains(long ip) {
        return ip > network && ip <= network + size();
    }

    /** A dotted-quad IPv4 address as a number, or null if it is not one. */
    static Long parseIP(String text) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            return null;
        }
        long ip = 0;
        for (String octet : octets) {
            if (!octet.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(octet) > 255) {
                return null;
            }
            ip = ip << 8 | Integer.parseInt(octet);
        }
        return ip;
    }

    static String format(long ip) {
        return (ip >> 24 & 255) + "." + (ip >> 16 & 255) + "." + (ip >> 8 & 255) + "." + (ip & 255);
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefix;
    }
}
