// Two suites: `unit` (mocked Pulumi runtime, seconds) and `e2e` (real Pulumi CLI against the
// local control planes that e2e/env.sh starts; minutes). Type checking is `npm run typecheck`'s job,
// so ts-jest only transpiles.
const tsJest = { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] };
module.exports = {
  projects: [
    { displayName: "unit", testEnvironment: "node", transform: tsJest, testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
    { displayName: "e2e", testEnvironment: "node", transform: tsJest, testMatch: ["<rootDir>/tests/e2e/**/*.test.ts"] },
  ],
};
