// The inputs KubeFed v0.10.0 and client-go read are read by Go: a URL by net/url.Parse, a CIDR by
// net.ParseCIDR, a kubeconfig's `[]byte` fields by encoding/base64's StdEncoding, a CA by
// encoding/pem and crypto/x509. Node's parsers are more lenient (WHATWG `new URL` strips spaces,
// tabs and newlines, reads "\" as "/", full-width digits as ASCII ones and "127.1" as 127.0.0.1;
// ipaddr.js reads "10/8" and "010.0.0.0"), so what they accept can fail at deploy time, or reach
// another host than the one validated. The rules below are Go's, written out by hand, and where
// Go and Node would read one string differently the string is refused. Pure.
import { X509Certificate } from "crypto";
import { quoteURL } from "./redact";

/** A URL as Go's url.Parse reads it (only the forms every rule here accepts). */
export interface GoURL {
    /** Lower-cased, as Go leaves it. */
    scheme: string;
    /** host[:port] as written; an IPv6 address in brackets. */
    host: string;
    /** The host without port (and without brackets). */
    hostname: string;
    /** The port's digits, when given. */
    port?: string;
    /** The path, as written (may be empty: no prefix). */
    path: string;
    rawQuery?: string;
    fragment?: string;
}

export type GoURLResult = { url: GoURL; problem?: undefined } | { url?: undefined; problem: string; /** The problem is user information (name or password before "@"). */ userinfo?: boolean };

export const SERVER_SCHEMES: readonly string[] = ["http", "https"];
export const PROXY_SCHEMES: readonly string[] = ["http", "https", "socks5"];

// What Go's url.Parse refuses anywhere in a URL (stringContainsCTLByte: < 0x20 or 0x7f); C1
// controls and Unicode line separators are refused too (no URL holds them on purpose).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// A dotted-decimal IPv4 address as Go's net.ParseIP / netip.ParseAddr read it: four decimal
// numbers 0-255, no leading zeros (Go 1.17+), no other form ("10", "10.1", hex, octal).
const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

/** Whether `s` is an IPv4 address as Go reads one (dotted decimal, no leading zeros). */
export function isGoIPv4(s: string): boolean {
    return IPV4.test(s);
}

/**
 * Whether `s` is an IPv6 address as Go's netip.ParseAddr reads one, without zone: eight groups of
 * 1-4 hex digits separated by ":", one "::" standing for at least one group of zeros, and the last
 * two groups possibly written as a dotted-decimal IPv4 address (::ffff:10.0.0.1).
 */
export function isGoIPv6(s: string): boolean {
    let groups = 0;
    let ellipsis = false;
    let i = 0;
    if (s.startsWith("::")) {
        ellipsis = true;
        i = 2;
    }
    while (i < s.length) {
        let j = i;
        while (j < s.length && j - i <= 4 && /[0-9a-fA-F]/.test(s[j])) {
            j++;
        }
        if (s[j] === ".") {
            // An embedded IPv4 address: the rest of the string, worth two groups.
            if (!isGoIPv4(s.slice(i))) {
                return false;
            }
            groups += 2;
            i = s.length;
            break;
        }
        if (j === i || j - i > 4) {
            return false;
        }
        groups++;
        i = j;
        if (i === s.length) {
            break;
        }
        if (s[i] !== ":" || groups >= 8) {
            return false;
        }
        i++;
        if (s[i] === ":") {
            if (ellipsis) {
                return false; // a second "::"
            }
            ellipsis = true;
            i++;
        } else if (i === s.length) {
            return false; // a trailing single ":"
        }
    }
    return ellipsis ? groups <= 7 : groups === 8;
}

/** Go's url.Parse validOptionalPort (":" then ASCII digits only), and a port a TCP connection can have. */
function portProblem(colonPort: string): string | undefined {
    if (colonPort === "") {
        return undefined;
    }
    const digits = colonPort.slice(1);
    if (colonPort[0] !== ":" || !/^[0-9]*$/.test(digits) || (digits !== "" && Number(digits) > 65535)) {
        return "its port is not a number from 0 to 65535";
    }
    return undefined;
}

/** Go's unescape: every "%" starts an escape of two hex digits. */
function badEscape(s: string): boolean {
    return /%(?![0-9a-fA-F]{2})/.test(s);
}

function hostProblem(host: string): string | undefined {
    if (host.startsWith("[")) {
        const close = host.lastIndexOf("]");
        if (close < 0) {
            return 'its host has "[" without "]"';
        }
        const port = portProblem(host.slice(close + 1));
        if (port) {
            return port;
        }
        const literal = host.slice(1, close);
        if (literal.includes("%")) {
            return "its IPv6 host has a zone (%25…), which is not supported";
        }
        return isGoIPv6(literal) ? undefined : "its host in brackets is not an IPv6 address";
    }
    const colon = host.lastIndexOf(":");
    const hostname = colon >= 0 ? host.slice(0, colon) : host;
    if (colon >= 0) {
        const port = portProblem(host.slice(colon));
        if (port) {
            return port;
        }
    }
    if (hostname === "") {
        return "it has no host";
    }
    if (/[^\u0000-\u007f]/.test(hostname)) {
        // Go keeps such a host as it is (and resolves it as a name); WHATWG maps it (full-width
        // "１２７" to "127", IDNA for letters): two readings of one string.
        return "its host has non-ASCII characters (such as full-width digits): write it in ASCII (punycode for an international name)";
    }
    if (hostname.includes("%")) {
        return 'its host has a "%"-escape, which Go refuses for ASCII characters in a host';
    }
    if (hostname.includes(":")) {
        return 'its host has a ":" outside brackets (an IPv6 address must be in brackets, as https://[::1]:6443)';
    }
    if (hostname.includes("[") || hostname.includes("]")) {
        return 'its host has "[" or "]" not around an IPv6 address';
    }
    // Go's url.Parse admits a few more ASCII characters (sub-delims such as "!" or ","; it refuses
    // spaces, "\", "{", "|", ...), but no name it can resolve holds them, and WHATWG reads some of
    // them otherwise: only what a host name or address has.
    if (!/^[A-Za-z0-9._-]+$/.test(hostname)) {
        return 'its host has a character that a host name cannot have (letters, digits, "-", "_" and "." only)';
    }
    // A host that ends in a number is an IPv4 address to WHATWG ("127.1", "0x7f.1", "010.0.0.1"
    // all reach 127.0.0.1 or 8.0.0.1), a name to Go unless it is plain dotted decimal.
    const labels = hostname.split(".");
    if (labels.length > 1 && labels[labels.length - 1] === "") {
        labels.pop();
    }
    if (/^(?:[0-9]+|0[xX][0-9a-fA-F]*)$/.test(labels[labels.length - 1]) && !isGoIPv4(hostname)) {
        return "its host ends in a number but is not an IPv4 address in dotted-decimal form (four numbers 0-255, no leading zeros)";
    }
    return undefined;
}

/**
 * Parses `value` as Go's url.Parse does, and also requires what the component needs of every URL
 * it is given: a scheme, "//" and a host, no user information (a URL is shown in specs, state
 * and messages: no credential belongs in one), a port from 0 to 65535, an ASCII host that Go and
 * Node read alike. `problem` says what is wrong without quoting the value (callers show it with
 * redactURL). The scheme is not checked here: see urlProblem.
 */
export function parseGoURL(value: unknown): GoURLResult {
    if (typeof value !== "string") {
        return { problem: "it is not a string" };
    }
    if (value === "") {
        return { problem: "it is empty" };
    }
    if (CONTROL.test(value)) {
        return { problem: "it contains a control character (a newline, a tab or the like), which Go's URL parser refuses" };
    }
    if (/^\s|\s$/.test(value)) {
        return { problem: "it begins or ends with whitespace" };
    }
    // Go: the fragment is cut first, then the scheme, then the query, then "//" and the authority.
    const hash = value.indexOf("#");
    const beforeFragment = hash >= 0 ? value.slice(0, hash) : value;
    const fragment = hash >= 0 ? value.slice(hash + 1) : undefined;
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(beforeFragment);
    if (!scheme) {
        return { problem: "it has no scheme (such as https://)" };
    }
    let rest = beforeFragment.slice(scheme[0].length);
    const question = rest.indexOf("?");
    const rawQuery = question >= 0 ? rest.slice(question + 1) : undefined;
    rest = question >= 0 ? rest.slice(0, question) : rest;
    if (!rest.startsWith("//")) {
        // Go reads "https:host" as an opaque URL and "https:/host" as a path: neither has a host.
        return { problem: 'it has no "//" after the scheme, so no host' };
    }
    const slash = rest.indexOf("/", 2);
    const authority = slash >= 0 ? rest.slice(2, slash) : rest.slice(2);
    const path = slash >= 0 ? rest.slice(slash) : "";
    if (authority.includes("@")) {
        return {
            problem: 'carries user information (a name or password before "@"), which no URL here may hold: it would be shown in specs, state and logs; give credentials in the kubeconfig\'s user instead',
            userinfo: true,
        };
    }
    if (authority === "") {
        return { problem: "it has no host" };
    }
    const hostIssue = hostProblem(authority);
    if (hostIssue) {
        return { problem: hostIssue };
    }
    if (badEscape(path) || (fragment !== undefined && badEscape(fragment))) {
        return { problem: 'it has an invalid %-escape ("%" must be followed by two hexadecimal digits)' };
    }
    if (path.includes("\\")) {
        return { problem: 'its path has a "\\", which Go keeps and other clients read as "/"' };
    }
    const bracketed = authority.startsWith("[");
    const portColon = bracketed ? authority.indexOf(":", authority.lastIndexOf("]")) : authority.lastIndexOf(":");
    const hostPart = portColon >= 0 ? authority.slice(0, portColon) : authority;
    return {
        url: {
            scheme: scheme[1].toLowerCase(),
            host: authority,
            hostname: bracketed ? hostPart.slice(1, -1) : hostPart,
            port: portColon >= 0 ? authority.slice(portColon + 1) : undefined,
            path,
            rawQuery,
            fragment,
        },
    };
}

/** "an http(s) URL with a host", "an http, https or socks5 URL with a host". */
export function urlLabel(schemes: readonly string[]): string {
    if (schemes.length === 2 && schemes[0] === "http" && schemes[1] === "https") {
        return "an http(s) URL with a host";
    }
    return `an ${schemes.slice(0, -1).join(", ")} or ${schemes[schemes.length - 1]} URL with a host`;
}

/**
 * What is wrong with `value` as a URL of one of `schemes`, as a phrase that follows the value in
 * a message (`apiEndpoint "…" is not an http(s) URL with a host: it has no host`), or undefined.
 */
export function urlProblem(value: unknown, schemes: readonly string[]): string | undefined {
    const parsed = parseGoURL(value);
    if (parsed.problem !== undefined) {
        return parsed.userinfo ? parsed.problem : `is not ${urlLabel(schemes)}: ${parsed.problem}`;
    }
    return schemes.includes(parsed.url.scheme) ? undefined : `is not ${urlLabel(schemes)}`;
}

export interface GoCIDR {
    address: string;
    prefixLength: number;
    bits: 32 | 128;
}

/**
 * Parses `value` as Go's net.ParseCIDR does: an IPv4 address (dotted decimal, no leading zeros)
 * or an IPv6 address (IPv4-mapped forms included, no zone), "/", and a decimal prefix length
 * without sign or leading zeros, at most 32 or 128. Host bits may be set (Go masks them).
 */
export function parseGoCIDR(value: unknown): { cidr: GoCIDR; problem?: undefined } | { cidr?: undefined; problem: string } {
    if (typeof value !== "string") {
        return { problem: "it is not a string" };
    }
    const slash = value.indexOf("/");
    if (slash < 0) {
        return { problem: 'it has no "/" and prefix length' };
    }
    const address = value.slice(0, slash);
    const prefix = value.slice(slash + 1);
    // netip.ParseAddr: the first of ".", ":" says the family; a "%" zone is refused by ParseCIDR.
    if (address.includes("%")) {
        return { problem: "its address has a zone (%…), which Go's net.ParseCIDR refuses" };
    }
    const bits = address.includes(":") ? 128 : 32;
    if (bits === 32 && !isGoIPv4(address)) {
        return { problem: "its address is not an IPv4 address in dotted-decimal form (four numbers 0-255, no leading zeros)" };
    }
    if (bits === 128 && !isGoIPv6(address)) {
        return { problem: "its address is not an IPv6 address" };
    }
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(prefix) || Number(prefix) > bits) {
        return { problem: `its prefix length is not a decimal number from 0 to ${bits} (no sign, no leading zeros)` };
    }
    return { cidr: { address, prefixLength: Number(prefix), bits } };
}

/**
 * Decodes `data` as Go's encoding/json decodes a `[]byte` field (base64.StdEncoding, which skips
 * "\r" and "\n"): the standard alphabet, padded with "=" to a multiple of 4. Undefined when Go
 * would refuse it.
 */
export function decodeGoBase64(data: string): Buffer | undefined {
    const compact = data.replace(/[\r\n]/g, "");
    if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
        return undefined;
    }
    return Buffer.from(compact, "base64");
}

/**
 * What is wrong with `pem` as a bundle of CA certificates, or undefined: it must hold at least one
 * PEM block, every block a CERTIFICATE (no key, no request, ...) that parses as X.509. Text between
 * blocks is ignored, as Go's pem.Decode ignores it. The problem never quotes the text.
 */
export function pemCertificatesProblem(pem: string): string | undefined {
    const begin = /-----BEGIN ([^\r\n]*?)-----/g;
    let count = 0;
    for (let m = begin.exec(pem); m; m = begin.exec(pem)) {
        const type = m[1];
        const endLine = `-----END ${type}-----`;
        const end = pem.indexOf(endLine, begin.lastIndex);
        if (end < 0) {
            return `PEM block ${count + 1} has no END line of its type`;
        }
        if (type !== "CERTIFICATE") {
            return /PRIVATE KEY/.test(type)
                ? `PEM block ${count + 1} is a private key (not shown), not a certificate: a CA bundle holds certificates only`
                : `PEM block ${count + 1} is not a CERTIFICATE (a CA bundle holds certificates only)`;
        }
        count++;
        const der = decodeGoBase64(pem.slice(begin.lastIndex, end).replace(/[ \t\r\n]/g, ""));
        if (!der || der.length === 0) {
            return `certificate ${count} is not base64 inside its PEM block`;
        }
        try {
            new X509Certificate(der);
        } catch {
            return `certificate ${count} does not parse as an X.509 certificate`;
        }
        begin.lastIndex = end + endLine.length;
    }
    if (count === 0) {
        return "it holds no PEM CERTIFICATE block";
    }
    if (pem.split("-----END ").length - 1 !== count) {
        return "it has a PEM END line without its BEGIN line";
    }
    return undefined;
}

/**
 * What is wrong with `value` as an API server URL (a kubeconfig's server, an apiEndpoint, a
 * serverAddress), starting with the value as messages show it (redactURL), or undefined.
 */
export function serverURLProblem(value: unknown): string | undefined {
    const problem = urlProblem(value, SERVER_SCHEMES);
    return problem && `${quoteURL(value)} ${problem}`;
}

/**
 * What is wrong with a proxy URL (the `proxyURL` of a member, or its kubeconfig's `proxy-url`),
 * starting with the value as messages show it (redactURL), or undefined. Credentials in it are
 * refused: KubeFed v0.10.0 reads the proxy from the KubeFedCluster's spec, which is no Secret, so
 * they would be in plaintext there and in state.
 */
export function proxyURLProblem(value: unknown): string | undefined {
    const parsed = parseGoURL(value);
    if (parsed.problem !== undefined && parsed.userinfo) {
        return (
            `${quoteURL(value)} carries credentials: KubeFed reads the proxy from the KubeFedCluster's spec, ` +
            "which is not a Secret, so they would be stored in plaintext; use a proxy that admits the host without them (by address or client certificate)"
        );
    }
    const problem = urlProblem(value, PROXY_SCHEMES);
    return problem && `${quoteURL(value)} ${problem}`;
}
