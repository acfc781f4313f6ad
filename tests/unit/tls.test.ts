// The member API server's certificate judged as KubeFed v0.10.0 judges it (Go's x509 Verify with the
// KubeFedCluster's disabledTLSValidations): each row is a server certificate chain, asserted
// accepted or refused for each value of disabledTLSValidations.
import { X509Certificate } from "crypto";
import { AddressInfo } from "net";
import * as tls from "tls";
import { kubefedCertificateProblem, peerChain, verifyLikeGo } from "../../src/tls";
import { daysFromNow, Issued, makeCA, makeLeaf } from "../helpers/certs";

const HOST = "member1.example.com";
const VARIANTS = {
    "[]": [],
    "[SubjectName]": ["SubjectName"],
    "[ValidityPeriod]": ["ValidityPeriod"],
    "[SubjectName, ValidityPeriod]": ["SubjectName", "ValidityPeriod"],
    "[*]": ["*"],
};
type Variant = keyof typeof VARIANTS;
const ALL = Object.keys(VARIANTS) as Variant[];
const ONLY_STAR: Variant[] = ["[*]"];

const current = { notBefore: daysFromNow(-1), notAfter: daysFromNow(365) };
const expired = { notBefore: daysFromNow(-100), notAfter: daysFromNow(-10) };
const notYetValid = { notBefore: daysFromNow(10), notAfter: daysFromNow(400) };

const ca = makeCA({ cn: "member-ca", notBefore: daysFromNow(-400), notAfter: daysFromNow(3650) });
const leaf = (o: Partial<Parameters<typeof makeLeaf>[0]> = {}) => makeLeaf({ cn: "member1", issuer: ca, dnsNames: [HOST], eku: ["serverAuth"], ...current, ...o });
// A CA that expired years before its latest leaf was issued.
const oldCA = makeCA({ cn: "old-ca", notBefore: new Date("2010-01-01T00:00:00Z"), notAfter: new Date("2015-01-01T00:00:00Z") });
const intermediate = makeCA({ cn: "member-intermediate", issuer: ca, ...current });
const clientOnlyIntermediate = makeCA({ cn: "client-intermediate", issuer: ca, eku: ["clientAuth"], ...current });
const notACA = makeCA({ cn: "not-a-ca", issuer: ca, ca: false, ...current });
const pathLen0 = makeCA({ cn: "pathlen0-ca", pathLen: 0, ...current });
const underPathLen0 = makeCA({ cn: "under-pathlen0", issuer: pathLen0, ...current });
const otherCA = makeCA({ cn: "other-ca", ...current });
const impostorCA = makeCA({ cn: "member-ca", ...current }); // the trusted CA's name, another key
const goodLeaf = leaf();
const selfSigned = makeLeaf({ cn: HOST, dnsNames: [HOST], ...expired });

interface Row {
    name: string;
    /** What the server sends, leaf first. */
    chain: Issued[];
    /** The caBundle. */
    roots: Issued[];
    host?: string;
    accepted: Variant[];
    /** The reason given, for some variants that refuse. */
    reasons?: Partial<Record<Variant, RegExp>>;
}

const EXPIRY = /certificate has expired or is not yet valid: member1 valid .* to .*, checked at/;
const rows: Row[] = [
    { name: "a good leaf", chain: [goodLeaf], roots: [ca], accepted: ALL },
    { name: "an expired leaf", chain: [leaf(expired)], roots: [ca], accepted: ["[ValidityPeriod]", "[SubjectName, ValidityPeriod]", "[*]"], reasons: { "[]": EXPIRY, "[SubjectName]": EXPIRY } },
    { name: "a leaf not yet valid", chain: [leaf(notYetValid)], roots: [ca], accepted: ["[ValidityPeriod]", "[SubjectName, ValidityPeriod]", "[*]"], reasons: { "[]": EXPIRY } },
    {
        name: "an expired leaf for clientAuth only",
        chain: [leaf({ ...expired, eku: ["clientAuth"] })],
        roots: [ca],
        accepted: ONLY_STAR,
        reasons: { "[]": EXPIRY, "[ValidityPeriod]": /not valid for server authentication \(extended key usage\)/, "[SubjectName, ValidityPeriod]": /extended key usage/ },
    },
    { name: "a leaf with anyExtendedKeyUsage", chain: [leaf({ eku: ["any"] })], roots: [ca], accepted: ALL },
    { name: "a leaf without an extKeyUsage extension", chain: [leaf({ eku: undefined })], roots: [ca], accepted: ALL },
    {
        name: "an expired leaf with the wrong name",
        chain: [leaf({ ...expired, dnsNames: ["other.example.com"] })],
        roots: [ca],
        accepted: ["[SubjectName, ValidityPeriod]", "[*]"],
        reasons: { "[]": EXPIRY, "[ValidityPeriod]": /certificate is valid for other\.example\.com, not member1\.example\.com/ },
    },
    {
        name: "a fresh leaf of a CA that expired before the leaf was issued",
        chain: [leaf({ issuer: oldCA })],
        roots: [oldCA],
        accepted: ONLY_STAR,
        reasons: { "[ValidityPeriod]": /certificate has expired or is not yet valid: old-ca valid 2010-01-01T00:00:00Z to 2015-01-01T00:00:00Z, checked at/ },
    },
    {
        name: "an expired leaf of an expired CA, both valid when the leaf was issued",
        chain: [leaf({ issuer: oldCA, notBefore: new Date("2012-01-01T00:00:00Z"), notAfter: new Date("2013-01-01T00:00:00Z") })],
        roots: [oldCA],
        accepted: ["[ValidityPeriod]", "[SubjectName, ValidityPeriod]", "[*]"],
    },
    { name: "a leaf signed by an intermediate the server sends", chain: [leaf({ issuer: intermediate }), intermediate], roots: [ca], accepted: ALL },
    { name: "a chain sent out of order, with an unrelated certificate", chain: [leaf({ issuer: intermediate }), otherCA, intermediate], roots: [ca], accepted: ALL },
    { name: "a leaf signed by an intermediate the server does not send", chain: [leaf({ issuer: intermediate })], roots: [ca], accepted: ONLY_STAR, reasons: { "[]": /signed by an unknown authority/ } },
    { name: "an expired leaf signed by an intermediate", chain: [leaf({ issuer: intermediate, notBefore: daysFromNow(-0.5), notAfter: daysFromNow(-0.25) }), intermediate], roots: [ca], accepted: ["[ValidityPeriod]", "[SubjectName, ValidityPeriod]", "[*]"] },
    { name: "an intermediate for clientAuth only", chain: [leaf({ issuer: clientOnlyIntermediate }), clientOnlyIntermediate], roots: [ca], accepted: ONLY_STAR, reasons: { "[]": /extended key usage/ } },
    { name: "an issuer that is not a CA", chain: [leaf({ issuer: notACA }), notACA], roots: [ca], accepted: ONLY_STAR, reasons: { "[]": /issuer not-a-ca is not a CA/ } },
    { name: "a trusted root that is not a CA", chain: [leaf({ issuer: notACA })], roots: [notACA], accepted: ONLY_STAR, reasons: { "[]": /issuer not-a-ca is not a CA/ } },
    { name: "an intermediate under a pathLen 0 CA", chain: [leaf({ issuer: underPathLen0 }), underPathLen0], roots: [pathLen0], accepted: ONLY_STAR, reasons: { "[]": /path length constraint of pathlen0-ca exceeded/ } },
    { name: "a leaf right under a pathLen 0 CA", chain: [leaf({ issuer: pathLen0 })], roots: [pathLen0], accepted: ALL },
    { name: "a leaf of another CA", chain: [leaf({ issuer: otherCA })], roots: [ca], accepted: ONLY_STAR, reasons: { "[]": /signed by an unknown authority/ } },
    { name: "a leaf of a CA named as the trusted one", chain: [leaf({ issuer: impostorCA })], roots: [ca], accepted: ONLY_STAR, reasons: { "[]": /unknown authority \(the signature of member1 does not verify with the key of member-ca\)/ } },
    { name: "a leaf of a CA among several in the caBundle", chain: [goodLeaf], roots: [otherCA, ca], accepted: ALL },
    { name: "an expired self-signed server certificate given as the caBundle", chain: [selfSigned], roots: [selfSigned], accepted: ["[ValidityPeriod]", "[SubjectName, ValidityPeriod]", "[*]"] },
    { name: "an IP SAN, reached by that IP", chain: [leaf({ dnsNames: ["localhost"], ips: ["127.0.0.1", "::1"] })], roots: [ca], host: "127.0.0.1", accepted: ALL },
    { name: "an IPv6 SAN, reached by that IP", chain: [leaf({ dnsNames: [], ips: ["::1"] })], roots: [ca], host: "::1", accepted: ALL },
    { name: "an IP SAN, reached by another IP", chain: [leaf({ ips: ["127.0.0.1"] })], roots: [ca], host: "127.0.0.2", accepted: ["[SubjectName]", "[SubjectName, ValidityPeriod]", "[*]"], reasons: { "[]": /certificate is valid for 127\.0\.0\.1, not 127\.0\.0\.2/ } },
    { name: "an IP as a DNS SAN only, reached by that IP", chain: [leaf({ dnsNames: ["127.0.0.1"] })], roots: [ca], host: "127.0.0.1", accepted: ["[SubjectName]", "[SubjectName, ValidityPeriod]", "[*]"], reasons: { "[]": /no IP address SAN/ } },
    { name: "a CN equal to the host name and no SAN", chain: [leaf({ cn: HOST, dnsNames: [] })], roots: [ca], accepted: ["[SubjectName]", "[SubjectName, ValidityPeriod]", "[*]"], reasons: { "[]": /no DNS name SAN/ } },
];

describe.each(rows)("$name", (row) => {
    test.each(ALL)("disabledTLSValidations %s", (variant) => {
        const problem = kubefedCertificateProblem(
            row.chain.map((c) => c.der),
            row.roots.map((c) => c.pem).join(""),
            row.host ?? HOST,
            VARIANTS[variant],
        );
        expect({ variant, accepted: problem === undefined, problem }).toMatchObject({ variant, accepted: row.accepted.includes(variant) });
        const reason = row.reasons?.[variant];
        if (reason) expect(problem).toMatch(reason);
    });
});

describe("host names as Go matches them", () => {
    const wildcard = leaf({ dnsNames: ["*.example.com", "a*.example.org"] });
    const check = (host: string) => verifyLikeGo([wildcard.der], [new X509Certificate(ca.pem)], { dnsName: host, currentTime: new Date() });
    test.each([
        ["api.example.com", true],
        ["API.Example.COM", true],
        ["api.example.com.", true],
        ["example.com", false], // the wildcard is one whole label
        ["a.b.example.com", false],
        ["ab.example.org", false], // no partial wildcards
        ["a*.example.org", true], // an invalid name matches only exactly
    ])("%s → %s", (host, accepted) => {
        expect(check(host) === undefined).toBe(accepted);
    });
    test("an IPv6 address in brackets", () => {
        const v6 = leaf({ ips: ["::1"] });
        expect(verifyLikeGo([v6.der], [new X509Certificate(ca.pem)], { dnsName: "[::1]", currentTime: new Date() })).toBeUndefined();
    });
});

describe("roots", () => {
    test("no caBundle and no disabledTLSValidations: the system roots, which do not know a private CA", () => {
        expect(kubefedCertificateProblem([goodLeaf.der], undefined, HOST, [])).toMatch(/signed by an unknown authority/);
        expect(verifyLikeGo([goodLeaf.der], undefined, { dnsName: HOST, currentTime: new Date() })).toMatch(/signed by an unknown authority/);
    });
    test("no caBundle with disabledTLSValidations: stricter than KubeFed (which checks nothing then): the system roots, the rest still skipped", () => {
        expect(kubefedCertificateProblem([leaf({ issuer: otherCA, ...expired }).der], undefined, HOST, ["SubjectName"])).toMatch(/signed by an unknown authority|expired/);
        expect(kubefedCertificateProblem([leaf({ issuer: otherCA, ...expired }).der], "", HOST, ["ValidityPeriod"])).toMatch(/signed by an unknown authority/);
    });
    test("a caBundle without a readable certificate", () => {
        expect(kubefedCertificateProblem([goodLeaf.der], "not a certificate", HOST, [])).toMatch(/caBundle holds no certificate/);
    });
    test("no certificate from the server, or one that does not parse", () => {
        expect(kubefedCertificateProblem([], ca.pem, HOST, [])).toMatch(/no certificate/);
        expect(kubefedCertificateProblem([Buffer.from("junk")], ca.pem, HOST, [])).toMatch(/failed to parse/);
        expect(kubefedCertificateProblem([], ca.pem, HOST, ["*"])).toBeUndefined();
    });
});

describe("peerChain", () => {
    let server: tls.Server;
    let port: number;
    const served = leaf({ issuer: intermediate, ips: ["127.0.0.1"] });
    beforeAll(async () => {
        server = tls.createServer({ cert: served.pem + intermediate.pem, key: served.key }, (socket) => socket.end());
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const connect = (options: tls.ConnectionOptions) =>
        new Promise<Buffer[]>((resolve, reject) => {
            const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...options }, () => {
                const chain = peerChain(socket);
                socket.destroy();
                resolve(chain);
            });
            socket.on("error", reject);
        });

    test("the certificates the server sends, leaf first, as DER", async () => {
        const chain = await connect({});
        expect(chain).toEqual([served.der, intermediate.der]);
        expect(kubefedCertificateProblem(chain, ca.pem, "127.0.0.1", [])).toBeUndefined();
        expect(kubefedCertificateProblem(chain, otherCA.pem, "127.0.0.1", [])).toMatch(/unknown authority/);
    });
    test("with the caBundle as the connection's CA, as the component connects", async () => {
        const chain = await connect({ ca: ca.pem });
        expect(chain.slice(0, 2)).toEqual([served.der, intermediate.der]);
        expect(kubefedCertificateProblem(chain, ca.pem, "127.0.0.1", ["SubjectName"])).toBeUndefined();
    });
});
