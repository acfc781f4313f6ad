// Test certificates made on the fly with node-forge: CAs, intermediates and server certificates
// with chosen dates, names, extended key usages and CA constraints. Each certificate has its own
// 1024-bit RSA key (test keys: Node generates one in ~15 ms), so a signature verifies only with its
// real issuer's key. Like real CAs, every certificate carries a subject key id and every issued one
// the authority key id of its issuer. An HTTPS server takes `cert: leaf.pem + intermediate.pem`
// and `key: leaf.key`.
import { generateKeyPairSync, randomBytes } from "crypto";
import * as forge from "node-forge";

export interface Issued {
    cn: string;
    /** The certificate, PEM. */
    pem: string;
    /** The certificate, DER. */
    der: Buffer;
    /** Its private key, PEM (PKCS#1). */
    key: string;
}

export type Eku = "serverAuth" | "clientAuth" | "any";

const DAY_MS = 24 * 3600 * 1000;
/** Now plus `n` days (negative: in the past). */
export const daysFromNow = (n: number) => new Date(Date.now() + n * DAY_MS);

function issue(o: { cn: string; notBefore: Date; notAfter: Date; issuer?: Issued; extensions: object[] }): Issued {
    const keys = generateKeyPairSync("rsa", {
        modulusLength: 1024,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs1", format: "pem" },
    });
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
    cert.serialNumber = `01${randomBytes(8).toString("hex")}`; // positive
    cert.validity.notBefore = o.notBefore;
    cert.validity.notAfter = o.notAfter;
    cert.setSubject([{ name: "commonName", value: o.cn }]);
    const issuer = o.issuer && forge.pki.certificateFromPem(o.issuer.pem);
    cert.setIssuer(issuer ? issuer.subject.attributes : cert.subject.attributes);
    cert.setExtensions([
        ...o.extensions,
        { name: "subjectKeyIdentifier" },
        { name: "authorityKeyIdentifier", keyIdentifier: issuer ? issuer.generateSubjectKeyIdentifier().getBytes() : true },
    ]);
    cert.sign(forge.pki.privateKeyFromPem(o.issuer?.key ?? keys.privateKey), forge.md.sha256.create());
    const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary");
    return { cn: o.cn, pem: forge.pki.certificateToPem(cert), der, key: keys.privateKey };
}

/** The extKeyUsage extension for `eku`; none when undefined. */
const ekuExtension = (eku: Eku[] | undefined) =>
    eku ? [{ name: "extKeyUsage", ...Object.fromEntries(eku.map((u) => [u === "any" ? "2.5.29.37.0" : u, true])) }] : [];

/**
 * A CA: self-signed, or an intermediate when `issuer` is given. `ca: false` makes a certificate
 * that is not a CA (basicConstraints CA:FALSE) but can be used as one in a test; `pathLen` is its
 * pathLenConstraint; `eku` an extKeyUsage extension (none by default).
 */
export function makeCA(o: { cn: string; notBefore: Date; notAfter: Date; pathLen?: number; issuer?: Issued; ca?: boolean; eku?: Eku[] }): Issued {
    const basicConstraints = { name: "basicConstraints", critical: true, cA: o.ca ?? true, ...(o.pathLen === undefined ? {} : { pathLenConstraint: o.pathLen }) };
    const keyUsage = { name: "keyUsage", critical: true, keyCertSign: true, cRLSign: true, digitalSignature: true };
    return issue({ ...o, extensions: [basicConstraints, keyUsage, ...ekuExtension(o.eku)] });
}

/**
 * A server certificate issued by `issuer` (self-signed without one), with these DNS and IP SANs
 * (no SAN extension when both are empty) and extended key usages (no extension when undefined).
 */
export function makeLeaf(o: { cn: string; issuer?: Issued; notBefore: Date; notAfter: Date; dnsNames?: string[]; ips?: string[]; eku?: Eku[] }): Issued {
    const altNames = [...(o.dnsNames ?? []).map((value) => ({ type: 2, value })), ...(o.ips ?? []).map((ip) => ({ type: 7, ip }))];
    return issue({
        ...o,
        extensions: [
            { name: "basicConstraints", cA: false },
            { name: "keyUsage", critical: true, digitalSignature: true, keyEncipherment: true },
            ...ekuExtension(o.eku),
            ...(altNames.length ? [{ name: "subjectAltName", altNames }] : []),
        ],
    });
}
