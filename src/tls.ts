// A server certificate checked as KubeFed checks it when `disabledTLSValidations` has
// `ValidityPeriod`: chained to a trusted CA and (unless `SubjectName` is disabled too) naming the
// server, whatever its dates. Node cannot skip only the date check, so the client connects
// without rejecting and this decides once the handshake is done. Pure: no network.
import { checkServerIdentity, PeerCertificate, rootCertificates } from "tls";
import { X509Certificate as Certificate } from "crypto";

/** OpenSSL's verdicts that are about dates only. */
const DATE_ERRORS = ["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"];

/** The certificates of a PEM bundle (a caBundle may hold several). */
export function pemCertificates(pem: string): Certificate[] {
    return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((block) => new Certificate(block));
}

const issuedBy = (cert: Certificate, issuer: Certificate) => issuer.ca && cert.checkIssued(issuer) && cert.verify(issuer.publicKey);

/** Why `chain` (leaf first) does not lead to one of `anchors`, ignoring dates; undefined when it does. */
export function chainProblem(chain: Certificate[], anchors: Certificate[]): string | undefined {
    let current = chain[0];
    for (let depth = 0; current && depth < 10; depth++) {
        const cert = current;
        if (anchors.some((a) => a.fingerprint256 === cert.fingerprint256 || issuedBy(cert, a))) {
            return undefined;
        }
        current = chain.find((c) => c.fingerprint256 !== cert.fingerprint256 && issuedBy(cert, c))!;
    }
    return "its certificate is not issued by a trusted CA";
}

/** The certificates the server sent, leaf first, from Node's linked view of them. */
function peerChain(peer: PeerCertificate & { issuerCertificate?: PeerCertificate }): Certificate[] {
    const chain: Certificate[] = [];
    for (let c: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = peer; c?.raw && chain.length < 10; c = c.issuerCertificate) {
        const cert = new Certificate(c.raw);
        if (chain.some((x) => x.fingerprint256 === cert.fingerprint256)) break;
        chain.push(cert);
    }
    return chain;
}

export interface HandshakeResult {
    authorized: boolean;
    /** Node's verdict: OpenSSL's code (CERT_HAS_EXPIRED, ...), or ERR_TLS_CERT_ALTNAME_INVALID for a name that does not match. */
    authorizationError?: string;
    peer: PeerCertificate;
}

/**
 * Why the server's certificate is not acceptable with ValidityPeriod disabled, or undefined.
 * `handshake`: what Node's TLS socket concluded (with rejectUnauthorized off).
 */
export function certificateProblem(handshake: HandshakeResult, hostname: string, caPem: string | undefined, checkName: boolean): string | undefined {
    if (handshake.authorized) {
        return undefined;
    }
    const code = String(handshake.authorizationError);
    if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
        return checkServerIdentity(hostname, handshake.peer)?.message ?? code;
    }
    if (!DATE_ERRORS.includes(code)) {
        return `the certificate is not trusted (OpenSSL: ${code})`;
    }
    const anchors = caPem === undefined ? rootCertificates.map((pem) => new Certificate(pem)) : pemCertificates(caPem);
    const problem = chainProblem(peerChain(handshake.peer), anchors);
    if (problem) {
        return problem;
    }
    return checkName ? checkServerIdentity(hostname, handshake.peer)?.message : undefined;
}
