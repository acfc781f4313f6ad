// Two suites: `unit` (mocked Pulumi runtime, seconds) and `e2e` (real Pulumi CLI against the
// local control planes that e2e/env.sh starts; minutes). Type checking is `npm run typecheck`'s job,
// so ts-jest only transpiles.
const tsJest = { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] };
module.exports = {
  projects: [
    // `roots`: jest looks only at tests/, never at .e2e/ (etcd's *.snap files are not jest snapshots).
    { displayName: "unit", roots: ["<rootDir>/tests"], testEnvironment: "node", transform: tsJest, testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
    { displayName: "e2e", roots: ["<rootDir>/tests"], testEnvironment: "node", transform: tsJest, testMatch: ["<rootDir>/tests/e2e/**/*.test.ts"] },
  ],
};
