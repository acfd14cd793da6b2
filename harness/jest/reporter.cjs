// Jest loads reporters with a plain require (no transform), so this shim compiles the
// TypeScript reporter with tsx, scoped to this one require (no global hook left behind).
const { require: tsxRequire } = require('tsx/cjs/api');

const mod = tsxRequire('./coverage-reporter.ts', __filename);
module.exports = mod.default || mod;
