// Which files the packed harness ships: every `bin` and `exports` target of package.json (the one
// owner of the entry points), the generator's templates and the Jest reporter shim; and none of
// the repository's own platform, fixtures, tests or benchmarks. Usage: check-tarball.cjs <tgz>.
'use strict';
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const tarball = process.argv[2];
const pkg = require(join(__dirname, '..', '..', 'package.json'));
const files = new Set(
  execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((entry) => entry.replace(/^package\//, '')),
);

const targets = (value) => (typeof value === 'string' ? [value] : Object.values(value).flatMap(targets));
const required = [
  ...Object.values(pkg.bin),
  ...targets(pkg.exports),
  'dist/harness/jest/reporter.cjs',
  'README.md',
].map((path) => path.replace(/^\.\//, ''));
const problems = required.filter((path) => !files.has(path)).map((path) => `missing ${path}`);
if (![...files].some((path) => /^dist\/generator\/emit\/.*\.hbs$/.test(path))) problems.push('missing dist/generator/emit/**.hbs');

const FORBIDDEN = /^(services|seed|openapi|tests|bench|examples|generated|infra\/migrations|dist\/services|dist\/seed|dist\/bench|dist\/tests)\/|\/(fixtures|corpus|testing)\/|\.test\.(js|d\.ts|ts)$/;
for (const path of files) if (FORBIDDEN.test(path)) problems.push(`ships ${path}`);

if (problems.length > 0) {
  console.error(`check-tarball: ${tarball}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`== tarball: ${files.size} files, every entry point present, no platform, fixture, test or bench file`);
