// What `npm pack` / `npm publish` put in the tarball. bin/ is ignored by git, so a fresh clone has
// none: the `prepack` script must build it. This runs the real `npm pack --dry-run` (prepack, i.e.
// tsc, included; nothing is written but bin/).
import * as childProcess from "child_process";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

test("npm pack builds and ships the compiled package, its declarations, the provider and the schema, and no sources or tests", () => {
    const out = childProcess.execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    expect(files).toEqual(
        expect.arrayContaining([
            "bin/index.js",
            "bin/index.d.ts",
            "bin/component.js",
            "provider/pulumi-resource-kubefed",
            "schema.json",
            "package.json",
            "README.md",
        ]),
    );
    expect(files.filter((f) => /^(tests|src|e2e)\//.test(f))).toEqual([]);
}, 120_000);

// A program on a newer @pulumi/kubernetes 4.x must get one copy of it, not ours beside its own
// (scripts/check-single-copy.sh installs the packed package to prove it); the lock file keeps the
// version the suites run against. README, "Dependencies".
test("@pulumi/kubernetes is a range from the oldest 4.x with what the component uses, below 5; the lock file tests 4.25.0", () => {
    const pkg = require(path.join(ROOT, "package.json"));
    const lock = require(path.join(ROOT, "package-lock.json"));
    expect(pkg.dependencies["@pulumi/kubernetes"]).toBe("^4.18.0");
    expect(lock.packages[""].dependencies["@pulumi/kubernetes"]).toBe("^4.18.0");
    expect(lock.packages["node_modules/@pulumi/kubernetes"].version).toBe("4.25.0");
});
