// Jest loads reporters with a plain require (no transform). Installed, the package ships the
// compiled reporter beside this file; from source, tsx compiles the TypeScript one, scoped to
// this one require (no global hook left behind).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, 'coverage-reporter.js');
const mod = existsSync(compiled) ? require(compiled) : require('tsx/cjs/api').require('./coverage-reporter.ts', __filename);
module.exports = mod.default || mod;
