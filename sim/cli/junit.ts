/**
 * JUnit XML, the lingua franca of CI dashboards: one test case per
 * scenario and variant, failed when its expectation did not hold.
 */
export interface JunitCase {
  readonly name: string;
  readonly className: string;
  readonly timeMs: number;
  /** Why it failed, or undefined when it passed. */
  readonly failure?: string;
}

export function junitXml(suite: string, cases: readonly JunitCase[]): string {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const totalS = cases.reduce((sum, c) => sum + c.timeMs, 0) / 1000;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(suite)}" tests="${cases.length}" failures="${failures}" errors="0" time="${totalS.toFixed(3)}">`,
    `  <testsuite name="${xml(suite)}" tests="${cases.length}" failures="${failures}" errors="0" time="${totalS.toFixed(3)}">`,
  ];
  for (const c of cases) {
    const open = `    <testcase classname="${xml(c.className)}" name="${xml(c.name)}" time="${(c.timeMs / 1000).toFixed(3)}"`;
    if (c.failure === undefined) lines.push(`${open}/>`);
    else lines.push(`${open}>`, `      <failure message="${xml(c.failure)}"/>`, '    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
