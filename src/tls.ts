// A member API server's certificate judged exactly as KubeFed v0.10.0 judges it. Pure: no network.
//
// KubeFed (pkg/controller/util/cluster_util.go, built with Go 1.16) reaches a member with client-go.
// With an empty `disabledTLSValidations` that is Go's usual verification. Otherwise
// CustomizeCertificateValidation skips Go's check (InsecureSkipVerify) and calls x509's Verify
// itself: nothing at all for `*`; no name for `SubjectName`; for `ValidityPeriod` the time is the
// leaf's notBefore + 1 s, so every certificate of the chain (roots too) must be valid at that
// instant. Node's verifier cannot be told any of this, so Go's `Certificate.Verify` (Go 1.16) is
// reproduced here from the certificates' DER; Node's crypto is used to check signatures only.
// Not reproduced: name constraints (not enforced), Go's system roots on Linux (Node's bundled
// Mozilla roots instead). And with no caBundle, KubeFed checks nothing unless the list is empty.
import { X509Certificate } from "crypto";
import * as ipaddr from "ipaddr.js";
import { isIP } from "net";
import { DetailedPeerCertificate, rootCertificates, TLSSocket } from "tls";

/**
 * The certificates a TLS peer sent, leaf first, as DER (at most 10). Node links them by issuer
 * (getPeerCertificate(true)'s issuerCertificate, a self-signed one linked to itself): a sent
 * certificate that issued none of the others is left out, and the top one's issuer may be added
 * from the connection's own `ca`. Neither changes Go's verdict in practice: the one left out is on
 * no path (OpenSSL's issuer check is by name and key id), the one added is a trusted root anyway.
 */
export function peerChain(socket: TLSSocket): Buffer[] {
    const chain: Buffer[] = [];
    for (let c: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true); c?.raw && chain.length < 10; c = c.issuerCertificate) {
        const raw = c.raw;
        if (chain.some((d) => d.equals(raw))) break;
        chain.push(raw);
    }
    return chain;
}

// --- The few certificate fields Go's Verify looks at, read from the DER --------------------------

/** One DER element: its tag byte, its contents, and where it ends in the buffer read. */
interface Der {
    tag: number;
    content: Buffer;
    end: number;
}

function derAt(buf: Buffer, pos: number): Der {
    if (pos + 2 > buf.length || (buf[pos] & 0x1f) === 0x1f) throw new Error("bad DER");
    let start = pos + 2;
    let length = buf[pos + 1];
    if (length & 0x80) {
        // Long form: the low 7 bits say how many length bytes follow.
        const n = length & 0x7f;
        if (n < 1 || n > 4 || start + n > buf.length) throw new Error("bad DER length");
        length = buf.readUIntBE(start, n);
        start += n;
    }
    if (start + length > buf.length) throw new Error("truncated DER");
    return { tag: buf[pos], content: buf.subarray(start, start + length), end: start + length };
}

/** The elements inside a constructed element's contents. */
function derChildren(content: Buffer): Der[] {
    const children: Der[] = [];
    for (let pos = 0; pos < content.length; pos = children[children.length - 1].end) children.push(derAt(content, pos));
    return children;
}

function derOid(content: Buffer): string {
    const arcs: number[] = [];
    let value = 0;
    for (const byte of content) {
        value = value * 128 + (byte & 0x7f);
        if (!(byte & 0x80)) {
            arcs.push(value);
            value = 0;
        }
    }
    const first = arcs.shift() ?? 0;
    const top = first < 40 ? 0 : first < 80 ? 1 : 2;
    return [top, first - 40 * top, ...arcs].join(".");
}

/** UTCTime (tag 0x17, YYMMDDhhmmssZ, 19xx from 50) or GeneralizedTime (0x18, YYYYMMDDhhmmssZ). */
function derTime(e: Der): Date {
    const m = /^(\d\d|\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(e.content.toString("latin1"));
    if (!m || m[1].length !== (e.tag === 0x17 ? 2 : 4)) throw new Error("bad time");
    const year = e.tag === 0x17 ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
    return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

interface Cert {
    der: Buffer;
    x509: X509Certificate;
    /** The subject CN (else the first subject attribute), for messages. */
    name: string;
    version: number;
    rawIssuer: Buffer;
    rawSubject: Buffer;
    notBefore: Date;
    notAfter: Date;
    signatureOid: string;
    /** basicConstraints (2.5.29.19), undefined without the extension; maxPathLen -1 when absent. */
    basicConstraints?: { ca: boolean; maxPathLen: number };
    /** False when a keyUsage extension (2.5.29.15) has bits set but not keyCertSign. */
    mayCertSign: boolean;
    /** extKeyUsage OIDs (2.5.29.37); empty without the extension. */
    eku: string[];
    dnsNames: string[];
    /** IP SANs, 16 bytes each (IPv4 as ::ffff:a.b.c.d, so that Go's ip.Equal is Buffer.equals). */
    ips: Buffer[];
    akid?: Buffer;
    skid?: Buffer;
    /** Go refuses a certificate with a critical extension its parser does not handle. */
    unhandledCritical: boolean;
}

/** The extensions Go 1.16's parser handles; any other one marked critical makes the certificate unusable. */
const HANDLED_EXTENSIONS = new Set(["14", "15", "17", "19", "30", "31", "32", "35", "37"].map((n) => `2.5.29.${n}`).concat("1.3.6.1.5.5.7.1.1"));

function parseCert(der: Buffer): Cert {
    const [tbs, signatureAlgorithm] = derChildren(derAt(der, 0).content);
    let fields = derChildren(tbs.content);
    let version = 1;
    if (fields[0].tag === 0xa0) {
        version = derAt(fields[0].content, 0).content[0] + 1;
        fields = fields.slice(1);
    }
    const [, , issuer, validity, subject, , ...optional] = fields;
    const [notBefore, notAfter] = derChildren(validity.content).map(derTime);
    const x509 = new X509Certificate(der);
    const cert: Cert = {
        der,
        x509,
        name: /^CN=(.*)$/m.exec(x509.subject)?.[1] ?? (x509.subject.split("\n")[0] || "(no subject)"),
        version,
        rawIssuer: issuer.content,
        rawSubject: subject.content,
        notBefore,
        notAfter,
        signatureOid: derOid(derChildren(signatureAlgorithm.content)[0].content),
        mayCertSign: true,
        eku: [],
        dnsNames: [],
        ips: [],
        unhandledCritical: false,
    };
    const extensions = optional.find((e) => e.tag === 0xa3);
    for (const extension of extensions ? derChildren(derAt(extensions.content, 0).content) : []) {
        const parts = derChildren(extension.content);
        const id = derOid(parts[0].content);
        const critical = parts.length === 3 && parts[1].content[0] !== 0;
        const value = parts[parts.length - 1].content;
        let unhandled = !HANDLED_EXTENSIONS.has(id);
        if (id === "2.5.29.19") {
            // SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
            const items = derChildren(derAt(value, 0).content);
            const pathLen = items.find((e) => e.tag === 0x02);
            cert.basicConstraints = {
                ca: items[0]?.tag === 0x01 && items[0].content[0] !== 0,
                maxPathLen: pathLen ? pathLen.content.readIntBE(0, Math.min(pathLen.content.length, 6)) : -1,
            };
        } else if (id === "2.5.29.15") {
            // BIT STRING (first byte: unused bits); keyCertSign is bit 5, Go looks at bits 0-8.
            const bits = derAt(value, 0).content;
            cert.mayCertSign = !(bits[1] || (bits[2] ?? 0) & 0x80) || (bits[1] & 0x04) !== 0;
        } else if (id === "2.5.29.37") {
            cert.eku = derChildren(derAt(value, 0).content).map((e) => derOid(e.content));
        } else if (id === "2.5.29.17") {
            let names = 0;
            for (const name of derChildren(derAt(value, 0).content)) {
                if (name.tag === 0x82) cert.dnsNames.push(name.content.toString("latin1"));
                if (name.tag === 0x87) {
                    if (name.content.length !== 4 && name.content.length !== 16) throw new Error("bad IP SAN");
                    cert.ips.push(ip16(name.content));
                }
                if ([0x81, 0x82, 0x86, 0x87].includes(name.tag)) names++; // email, DNS, URI, IP
            }
            unhandled = names === 0; // a SAN Go cannot read anything from
        } else if (id === "2.5.29.35") {
            cert.akid = derChildren(derAt(value, 0).content).find((e) => e.tag === 0x80)?.content; // [0] keyIdentifier
        } else if (id === "2.5.29.14") {
            cert.skid = derAt(value, 0).content;
        }
        cert.unhandledCritical ||= critical && unhandled;
    }
    return cert;
}

/** An IP address as 16 bytes, IPv4 mapped into IPv6 as Go's net.IP compares them. */
function ip16(bytes: Buffer | number[]): Buffer {
    return bytes.length === 4 ? Buffer.from([...Array(10).fill(0), 0xff, 0xff, ...bytes]) : Buffer.from(bytes);
}

const parseOrSkip = (ders: Buffer[]): Cert[] =>
    ders.flatMap((der) => {
        try {
            return [parseCert(der)];
        } catch {
            return []; // Go's AppendCertsFromPEM skips what it cannot parse
        }
    });

let systemRoots: Cert[] | undefined;

// --- Go 1.16's Certificate.Verify ------------------------------------------------------------------

type Kind = "leaf" | "intermediate" | "root";

interface Context {
    roots: Cert[];
    intermediates: Cert[];
    now: Date;
    sigChecks: number;
    /** Go caches the chains found above an intermediate, whatever chain below it first led there. */
    cache: Map<Cert, Cert[][]>;
}

const iso = (d: Date) => d.toISOString().replace(/\.000Z$/, "Z");

/** Go's isValid: what a certificate must satisfy to take its place in a chain (name constraints aside). */
function validityProblem(c: Cert, kind: Kind, chain: Cert[], now: Date): string | undefined {
    if (c.unhandledCritical) return `${c.name} has an unhandled critical extension`;
    const child = chain[chain.length - 1];
    if (child && !child.rawIssuer.equals(c.rawSubject)) return `the issuer name of ${child.name} does not match the subject of ${c.name}`;
    if (now < c.notBefore || now > c.notAfter) {
        return `certificate has expired or is not yet valid: ${c.name} valid ${iso(c.notBefore)} to ${iso(c.notAfter)}, checked at ${iso(now)}`;
    }
    // An intermediate must say it is a CA (a root need not: it is trusted as it is).
    if (kind === "intermediate" && !c.basicConstraints?.ca) return `issuer ${c.name} is not a CA`;
    // pathLenConstraint: at most that many intermediates between this certificate and the leaf.
    if (c.basicConstraints && c.basicConstraints.maxPathLen >= 0 && chain.length - 1 > c.basicConstraints.maxPathLen) {
        return `path length constraint of ${c.name} exceeded`;
    }
    return undefined;
}

/** Go refuses MD2/MD5 signatures as insecure, and DSA ones as unsupported (since Go 1.16). */
const REFUSED_SIGNATURES = new Set(["1.2.840.113549.1.1.2", "1.2.840.113549.1.1.4", "1.2.840.10040.4.3", "2.16.840.1.101.3.4.3.1", "2.16.840.1.101.3.4.3.2"]);

/** Go's CheckSignatureFrom: whether `parent` may have signed `c`, and did. */
function signatureProblem(c: Cert, parent: Cert): string | undefined {
    // RFC 5280 4.2.1.9: a v3 certificate without basicConstraints, or with CA:FALSE, signs no certificate.
    if ((parent.version === 3 && !parent.basicConstraints) || (parent.basicConstraints && !parent.basicConstraints.ca)) return `issuer ${parent.name} is not a CA`;
    if (!parent.mayCertSign) return `the key usage of issuer ${parent.name} does not allow signing certificates`;
    if (REFUSED_SIGNATURES.has(c.signatureOid)) return `${c.name} is signed with an insecure or unsupported algorithm`;
    let verified = false;
    try {
        verified = c.x509.verify(parent.x509.publicKey);
    } catch {
        // a key Node cannot use: not verified
    }
    return verified ? undefined : `the signature of ${c.name} does not verify with the key of ${parent.name}`;
}

/** Go 1.16's CertPool.findPotentialParents: by authority key id when one matches, else by issuer name. */
function potentialParents(c: Cert, pool: Cert[]): Cert[] {
    const byKey = c.akid?.length ? pool.filter((p) => p.skid?.length && p.skid.equals(c.akid!)) : [];
    return byKey.length > 0 ? byKey : pool.filter((p) => p.rawSubject.equals(c.rawIssuer));
}

/**
 * Go's buildChains: every chain from `c` (the top of `chain`) up to a root, trying each candidate
 * issuer among the roots, then among the intermediates. Without a chain, the reason is Go's: that of
 * the last candidate refused after its signature verified (or found nothing above it), else that a
 * certificate is signed by an unknown authority, with the first candidate whose signature failed.
 */
function buildChains(c: Cert, chain: Cert[], ctx: Context): { chains: Cert[][]; problem?: string } {
    const chains: Cert[][] = [];
    let problem: string | undefined;
    let hint: string | undefined;
    const consider = (kind: Kind, candidate: Cert) => {
        if (chain.some((x) => x.der.equals(candidate.der))) return;
        if (++ctx.sigChecks > 100) {
            problem = "too many signature checks while verifying the certificate chain";
            return;
        }
        const refused = signatureProblem(c, candidate);
        if (refused) {
            hint ??= refused;
            return;
        }
        problem = validityProblem(candidate, kind, chain, ctx.now);
        if (problem) return;
        if (kind === "root") {
            chains.push([...chain, candidate]);
            return;
        }
        let above = ctx.cache.get(candidate);
        if (!above) {
            const found = buildChains(candidate, [...chain, candidate], ctx);
            above = found.chains;
            problem = found.problem;
            ctx.cache.set(candidate, above);
        }
        chains.push(...above);
    };
    potentialParents(c, ctx.roots).forEach((r) => consider("root", r));
    potentialParents(c, ctx.intermediates).forEach((i) => consider("intermediate", i));
    if (chains.length > 0) return { chains };
    return { chains, problem: problem ?? `certificate is signed by an unknown authority${hint ? ` (${hint})` : ""}` };
}

const SERVER_AUTH = ["1.3.6.1.5.5.7.3.1", "2.16.840.1.113730.4.1", "1.3.6.1.4.1.311.10.3.3"]; // serverAuth; Netscape and Microsoft SGC count as it
const ANY_EKU = "2.5.29.37.0";

/** Go requires ExtKeyUsageServerAuth of the whole chain: every certificate with an EKU must allow it (or any). */
const allowsServerAuth = (chain: Cert[]) => chain.every((c) => c.eku.length === 0 || c.eku.some((u) => u === ANY_EKU || SERVER_AUTH.includes(u)));

// Go's host name matching (VerifyHostname): DNS SANs only, no Common Name; `*` only as a whole leftmost label.
const lowerASCII = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

function validHostname(host: string, isPattern: boolean): boolean {
    if (!isPattern) host = host.replace(/\.$/, "");
    if (host.length === 0) return false;
    return host.split(".").every((label, i) => (isPattern && i === 0 && label === "*") || /^[A-Za-z0-9_][A-Za-z0-9_-]*$/.test(label));
}

function matchHostnames(pattern: string, host: string): boolean {
    const patternLabels = lowerASCII(pattern).split(".");
    const hostLabels = lowerASCII(host.replace(/\.$/, "")).split(".");
    if (pattern.length === 0 || hostLabels.join(".").length === 0 || patternLabels.length !== hostLabels.length) return false;
    return patternLabels.every((label, i) => (i === 0 && label === "*") || label === hostLabels[i]);
}

const matchExactly = (a: string, b: string) => ![a, b].some((x) => x === "" || x === ".") && lowerASCII(a) === lowerASCII(b);

function hostnameProblem(leaf: Cert, host: string): string | undefined {
    const ipText = host.length >= 3 && host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
    if (isIP(ipText) && !ipText.includes("%")) {
        // An IP address is matched against IP SANs only.
        const ip = ip16(ipaddr.parse(ipText).toByteArray());
        if (leaf.ips.some((san) => san.equals(ip))) return undefined;
        const valid = leaf.ips.map((san) => ipaddr.process(ipaddr.fromByteArray([...san]).toString()).toString()).join(", ");
        return valid ? `certificate is valid for ${valid}, not ${ipText}` : `certificate has no IP address SAN, so it is not valid for ${ipText}`;
    }
    const name = lowerASCII(host);
    const validName = validHostname(name, false);
    if (leaf.dnsNames.some((san) => (validName && validHostname(san, true) ? matchHostnames(san, name) : matchExactly(san, name)))) return undefined;
    return leaf.dnsNames.length ? `certificate is valid for ${leaf.dnsNames.join(", ")}, not ${host}` : `certificate has no DNS name SAN, so it is not valid for ${host}`;
}

/**
 * Go's x509 `Certificate.Verify` (Go 1.16) as KubeFed calls it, on the certificates a server sent
 * (leaf first; the others are the intermediates): undefined when accepted, else a short reason.
 * `roots` undefined: the system roots (here Node's bundled Mozilla roots). `currentTime`
 * "leafNotBefore": the leaf's notBefore + 1 s, as KubeFed's `ValidityPeriod`. No `dnsName`: no name check.
 */
export function verifyLikeGo(chain: Buffer[], roots: X509Certificate[] | undefined, opts: { dnsName?: string; currentTime: Date | "leafNotBefore" }): string | undefined {
    if (chain.length === 0) return "the server sent no certificate";
    let certs: Cert[];
    try {
        certs = chain.map(parseCert);
    } catch {
        return "failed to parse a certificate from the server";
    }
    const leaf = certs[0];
    const unique = (pool: Cert[]) => pool.filter((c, i) => pool.findIndex((d) => d.der.equals(c.der)) === i); // a CertPool holds a certificate once
    const ctx: Context = {
        roots: unique(roots ? parseOrSkip(roots.map((r) => r.raw)) : (systemRoots ??= parseOrSkip(rootCertificates.map((pem) => new X509Certificate(pem).raw)))),
        intermediates: unique(certs.slice(1)),
        now: opts.currentTime === "leafNotBefore" ? new Date(leaf.notBefore.getTime() + 1000) : opts.currentTime,
        sigChecks: 0,
        cache: new Map(),
    };
    // In Go's order: the leaf's own validity, its name, a chain to a root, the chain's extended key usage.
    const problem = validityProblem(leaf, "leaf", [], ctx.now) ?? (opts.dnsName ? hostnameProblem(leaf, opts.dnsName) : undefined);
    if (problem) return problem;
    // A leaf that is itself among the roots is trusted as it is: no issuer, no CA flag needed.
    const found = ctx.roots.some((r) => r.der.equals(leaf.der)) ? { chains: [[leaf]] } : buildChains(leaf, [leaf], ctx);
    if (found.chains.length === 0) return found.problem;
    return found.chains.some(allowsServerAuth) ? undefined : "certificate is not valid for server authentication (extended key usage)";
}

/** The certificates of a caBundle as Go's CertPool.AppendCertsFromPEM reads them: blocks that do not parse are skipped. */
function caCertificates(pem: string): X509Certificate[] {
    return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).flatMap((block) => {
        try {
            return [new X509Certificate(block)];
        } catch {
            return [];
        }
    });
}

/**
 * Why KubeFed v0.10.0 would refuse the member's certificate, or undefined when it accepts it.
 * `chain`: what the server sent, leaf first (peerChain); `caPem`: the KubeFedCluster's caBundle;
 * `hostname`: the API endpoint URL's hostname (IPv6 without brackets); `disabled`: its
 * `disabledTLSValidations`.
 */
export function kubefedCertificateProblem(chain: Buffer[], caPem: string | undefined, hostname: string, disabled: string[]): string | undefined {
    if (disabled.includes("*")) return undefined; // KubeFed returns before installing any check
    // One place where the component is stricter than KubeFed: with no caBundle and some validation
    // disabled, client-go builds no TLS config, KubeFed's customization is skipped and it sets
    // `Insecure`: no check at all. The component does not hand a token to an unchecked server; it
    // judges against the system roots, as with nothing disabled.
    // client-go: the caBundle's certificates, or the system roots when there is none.
    const roots = caPem ? caCertificates(caPem) : undefined;
    if (roots?.length === 0) return "the caBundle holds no certificate (KubeFed cannot load its root certificates)";
    return verifyLikeGo(chain, roots, {
        dnsName: disabled.includes("SubjectName") ? undefined : hostname,
        currentTime: disabled.includes("ValidityPeriod") ? "leafNotBefore" : new Date(),
    });
}
