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
