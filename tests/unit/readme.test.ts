// The README's example is what users copy first: it must compile against the package as written.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..", "..");

test("the README's example, a federation from an empty host, type-checks against the package", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const example = /## Example: a federation from an empty host\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toContain("new KubefedControlPlane(");
    expect(example).toContain("new KubefedFederation(");
    const file = path.join(ROOT, "examples", "readme-example.generated.ts");
    fs.writeFileSync(file, example!);
    try {
        const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
        const program = ts.createProgram([file], { ...config.options, noEmit: true });
        const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        expect(problems).toEqual([]);
    } finally {
        fs.rmSync(file);
    }
});
