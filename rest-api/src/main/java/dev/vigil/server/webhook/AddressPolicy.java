package dev.vigil.server.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses webhooks may be sent to: not, unless allowed, this machine (loopback, any-local),
 * its networks (private, shared and unique-local ranges), link-local addresses (where cloud
 * metadata services answer, such as 169.254.169.254) or multicast. Otherwise a subscriber with the
 * webhook scope could make the server call its own admin ports or the cloud's credentials service.
 *
 * <p>Checked when a subscription is made and again before every delivery, since what a name
 * resolves to can change. The HTTP client resolves the name once more when it connects, so a
 * name that flips between the check and the connection is not caught; pin receivers by address
 * where that matters. (IPv4-mapped IPv6 addresses resolve to their IPv4 form and meet the IPv4 ranges.)
 */
public final class AddressPolicy {
    private static final List<Cidr> REFUSED = List.of(
            Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"), Cidr.parse("127.0.0.0/8"),
            Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.0.0.0/24"), Cidr.parse("192.168.0.0/16"),
            Cidr.parse("198.18.0.0/15"), Cidr.parse("224.0.0.0/4"), Cidr.parse("240.0.0.0/4"),
            Cidr.parse("::/128"), Cidr.parse("::1/128"), Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"),
            Cidr.parse("ff00::/8"));

    /** Any address at all: for tests and for servers whose receivers all sit on their own network. */
    public static final AddressPolicy ANY = new AddressPolicy(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0")));
    /** Public addresses only. */
    public static final AddressPolicy PUBLIC = new AddressPolicy(List.of());

    private final List<Cidr> allowed;

    /** Public addresses, and those in {@code allowed} whatever they are. */
    public AddressPolicy(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    public List<Cidr> allowed() {
        return allowed;
    }

    /** Why {@code url} may not be called, or empty when it may. */
    public Optional<String> refusal(URI url) {
        var host = url.getHost();
        if (host == null) {
            return Optional.of("the url has no host");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            return Optional.of("the host '" + host + "' does not resolve");
        }
        for (var address : addresses) {
            if (allowed.stream().anyMatch(c -> c.contains(address))) {
                continue;
            }
            var range = REFUSED.stream().filter(c -> c.contains(address)).findFirst();
            if (range.isPresent()) {
                return Optional.of("'" + host + "' is " + address.getHostAddress() + ", in " + range.get()
                        + ", a loopback, private, link-local or other non-public range; allow it with --webhook-allow "
                        + range.get());
            }
        }
        return Optional.empty();
    }

    /** An address range such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is the range of itself. */
    public record Cidr(byte[] network, int prefix, String text) {
        public static Cidr parse(String text) {
            var trimmed = text.trim();
            int slash = trimmed.indexOf('/');
            var host = slash < 0 ? trimmed : trimmed.substring(0, slash);
            if (!host.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("'" + text + "' is not an address range such as 10.0.0.0/8 or fd00::/8");
            }
            byte[] network;
            try {
                network = InetAddress.getByName(host).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "' is not an address range such as 10.0.0.0/8 or fd00::/8");
            }
            int prefix;
            try {
                prefix = slash < 0 ? network.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "': the prefix length after / must be a number");
            }
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("'" + text + "': the prefix length must be 0 to " + network.length * 8);
            }
            return new Cidr(network, prefix, trimmed);
        }

        public boolean contains(InetAddress address) {
            var bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
