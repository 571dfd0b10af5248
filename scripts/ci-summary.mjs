#!/usr/bin/env zx
// Prints the plain closing line 'N passed, N failed' from the JUnit reports
// vitest writes under CI (the README's test command, then the packed-package
// end-to-end test), so any CI reader can count the tests that ran.
import { existsSync, readFileSync } from 'node:fs';

const reports = ['reports/out/junit.xml', 'reports/out/junit-e2e.xml'].filter((f) => existsSync(f));
let tests = 0;
let failed = 0;
let skipped = 0;
for (const file of reports) {
  const root = /<testsuites\b[^>]*>/.exec(readFileSync(file, 'utf8'))?.[0] ?? '';
  const count = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(root)?.[1] ?? 0);
  tests += count('tests');
  failed += count('failures') + count('errors');
  skipped += count('skipped');
}
process.stdout.write(`${tests - failed - skipped} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
