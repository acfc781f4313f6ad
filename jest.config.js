// Two suites: `unit` (mocked Pulumi runtime, seconds) and `e2e` (real Pulumi CLI against the
// local control planes that e2e/env.sh starts; minutes). Type checking is `npm run typecheck`'s job,
// so ts-jest only transpiles.
//
// @kubernetes/client-node 1.x and the packages it imports are ES modules. Node 20.19+ loads them
// with require() as they are; Jest's own module loader cannot, so the unit and e2e suites turn
// just those packages into CommonJS with Babel (nothing else under node_modules is transformed).
const ESM_PACKAGES = ["@kubernetes/client-node", "openid-client", "oauth4webapi", "jose", "jsonpath-plus", "@jsep-plugin", "jsep", "rfc4648"];
const transform = {
  "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  "^.+\\.js$": ["babel-jest", { babelrc: false, configFile: false, plugins: ["@babel/plugin-transform-modules-commonjs"] }],
};
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_PACKAGES.join("|")})/)`];
const project = (name) => ({
  displayName: name,
  // `roots`: jest looks only at tests/, never at .e2e/ (etcd's *.snap files are not jest snapshots).
  roots: ["<rootDir>/tests"],
  // The compiled releases in tests/fixtures/kubefed-<version> are files the upgrade test copies, never
  // modules of a suite: out of jest's module map (each has a package.json named @kubefed-iac/kubefed).
  modulePathIgnorePatterns: ["<rootDir>/tests/fixtures/kubefed-\\d"],
  testEnvironment: "node",
  transform,
  transformIgnorePatterns,
  testMatch: [`<rootDir>/tests/${name}/**/*.test.ts`],
});
module.exports = { projects: [project("unit"), project("e2e")] };
