#!/usr/bin/env zx
// Prints the plain closing line 'N passed, N failed' from the JUnit report
// vitest writes under CI, so any CI reader can count the tests that ran.
import { readFileSync } from 'node:fs';

const xml = readFileSync('reports/out/junit.xml', 'utf8');
const root = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? '';
const count = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(root)?.[1] ?? 0);
const tests = count('tests');
const failed = count('failures') + count('errors');
const skipped = count('skipped');
process.stdout.write(`${tests - failed - skipped} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
